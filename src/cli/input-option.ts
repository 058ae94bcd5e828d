import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from './errors.js';
import { isRecord } from './flag-parsers.js';
import { readAll } from './prompt.js';

/** The text of a file named on the command line, `-` being standard input. */
async function readText(flag: string, file: string): Promise<string> {
  try {
    return file === '-' ? await readAll() : readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`${flag} ${file}: ${(error as Error).message}`);
  }
}

/** `--input`: inline JSON, `@file`, or `@-` for stdin; always one JSON object. */
export async function parseInputOption(raw: string | undefined): Promise<Record<string, unknown>> {
  if (raw === undefined) return {};
  const text = raw.startsWith('@') ? await readText('--input', raw.slice(1)) : raw;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--input is not valid JSON: ${(error as Error).message}`);
  }
  if (!isRecord(value)) throw new UsageError('--input must be a JSON object of named parameters');
  return value;
}

/** The file flags a command declares (`--file <path>` sets `content`), read into their properties. */
export async function fileValues(cli: Command, files: Readonly<Record<string, string>>): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [name, property] of Object.entries(files)) {
    const file = cli.getOptionValue(name) as unknown;
    if (typeof file === 'string') out[property] = await readText(`--${name}`, file);
  }
  return out;
}
