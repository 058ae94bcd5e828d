import { z } from 'zod';
import type { CommandDefinition } from '../protocol/command.js';
import type { CommandIndex, IndexedCommand } from './command-index.js';
import { reservedFlags } from './flag.js';
import { flagsOf } from './flag-schema.js';

/** List commands: their output is a page (`items` + `nextCursor`) and their input takes a cursor. */
export function isPaged(command: CommandDefinition): boolean {
  const { output, input } = command;
  return (
    output instanceof z.ZodObject &&
    'items' in output.shape &&
    'nextCursor' in output.shape &&
    input instanceof z.ZodObject &&
    'cursor' in input.shape
  );
}

/**
 * The list field a command prints as its table and the schema of its rows: its one list field,
 * or, among several, the one whose rows have every column the command names.
 */
function rowList(command: CommandDefinition): { field: string; element: z.ZodType } | undefined {
  if (!(command.output instanceof z.ZodObject)) return undefined;
  const lists = Object.entries(command.output.shape as Record<string, z.ZodType>).flatMap(([field, schema]) =>
    schema instanceof z.ZodArray ? [{ field, element: (schema as z.ZodArray<z.ZodType>).element }] : [],
  );
  if (lists.length === 1) return lists[0];
  const columns = command.cli?.columns;
  if (!columns) return undefined;
  const fitting = lists.filter(({ element }) => element instanceof z.ZodObject && columns.every((column) => column in element.shape));
  return fitting.length === 1 ? fitting[0] : undefined;
}

const rowSchema = (command: CommandDefinition) => rowList(command)?.element;

/** Whether the output names a job that does the work (`job: { id, status }`), which the CLI can follow. */
function answersJob(command: CommandDefinition): boolean {
  if (!(command.output instanceof z.ZodObject)) return false;
  const job = (command.output.shape as Record<string, z.ZodType>).job;
  return job instanceof z.ZodObject && 'id' in job.shape && 'status' in job.shape;
}

/**
 * A family: the commands of one manager about the same resource schema. They print the same table
 * (the list command's columns; `describe` first), so `instances run` and `instances stop` look
 * alike. A single resource is printed as a row of that table when the command changes it (stop,
 * create, update); a read of one object (whoami, status) stays a record.
 */
function familyColumns(command: CommandDefinition, siblings: readonly CommandDefinition[]): string[] | undefined {
  const resource = rowSchema(command) ?? command.output;
  const lists = siblings.filter((other) => other.cli?.columns && rowSchema(other) === resource);
  const list = lists.find((other) => other.method === 'describe') ?? lists[0];
  return list?.cli?.columns ? [...list.cli.columns] : undefined;
}

/** Where the table's rows are when the output holds several lists (one list is found without it). */
function rowsFieldOf(command: CommandDefinition): string | undefined {
  if (!(command.output instanceof z.ZodObject)) return undefined;
  const lists = Object.values(command.output.shape as Record<string, z.ZodType>).filter((schema) => schema instanceof z.ZodArray);
  return lists.length > 1 ? rowList(command)?.field : undefined;
}

export function indexCommand(command: CommandDefinition, siblings: readonly CommandDefinition[]): IndexedCommand {
  const flags = flagsOf(command);
  for (const name of Object.keys(command.cli?.files ?? {})) {
    if (reservedFlags.has(name) || flags.some((flag) => flag.flag === `--${name}`)) throw new Error(`${command.name}: the file flag --${name} clashes with another flag`);
  }
  if (command.cli?.settles && flags.some((flag) => flag.flag === '--wait')) throw new Error(`${command.name}: --wait of a settling command clashes with an input flag`);
  const family = familyColumns(command, siblings);
  const columns = command.cli?.columns ? [...command.cli.columns] : family;
  const single = rowSchema(command) === undefined && command.output instanceof z.ZodObject;
  const rows = rowsFieldOf(command);
  return {
    name: command.name,
    manager: command.manager,
    method: command.method,
    noun: command.noun,
    audience: command.audience,
    summary: command.summary,
    ...(command.description ? { description: command.description } : {}),
    permission: command.permission,
    flags,
    paged: isPaged(command),
    ...(columns ? { columns } : {}),
    row: single && columns !== undefined && command.audit !== null,
    ...(rows ? { rows } : {}),
    job: answersJob(command),
    ...(command.cli?.files ? { files: { ...command.cli.files } } : {}),
    ...(command.cli?.settles ? { settles: true } : {}),
  };
}

export function buildCommandIndex(commands: readonly CommandDefinition[]): CommandIndex {
  return { commands: commands.map((command) => indexCommand(command, commands.filter((other) => other.manager === command.manager))) };
}
