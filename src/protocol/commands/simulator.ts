import { z } from 'zod';
import { defineCommand, defineManager } from '../command.js';
import { identifier, ok } from '../common.js';

const region = identifier('region name');
const settings = z.object({ cpu: z.number(), ramGb: z.number(), diskGb: z.number(), latencyMs: z.number() });

/** Administration of the built-in simulated cloud: what a data-centre operator would do. */
export const simulator = defineManager('simulator', 'simulator', {
  configure: defineCommand({
    summary: 'Set the capacity (VDC CPU, RAM, disk) and operation latency of a simulated region',
    input: z.strictObject({
      region,
      cpu: z.number().int().min(0).max(1_000_000).optional(),
      ramGb: z.number().min(0).max(100_000_000).optional(),
      diskGb: z.number().int().min(0).max(1_000_000_000).optional(),
      latencyMs: z.number().int().min(0).max(3_600_000).optional(),
    }),
    output: settings,
    permission: 'MANAGE_SIMULATOR',
    feature: 'privateClouds',
    audit: 'configure',
    audience: 'admin',
    scope: { kind: 'platform' },
  }),
  injectFault: defineCommand({
    summary: 'Make the next calls of a simulated region fail: API errors, timeouts, partial runs',
    input: z.strictObject({
      region,
      operation: z.enum(['run', 'start', 'stop', 'reboot', 'terminate', 'volume', 'image', 'network', 'any']),
      kind: z.enum(['error', 'timeout', 'partial']),
      times: z.number().int().min(1).max(1000).default(1),
      message: z.string().max(500).optional(),
      createdBefore: z.number().int().min(0).max(500).optional(),
    }),
    output: ok,
    permission: 'MANAGE_SIMULATOR',
    feature: 'privateClouds',
    audit: 'configure',
    audience: 'admin',
    scope: { kind: 'platform' },
  }),
  clearFaults: defineCommand({
    summary: 'Remove every pending fault of a simulated region',
    input: z.strictObject({ region }),
    output: ok,
    permission: 'MANAGE_SIMULATOR',
    feature: 'privateClouds',
    audit: 'configure',
    audience: 'admin',
    scope: { kind: 'platform' },
  }),
  createOutside: defineCommand({
    summary: 'Create VMs directly in a simulated region, as if someone bypassed Maestro (discovery finds them)',
    input: z.strictObject({
      region,
      count: z.number().int().min(1).max(100_000),
      namePrefix: z.string().trim().min(1).max(64).default('outside'),
      cpu: z.number().int().min(1).max(256).default(1),
      ramGb: z.number().min(0.5).max(4096).default(1),
      tags: z.record(z.string(), z.string()).optional(),
    }),
    output: z.object({ nativeIds: z.array(z.string()) }),
    permission: 'MANAGE_SIMULATOR',
    feature: 'privateClouds',
    audit: 'configure',
    audience: 'admin',
    scope: { kind: 'platform' },
  }),
  destroyOutside: defineCommand({
    summary: 'Make VMs vanish from a simulated region without telling Maestro (discovery marks them terminated)',
    input: z.strictObject({ region, nativeIds: z.array(z.string().min(1).max(64)).min(1).max(100_000) }),
    output: z.object({ destroyed: z.number() }),
    permission: 'MANAGE_SIMULATOR',
    feature: 'privateClouds',
    audit: 'configure',
    audience: 'admin',
    scope: { kind: 'platform' },
  }),
  kill: defineCommand({
    summary: 'A VM dies in a simulated region (host failure): it goes to error',
    input: z.strictObject({ region, nativeId: z.string().min(1).max(64) }),
    output: ok,
    permission: 'MANAGE_SIMULATOR',
    feature: 'privateClouds',
    audit: 'configure',
    audience: 'admin',
    scope: { kind: 'platform' },
  }),
});
