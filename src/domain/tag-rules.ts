/**
 * Tag rules that differ per cloud (seed §3.3.2): reserved key prefixes and how many tags a
 * resource may carry. Pure, so handlers for every taggable resource share one check.
 */
export const MAX_TAGS = 50;

export function tagProblems(tags: Record<string, string>, reservedPrefixes: readonly string[], cloud: string): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(tags)) {
    const prefix = reservedPrefixes.find((p) => key.toLowerCase().startsWith(p.toLowerCase()));
    if (prefix) problems.push(`tag key '${key}' starts with '${prefix}', which ${cloud} reserves`);
  }
  if (Object.keys(tags).length > MAX_TAGS) problems.push(`a resource carries at most ${MAX_TAGS} tags (got ${Object.keys(tags).length})`);
  return problems;
}
