import { z } from 'zod';
import { clientCloudKinds, cloudKinds, regionKinds, regionStatuses } from '../clouds.js';
import { defineCommand, defineManager } from '../command.js';
import { displayText, identifier, page, pageInput } from '../common.js';
import { region } from './organisation-schemas.js';
import { searchInput } from './search-input.js';

export const regions = defineManager('regions', 'region', {
  create: defineCommand({
    summary: 'Register a cloud region (public or private) that tenants can be activated in',
    input: z.strictObject({
      name: identifier('region name'),
      cloud: z.enum(cloudKinds),
      kind: z.enum(regionKinds),
      nativeName: z.string().trim().min(1).max(128),
      status: z.enum(regionStatuses).optional(),
      description: displayText(1000).optional(),
      agent: identifier('agent name').optional().describe('the private agent that reaches this cloud (docs/agent.md); it must serve the region'),
      imitates: z.enum(clientCloudKinds).optional().describe('SIMULATED regions: the cloud the published Maestro clients know it as (OPEN_STACK when left out)'),
    }),
    output: region,
    permission: 'CREATE_REGION',
    feature: 'organisation',
    ui: {
      title: 'Register a region',
      steps: [
        { title: 'Region', fields: ['name', 'cloud', 'kind', 'nativeName', 'description'] },
        { title: 'Reach', fields: ['status', 'agent', 'imitates'] },
      ],
      fields: {
        name: { label: 'Region name', help: 'How Maestro calls it; stored in upper case.' },
        cloud: { label: 'Cloud', widget: 'select' },
        kind: { label: 'Kind', widget: 'select' },
        nativeName: { label: "The cloud's name for it", placeholder: 'eu-west-1' },
        description: { widget: 'textarea' },
        status: { widget: 'select' },
        agent: { label: 'Private agent', help: 'The agent that reaches this cloud (docs/agent.md); empty for clouds Maestro reaches itself.' },
        imitates: { label: 'Known to clients as', widget: 'select', showWhen: { field: 'cloud', equals: 'SIMULATED' } },
      },
    },
    audit: 'create',
    audience: 'admin',
    scope: { kind: 'platform' },
  }),
  describe: defineCommand({
    summary: 'List regions, or describe one by name',
    input: z.strictObject({
      name: identifier('region name').optional(),
      cloud: z.enum(cloudKinds).optional(),
      tenant: identifier('tenant name').optional().describe('only the regions this tenant is activated in'),
      ...searchInput,
      ...pageInput,
    }),
    output: page(region),
    permission: 'DESCRIBE_REGION',
    feature: 'organisation',
    audit: null,
    audience: 'user',
    scope: { kind: 'self' },
    cli: { columns: ['name', 'cloud', 'kind', 'nativeName', 'status'] },
  }),
  update: defineCommand({
    summary: "Change a region's status, native name, description, agent or the cloud a simulated region imitates",
    input: z.strictObject({
      name: identifier('region name'),
      nativeName: z.string().trim().min(1).max(128).optional(),
      status: z.enum(regionStatuses).optional(),
      description: displayText(1000).optional(),
      agent: identifier('agent name').nullable().optional().describe('another private agent to reach the region through'),
      imitates: z.enum(clientCloudKinds).optional().describe('SIMULATED regions: the cloud the published Maestro clients know it as (OPEN_STACK when left out)'),
    }),
    output: region,
    permission: 'UPDATE_REGION',
    feature: 'organisation',
    audit: 'update',
    audience: 'admin',
    scope: { kind: 'platform' },
  }),
  discover: defineCommand({
    summary: 'Run discovery in a region now: adopt instances created outside Maestro, mark vanished ones terminated',
    input: z.strictObject({ name: identifier('region name') }),
    output: z.object({ region: z.string(), discovered: z.number(), vanished: z.number(), unchanged: z.number(), unassigned: z.number(), milliseconds: z.number() }),
    permission: 'DISCOVER_INSTANCES',
    feature: 'compute',
    audit: 'discover',
    audience: 'admin',
    scope: { kind: 'platform' },
  }),
});
