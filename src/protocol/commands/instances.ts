import { z } from 'zod';
import { instanceStates } from '../compute.js';
import { defineCommand, defineManager } from '../command.js';
import { identifier, instant, page, pageInput } from '../common.js';
import { heldRequest } from './approvals.js';
import { instance, resourceId, resourceName, tags, tenantScope } from './compute-schemas.js';
import { searchInput } from './search-input.js';
import { instancePicker, tenantPicker, tenantRegionPicker } from './ui-pickers.js';

export const MAX_INSTANCES_PER_RUN = 500;

const instanceRef = z.strictObject({ ...tenantScope, id: resourceId('instance') });

/** A size: a named shape, or custom CPU and RAM (clouds that run any). */
const size = {
  shape: z.string().trim().min(1).max(32).optional().describe('shape name, e.g. SMALL; or give cpu and ramGb'),
  cpu: z.number().int().min(1).max(256).optional(),
  ramGb: z.number().min(0.5).max(4096).optional(),
};

/** Either a shape or both cpu and ramGb, each error naming the field to fix. */
const oneSize = <T extends z.ZodType<{ shape?: string | undefined; cpu?: number | undefined; ramGb?: number | undefined }>>(schema: T) =>
  schema
    .refine((v) => (v.shape !== undefined) !== (v.cpu !== undefined || v.ramGb !== undefined), {
      message: 'give either shape, or cpu and ramGb for a custom shape',
      path: ['shape'],
    })
    .refine((v) => v.shape !== undefined || (v.cpu !== undefined && v.ramGb !== undefined), {
      message: 'a custom shape needs both cpu and ramGb',
      path: ['cpu'],
    });

/** How the console asks before a lifecycle action that interrupts the instance; start asks nothing. */
const lifecycleConfirm = {
  start: undefined,
  stop: 'Stop this instance? Its processes end; its disk and addresses stay.',
  reboot: 'Reboot this instance? Its processes restart.',
  delete: 'Terminate this instance? It is gone for good, with its root disk.',
} as const;

const lifecycle = (summary: string, permission: 'START_INSTANCE' | 'STOP_INSTANCE' | 'REBOOT_INSTANCE' | 'TERMINATE_INSTANCE', audit: 'start' | 'stop' | 'reboot' | 'delete') =>
  defineCommand({
    summary,
    input: instanceRef,
    output: instance,
    permission,
    feature: 'compute',
    audit,
    audience: 'user',
    scope: { kind: 'tenant', field: 'tenant' },
    cli: { settles: true },
    ui: {
      fields: { tenant: tenantPicker, id: instancePicker },
      ...(lifecycleConfirm[audit] ? { confirm: lifecycleConfirm[audit] } : {}),
      resultRoute: '/instances/:id',
    },
  });

export const instances = defineManager('instances', 'instance', {
  run: defineCommand({
    summary: 'Run instances from an image with a shape (or custom CPU/RAM); returns them pending',
    description:
      'Tags follow the rules of the region\'s cloud, as tags.set applies them: reserved key prefixes are refused, and on clouds that ' +
      'ignore case in tag names (Google, OpenStack, the private clouds) two keys that differ only in case are refused. ' +
      'stopAfter and terminateAfter are time limits Maestro acts on by itself (every MAESTRO_TIME_LIMIT_INTERVAL_MS, 60 s by default), ' +
      'as instances.stop or instances.terminate by the system actor time-limits, audited with the CADF reason maestro/time-limit. ' +
      'Each fires once: when its time has passed Maestro takes the action if the instance is in a state for it, or records why not ' +
      '(already stopped, termination protection on), and clears the limit, so an instance started again later keeps running. ' +
      "Quotas apply before anything is created: a daily resource quota of the tenant in the region refuses the run with limit_exceeded; " +
      'so does a monthly cost quota with action deny that is 100% spent. One with action approval holds the run instead: nothing is ' +
      'created, instances is empty and approval says which request was recorded (pending); once an approver approves it, Maestro ' +
      'runs it as the requester (approvals.describe shows its outcome).',
    input: oneSize(
      z.strictObject({
        ...tenantScope,
        region: identifier('region name'),
        image: z.string().trim().min(1).max(128).describe('image name or id'),
        ...size,
        diskGb: z.number().int().min(1).max(65536).optional().describe("root disk; at least the image's minimum"),
        count: z
          .number()
          .int()
          .min(1)
          .max(MAX_INSTANCES_PER_RUN, `count must be at most ${MAX_INSTANCES_PER_RUN} per call; split larger runs`)
          .default(1),
        name: resourceName('instance').optional().describe('name, or name prefix when count > 1'),
        keyName: z.string().trim().min(1).max(128).optional().describe('SSH key of the tenant to install'),
        network: z
          .string()
          .trim()
          .min(1)
          .max(255)
          .optional()
          .describe("network to join, by name or nativeId (networks.describe); absent, the cloud's default"),
        securityGroups: z
          .array(z.string().trim().min(1).max(255))
          .min(1)
          .max(16)
          .optional()
          .describe("security groups by name (securityGroups.describe); absent, the cloud's default"),
        tags: tags.optional(),
        initScript: z.string().max(65536, 'init scripts are at most 64 KiB').optional(),
        stopAfter: instant
          .optional()
          .describe('Maestro stops the instance once when this time passes (if it is running then); a later start is not stopped again'),
        terminateAfter: instant
          .optional()
          .describe('Maestro terminates the instance once when this time passes, unless termination protection is on then'),
        terminationProtection: z.boolean().optional(),
      }),
    ),
    output: z.object({
      instances: z.array(instance),
      approval: heldRequest.optional().describe('present when a monthly cost quota held the run for approval; instances is then empty'),
    }),
    permission: 'RUN_INSTANCE',
    feature: 'compute',
    audit: 'create',
    audience: 'user',
    scope: { kind: 'tenant', field: 'tenant' },
    // No columns of its own: it prints the table of instances.describe, as start, stop, reboot and terminate do.
    cli: { settles: true },
    ui: {
      title: 'Run instances',
      wizard: 'RUN_INSTANCE_WIZARD',
      steps: [
        { title: 'Where', fields: ['tenant', 'region'] },
        { title: 'What', fields: ['image', 'shape', 'cpu', 'ramGb', 'diskGb', 'count', 'name'] },
        { title: 'Access', fields: ['keyName', 'network', 'securityGroups', 'initScript'] },
        { title: 'Options', fields: ['tags', 'stopAfter', 'terminateAfter', 'terminationProtection'] },
      ],
      fields: {
        tenant: tenantPicker,
        region: tenantRegionPicker,
        image: {
          label: 'Image',
          picker: { command: 'images.describe', value: 'name', detail: 'os', search: 'search', params: { tenant: '$tenant', region: '$region' } },
        },
        shape: {
          label: 'Shape',
          help: 'A named size; leave it empty to give CPU and RAM instead (clouds that run any size).',
          picker: { command: 'shapes.describe', value: 'name', detail: 'cpu', search: 'search', params: { region: '$region' } },
        },
        cpu: { label: 'CPUs', widget: 'number', showWhen: { field: 'shape', present: false } },
        ramGb: { label: 'RAM (GB)', widget: 'number', showWhen: { field: 'shape', present: false } },
        diskGb: { label: 'Root disk (GB)', widget: 'number', help: "At least the image's minimum; the image's minimum when empty." },
        count: { label: 'How many', widget: 'number' },
        name: { label: 'Name', help: 'With more than one instance, the name prefix.' },
        keyName: {
          label: 'SSH key',
          picker: { command: 'sshKeys.describe', value: 'name', detail: 'fingerprint', search: 'search', params: { tenant: '$tenant' } },
        },
        network: {
          label: 'Network',
          help: "Empty: the cloud's default network.",
          picker: { command: 'networks.describe', value: 'name', detail: 'nativeId', search: 'search', params: { tenant: '$tenant', region: '$region' } },
        },
        securityGroups: {
          label: 'Security groups',
          help: "Empty: the cloud's default group.",
          picker: {
            command: 'securityGroups.describe',
            value: 'name',
            detail: 'description',
            search: 'search',
            params: { tenant: '$tenant', region: '$region' },
          },
        },
        initScript: { label: 'User data (init script)', widget: 'code', help: 'Run by cloud-init at first boot; at most 64 KiB.' },
        tags: { label: 'Tags', widget: 'tags' },
        stopAfter: { label: 'Stop at', widget: 'datetime' },
        terminateAfter: { label: 'Terminate at', widget: 'datetime' },
        terminationProtection: { label: 'Termination protection', widget: 'checkbox' },
      },
      resultRoute: '/instances',
    },
  }),
  describe: defineCommand({
    summary: "List a tenant's instances with filters (state, owner, tag, name), or describe some by id",
    input: z.strictObject({
      ...tenantScope,
      region: identifier('region name').optional(),
      ids: z.array(resourceId('instance')).max(100).optional(),
      name: z.string().max(128).optional(),
      state: z.enum(instanceStates).optional(),
      owner: z.string().max(128).optional().describe('user name'),
      tagKey: z.string().max(128).optional(),
      tagValue: z.string().max(256).optional(),
      managed: z.boolean().optional(),
      ...searchInput,
      ...pageInput,
    }),
    output: page(instance),
    permission: 'DESCRIBE_INSTANCE',
    feature: 'compute',
    audit: null,
    audience: 'user',
    scope: { kind: 'tenant', field: 'tenant' },
    cli: { columns: ['id', 'name', 'state', 'shape', 'region', 'owner', 'managed'] },
  }),
  start: lifecycle('Start a stopped instance', 'START_INSTANCE', 'start'),
  stop: lifecycle('Stop a running instance', 'STOP_INSTANCE', 'stop'),
  reboot: lifecycle('Reboot a running instance', 'REBOOT_INSTANCE', 'reboot'),
  terminate: lifecycle('Terminate an instance (refused while termination protection is on)', 'TERMINATE_INSTANCE', 'delete'),
  resize: defineCommand({
    summary: 'Move a running or stopped instance to another shape (or custom CPU/RAM)',
    description:
      'The instance keeps its disk (a larger one is kept as it is), its addresses and its volumes; clouds that move it to another host ' +
      'restart it, and one that was stopped stays stopped. In a region reached through a private agent the resize runs there: the ' +
      'instance is returned with resizingTo set and keeps its size until the agent reports the end (instance.resized, or ' +
      'instance.resizeFailed with the cloud\'s reason in stateReason). Billing prices the instance at its new size from the moment ' +
      'the cloud reports it resized. A resize to more CPU or RAM is refused while a monthly cost quota of the tenant covering the region ' +
      'is 100% spent, whatever its action; daily quotas count creations and do not apply.',
    input: oneSize(instanceRef.extend(size)),
    output: instance,
    permission: 'RESIZE_INSTANCE',
    feature: 'compute',
    audit: 'update',
    audience: 'user',
    scope: { kind: 'tenant', field: 'tenant' },
    cli: { columns: ['id', 'name', 'state', 'shape', 'cpu', 'ramGb'] },
    ui: {
      title: 'Resize an instance',
      fields: {
        tenant: tenantPicker,
        id: instancePicker,
        // No picker: the form has no region for shapes.describe; the instance's region is on its page.
        shape: { label: 'New shape', help: "A shape of the instance's region; leave it empty to give CPU and RAM instead." },
        cpu: { label: 'CPUs', widget: 'number', showWhen: { field: 'shape', present: false } },
        ramGb: { label: 'RAM (GB)', widget: 'number', showWhen: { field: 'shape', present: false } },
      },
      confirm: 'Resize this instance? Clouds that move it to another host restart it.',
      resultRoute: '/instances/:id',
    },
  }),
  setTerminationProtection: defineCommand({
    summary: 'Turn termination protection of an instance on or off',
    input: instanceRef.extend({ enabled: z.boolean() }),
    output: instance,
    permission: 'MANAGE_TERMINATION_PROTECTION',
    feature: 'compute',
    audit: 'update',
    audience: 'user',
    scope: { kind: 'tenant', field: 'tenant' },
  }),
});
