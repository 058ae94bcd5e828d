import { z } from 'zod';
import { defineCommand, defineManager } from '../command.js';

export const compat = defineManager('compat', 'compat', {
  describe: defineCommand({
    summary: 'Which actions of the published Maestro clients the compatible endpoint (/maestro/api/v3) supports',
    description:
      'Every action of the published command-line client\'s command definitions (reference/m3-cli-commands_def.json), with the ' +
      'client commands that send it and whether this server supports it. Unsupported actions answer FAILED, saying so.',
    input: z.strictObject({ supported: z.boolean().optional().describe('only supported (true) or unsupported (false) actions') }),
    output: z.object({
      referenceVersion: z.string(),
      supported: z.number().int(),
      total: z.number().int(),
      items: z.array(z.object({ action: z.string(), supported: z.boolean(), commands: z.array(z.string()) })),
    }),
    permission: 'DESCRIBE_SYSTEM',
    feature: 'organisation',
    audit: null,
    audience: 'admin',
    scope: { kind: 'self' },
    cli: { columns: ['action', 'supported', 'commands'] },
  }),
});
