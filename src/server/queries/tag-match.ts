/**
 * The SQL condition that a row's tags match a tag filter (a key, optionally with a value) under
 * the row's own cloud's rule: exactly on `tags`, or on `tags_folded` (keys and values lower-cased)
 * for clouds that compare tag names case-insensitively. `alias` names the row (its `tags` and
 * `tags_folded` columns), `folded` is an SQL expression true for those clouds; the values are
 * appended to `params`. The outer test names only the row's own columns, so that it reaches the
 * GIN indexes even where the rule depends on a joined region.
 */
export function tagMatchCondition(alias: string, folded: string, tag: { key: string; value?: string | null | undefined }, params: unknown[]): string {
  const { key, value } = tag;
  if (value === undefined || value === null) {
    params.push(key, key.toLowerCase());
    const [exact, lower] = [`$${params.length - 1}`, `$${params.length}`];
    // A key exists in `tags` only if its lower-cased form exists in `tags_folded`.
    return `${alias}.tags_folded ? ${lower} AND (${folded} OR ${alias}.tags ? ${exact})`;
  }
  params.push(JSON.stringify({ [key]: value }), JSON.stringify({ [key.toLowerCase()]: value.toLowerCase() }));
  const [exact, lower] = [`$${params.length - 1}::jsonb`, `$${params.length}::jsonb`];
  // Not `tags_folded` alone: folding can merge keys that differ in case where case matters.
  return `(${alias}.tags_folded @> ${lower} OR ${alias}.tags @> ${exact}) AND CASE WHEN ${folded} THEN ${alias}.tags_folded @> ${lower} ELSE ${alias}.tags @> ${exact} END`;
}
