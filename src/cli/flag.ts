// What a command-line flag is, apart from how flags are made (flags.ts) and read (flag-parsers.ts).

/** `time`: the shared time input of src/protocol/common.ts (a date or a date-time). */
export type Kind = 'string' | 'number' | 'integer' | 'boolean' | 'time' | 'array' | 'object' | 'json';

/** One top-level input property as a command-line flag. */
export interface Flag {
  property: string;
  /** `--kebab-name` */
  flag: string;
  /** Where commander stores the value (its camel case of the flag). */
  attribute: string;
  kind: Kind;
  /** For arrays: the kind of each item. */
  itemKind: Kind;
  choices: string[] | undefined;
  required: boolean;
  /**
   * Nullable properties get `--clear-<flag>`, which sends null. One spelling for every type: `--no-`
   * means false for booleans, and a word such as `null` could be a real value of a text field.
   */
  clear: { flag: string; attribute: string } | null;
  /** Asked for without echo instead of being required on the command line. */
  secret: boolean;
  description: string;
}
