import { readFileSync } from 'node:fs';
import { UsageError } from './errors.js';
import { isRecord } from './flag-parsers.js';
import { readAll } from './prompt.js';

/** `--input`: inline JSON, `@file`, or `@-` for stdin; always one JSON object. */
export async function parseInputOption(raw: string | undefined): Promise<Record<string, unknown>> {
  if (raw === undefined) return {};
  let text = raw;
  if (raw.startsWith('@')) {
    const file = raw.slice(1);
    try {
      text = file === '-' ? await readAll() : readFileSync(file, 'utf8');
    } catch (error) {
      throw new UsageError(`--input ${raw}: ${(error as Error).message}`);
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--input is not valid JSON: ${(error as Error).message}`);
  }
  if (!isRecord(value)) throw new UsageError('--input must be a JSON object of named parameters');
  return value;
}
