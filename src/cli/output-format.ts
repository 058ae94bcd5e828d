/** What `--output` takes: every generated command prints its result in one of these. */
export const outputFormats = ['table', 'json', 'yaml'] as const;

export type OutputFormat = (typeof outputFormats)[number];
