import { Option, type Command } from 'commander';
import { UsageError } from './errors.js';
import type { Flag, Kind } from './flag.js';
import { parserFor } from './flag-parsers.js';

export type { Flag, Kind } from './flag.js';

const placeholders: Record<Kind, string> = {
  string: 'text',
  number: 'number',
  integer: 'integer',
  boolean: 'true|false',
  time: 'date|date-time',
  array: 'item',
  object: 'key=value',
  json: 'json',
};

/**
 * Adds one commander option per flag: booleans take `--flag`, `--flag true|false` and
 * `--no-flag`; nullable properties add `--clear-flag`.
 */
export function addFlags(command: Command, flags: readonly Flag[]): void {
  for (const flag of flags) {
    if (flag.kind === 'boolean') {
      // The value is optional so that a bare `--flag` still means true.
      command.addOption(new Option(`${flag.flag} [${placeholders.boolean}]`, flag.description).argParser(parserFor(flag)));
      command.addOption(new Option(`--no-${flag.flag.slice(2)}`, `sets ${flag.property} to false`));
    } else {
      const placeholder = flag.choices && flag.kind === 'string' ? 'choice' : placeholders[flag.kind];
      const option = new Option(`${flag.flag} <${placeholder}>`, flag.description);
      if (flag.kind === 'string' && flag.choices) option.choices(flag.choices);
      else option.argParser(parserFor(flag));
      command.addOption(option);
    }
    if (flag.clear) command.addOption(new Option(flag.clear.flag, `sets ${flag.property} to null`));
    for (const alias of flag.aliases) {
      command.addOption(new Option(`${alias.flag} <${placeholders[flag.kind]}>`, `former spelling of ${flag.flag}`).argParser(parserFor(flag)).hideHelp());
    }
  }
}

/** The values of the flags given on the command line, by input property. */
export function flagValues(command: Command, flags: readonly Flag[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const flag of flags) {
    const spellings = [flag, ...flag.aliases].filter((name) => command.getOptionValueSource(name.attribute) === 'cli');
    const cleared = flag.clear !== null && command.getOptionValueSource(flag.clear.attribute) === 'cli';
    if (spellings.length > 0 && cleared) throw new UsageError(`give ${flag.flag} or ${flag.clear!.flag}, not both`);
    if (cleared) out[flag.property] = null;
    // Aliases exist for lists only, so two spellings given together add up.
    else if (spellings.length > 0) {
      const values = spellings.map((name) => command.getOptionValue(name.attribute) as unknown);
      out[flag.property] = values.length === 1 ? values[0] : values.flat();
    }
  }
  return out;
}

/** Required flags still missing once --input, flags and prompts have had their say. */
export function missingFlags(flags: readonly Flag[], input: Record<string, unknown>): Flag[] {
  return flags.filter((flag) => flag.required && input[flag.property] === undefined);
}
