import { z } from 'zod';
import type { CommandDefinition } from './command.js';
import { errorKinds } from './errors.js';
import { publishedUiHints } from './ui-hints.js';

type JsonSchema = Record<string, unknown>;

const inputSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
const outputSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) as JsonSchema;

function withoutMeta(schema: JsonSchema): JsonSchema {
  const { $schema: _ignored, ...rest } = schema;
  return rest;
}

/** An OpenRPC 1.3 method: parameters by name, one content descriptor per top-level field. */
function methodOf(command: CommandDefinition) {
  const input = inputSchema(command.input);
  const properties = (input.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((input.required ?? []) as string[]);
  return {
    name: command.name,
    summary: command.summary,
    ...(command.description ? { description: command.description } : {}),
    paramStructure: 'by-name',
    params: Object.entries(properties).map(([name, schema]) => ({
      name,
      required: required.has(name),
      schema,
      ...(typeof schema.description === 'string' ? { description: schema.description } : {}),
    })),
    result: { name: 'result', schema: withoutMeta(outputSchema(command.output)) },
    'x-maestro': {
      permission: command.permission,
      feature: command.feature,
      audit: command.audit,
      audience: command.audience,
      // For the console: the table columns of list results, and how to render the command's form (docs/console.md).
      ...(command.cli?.columns ? { columns: command.cli.columns } : {}),
      ...(command.ui ? { ui: publishedUiHints(command.ui) } : {}),
    },
  };
}

export function openRpcDocument(commands: readonly CommandDefinition[], version: string) {
  return {
    openrpc: '1.3.2',
    info: {
      title: 'Maestro control plane',
      version,
      description:
        'Signed JSON-RPC 2.0 over POST /api/v1/rpc. Errors carry data.kind, one of: ' + Object.keys(errorKinds).join(', '),
    },
    methods: [
      {
        name: 'rpc.discover',
        summary: 'This document',
        params: [],
        result: { name: 'OpenRPC document', schema: { type: 'object' } },
        'x-maestro': { audience: 'public', audit: null },
      },
      ...commands.map(methodOf),
    ],
  };
}
