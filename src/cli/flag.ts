// What a command-line flag is, apart from how flags are made (flag-schema.ts), put on a command
// (flags.ts) and read (flag-parsers.ts). Plain data: the command index stores flags as JSON.

/** `time`: the shared time input of src/protocol/common.ts (a date or a date-time). */
export type Kind = 'string' | 'number' | 'integer' | 'boolean' | 'time' | 'array' | 'object' | 'json';

/** A spelling of a flag as commander stores it. */
export interface FlagName {
  /** `--kebab-name` */
  flag: string;
  /** Where commander stores the value (its camel case of the flag). */
  attribute: string;
}

/** One top-level input property as a command-line flag. */
export interface Flag extends FlagName {
  property: string;
  kind: Kind;
  /** For arrays: the kind of each item. */
  itemKind: Kind;
  choices: string[] | undefined;
  required: boolean;
  /**
   * Nullable properties get `--clear-<flag>`, which sends null. One spelling for every type: `--no-`
   * means false for booleans, and a word such as `null` could be a real value of a text field.
   */
  clear: FlagName | null;
  /** Former spellings that still work (scripts use them) but are no longer shown in help. */
  aliases: FlagName[];
  /** Asked for without echo instead of being required on the command line. */
  secret: boolean;
  description: string;
}

/** Flags every generated command has; a schema property with one of these names would be unreachable. */
export const reservedFlags = new Set(['input', 'output', 'json', 'all', 'detach', 'help']);
