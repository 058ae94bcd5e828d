import { z } from 'zod';
import { defineCommand, defineManager } from '../command.js';
import { timestamp } from '../common.js';

export const system = defineManager('system', 'system', {
  status: defineCommand({
    summary: 'The control plane: version, database, event log position, uptime',
    input: z.strictObject({}),
    output: z.object({
      version: z.string(),
      node: z.string(),
      database: z.enum(['pglite', 'postgres']),
      eventSeq: z.number(),
      startedAt: timestamp,
      uptimeSeconds: z.number(),
    }),
    permission: 'DESCRIBE_SYSTEM',
    feature: 'organisation',
    audit: null,
    audience: 'user',
    scope: { kind: 'self' },
  }),
  rebuild: defineCommand({
    summary: 'Drop every projection and rebuild it by replaying the event log',
    input: z.strictObject({}),
    output: z.object({
      events: z.number(),
      projections: z.array(z.string()),
      milliseconds: z.number(),
    }),
    permission: 'REBUILD_PROJECTIONS',
    feature: 'organisation',
    audit: null,
    audience: 'admin',
    scope: { kind: 'platform' },
  }),
});
