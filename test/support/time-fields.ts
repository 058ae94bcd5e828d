import { z } from 'zod';
import type { CommandDefinition } from '../../src/protocol/command.js';
import { allCommands } from '../../src/protocol/commands/index.js';
import type { Fixture, Home } from '../access/fixture.js';
import { samples } from '../access/samples.js';

interface JsonSchema {
  type?: string | string[];
  format?: string;
  pattern?: string;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
}

export interface TimeField {
  command: CommandDefinition;
  field: string;
  /** `month`: YYYY-MM; `time`: a date or a date-time. */
  kind: 'time' | 'month';
}

/** A name that says it holds a time: from, to, since, until, at, expiresAt, stopAfter, effectiveFrom, month … */
const timeName = /^(from|to|since|until|at|month)$|(At|After|Before|From|Until|Since|Month)$/;

function formats(schema: JsonSchema): string[] {
  const nested = [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])].flatMap(formats);
  return [...(schema.format ? [schema.format] : []), ...nested];
}

function types(schema: JsonSchema): string[] {
  const own = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  return [...own, ...[...(schema.anyOf ?? []), ...(schema.oneOf ?? [])].flatMap(types)];
}

/**
 * Every input property of every command that asks for a time, found from the definitions (a
 * date or date-time format, or a time-like name on a field that is not a number), so that a new
 * command's time fields are covered without being listed anywhere.
 */
export function timeFields(commands: readonly CommandDefinition[] = allCommands): TimeField[] {
  return commands.flatMap((command) => {
    const schema = z.toJSONSchema(command.input, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
    return Object.entries(schema.properties ?? {}).flatMap(([field, property]): TimeField[] => {
      const found = formats(property);
      const named = timeName.test(field) && !types(property).some((t) => t === 'number' || t === 'integer');
      if (!found.some((f) => f === 'date' || f === 'date-time') && !named) return [];
      return [{ command, field, kind: /month/i.test(field) ? 'month' : 'time' }];
    });
  });
}

// Names only: parsing an input never looks anything up.
const home: Home = { customer: 'C', tenant: 'T', region: 'R', instanceId: '00000000-0000-4000-8000-000000000001', spareUser: 'spare', spareKey: 'MKSPARE' };
const fixture: Fixture = {
  names: { A: 'A', B: 'B', S: 'S', spare: 'SPARE' },
  tenants: { A1: 'A1', A2: 'A2', B1: 'B1', S1: 'S1' },
  region: 'R',
  region2: 'R2',
  actors: [],
  homes: { A: home, S: home },
};

/**
 * An input the command's schema accepts (its authorisation-matrix sample, with made-up names), and
 * the day to put in the time field: the sample's own when it has one, so that from stays before to.
 */
export function sampleFor({ command, field }: TimeField): { base: Record<string, unknown>; day: string } {
  const sample = samples[command.name];
  if (!sample) throw new Error(`${command.name} has no sample in test/access/samples.ts`);
  const base = sample(fixture, home);
  return { base, day: typeof base[field] === 'string' ? String(base[field]).slice(0, 10) : '2030-01-10' };
}
