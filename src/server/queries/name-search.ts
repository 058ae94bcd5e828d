/**
 * The SQL of a `search` input (src/protocol/commands/search-input.ts): the column contains the
 * text, in any case. strpos rather than LIKE, so '%' and '_' in the text are plain characters.
 * The lists it narrows are already narrowed by an indexed tenant, region or customer, or small.
 */
export const nameContains = (column: string, placeholder: string): string => `strpos(lower(${column}), lower(${placeholder})) > 0`;

/** The same match for lists filtered in memory (read live from a cloud). */
export const containsText = (name: string, search: string | undefined): boolean =>
  search === undefined || name.toLowerCase().includes(search.toLowerCase());
