import { isRecord } from '../../core/rpc-error';

/** The instance as instances.describe answers it: the fields the detail page reads. */
export interface InstanceView {
  id: string;
  name: string;
  tenant: string;
  region: string;
  cloud: string;
  nativeId: string;
  state: string;
  stateReason: string | null;
  shape: string | null;
  cpu: number;
  ramGb: number;
  diskGb: number;
  image: string | null;
  keyName: string | null;
  publicIp: { address: string; privateAddress: string | null } | null;
  owner: string | null;
  managed: boolean;
  terminationProtection: boolean;
  tags: Record<string, string>;
  stopAfter: string | null;
  terminateAfter: string | null;
  launchedAt: string;
  updatedAt: string;
  [key: string]: unknown;
}

export function instanceFrom(answer: unknown): InstanceView | null {
  const items = isRecord(answer) && Array.isArray(answer['items']) ? answer['items'] : [];
  const first: unknown = items[0];
  return isRecord(first) && typeof first['id'] === 'string' && typeof first['state'] === 'string' ? (first as InstanceView) : null;
}

export interface LifecycleAction {
  command: string;
  label: string;
  icon: string;
  /** The states it makes sense in; the server refuses others with a clear error anyway. */
  states: readonly string[];
}

export const lifecycleActions: readonly LifecycleAction[] = [
  { command: 'instances.start', label: 'Start', icon: 'play_arrow', states: ['stopped'] },
  { command: 'instances.stop', label: 'Stop', icon: 'stop', states: ['running'] },
  { command: 'instances.reboot', label: 'Reboot', icon: 'restart_alt', states: ['running'] },
  { command: 'instances.terminate', label: 'Terminate', icon: 'delete_forever', states: ['pending', 'running', 'stopped', 'error', 'unknown'] },
];

/** States that change on their own: the page shows progress while in one. */
export const transitionalStates = new Set(['pending', 'starting', 'stopping', 'rebooting', 'shutting-down']);

export interface OverviewField {
  label: string;
  value: string;
  testId: string;
}

function text(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return String(value);
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
function when(value: string | null): string {
  if (!value) return '—';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : dateTime.format(date);
}

/** The overview's fields, in the order a user looks for them. */
export function overviewFields(instance: InstanceView): OverviewField[] {
  const size = `${instance.cpu} CPU · ${instance.ramGb} GB RAM · ${instance.diskGb} GB disk`;
  return [
    { label: 'Name', value: text(instance.name), testId: 'field-name' },
    { label: 'ID', value: instance.id, testId: 'field-id' },
    { label: 'Tenant', value: text(instance.tenant), testId: 'field-tenant' },
    { label: 'Cloud · region', value: `${text(instance.cloud)} · ${text(instance.region)}`, testId: 'field-region' },
    { label: 'Native ID', value: text(instance.nativeId), testId: 'field-native-id' },
    { label: 'Shape', value: instance.shape ? `${instance.shape} (${size})` : `custom (${size})`, testId: 'field-shape' },
    { label: 'Image', value: text(instance.image), testId: 'field-image' },
    { label: 'SSH key', value: text(instance.keyName), testId: 'field-key' },
    {
      label: 'Public IP',
      value: instance.publicIp ? `${instance.publicIp.address}${instance.publicIp.privateAddress ? ` → ${instance.publicIp.privateAddress}` : ''}` : '—',
      testId: 'field-public-ip',
    },
    { label: 'Owner', value: text(instance.owner), testId: 'field-owner' },
    { label: 'Managed by Maestro', value: text(instance.managed), testId: 'field-managed' },
    { label: 'Termination protection', value: text(instance.terminationProtection), testId: 'field-termination-protection' },
    { label: 'Stop after', value: when(instance.stopAfter), testId: 'field-stop-after' },
    { label: 'Terminate after', value: when(instance.terminateAfter), testId: 'field-terminate-after' },
    { label: 'Launched', value: when(instance.launchedAt), testId: 'field-launched' },
    { label: 'Updated', value: when(instance.updatedAt), testId: 'field-updated' },
  ];
}

/** What the platform recorded at launch (instance.launched) or discovery (instance.discovered). */
export interface LaunchRecord {
  how: 'launched' | 'discovered';
  time: string;
  by: string;
  fields: OverviewField[];
}

export function launchRecordFrom(answer: unknown): LaunchRecord | null {
  const items = isRecord(answer) && Array.isArray(answer['items']) ? answer['items'].filter(isRecord) : [];
  const event = items.find((item) => item['type'] === 'instance.launched') ?? items.find((item) => item['type'] === 'instance.discovered');
  if (!event) return null;
  const data = isRecord(event['data']) ? event['data'] : {};
  const initiator = isRecord(event['initiator']) ? event['initiator'] : {};
  const tags = isRecord(data['tags']) ? Object.entries(data['tags']).map(([key, value]) => `${key}=${String(value)}`).join(', ') : '';
  const fields: OverviewField[] = [
    { label: 'Shape asked for', value: text(data['shape']), testId: 'auto-shape' },
    { label: 'CPU · RAM · disk', value: `${text(data['cpu'])} CPU · ${typeof data['ramMb'] === 'number' ? data['ramMb'] / 1024 : '—'} GB RAM · ${text(data['diskGb'])} GB disk`, testId: 'auto-size' },
    { label: 'SSH key installed', value: text(data['keyName']), testId: 'auto-key' },
    { label: 'Tags given', value: tags || '—', testId: 'auto-tags' },
    { label: 'Termination protection', value: 'terminationProtection' in data ? text(data['terminationProtection']) : '—', testId: 'auto-protection' },
    { label: 'Stop after', value: when(typeof data['stopAfter'] === 'string' ? data['stopAfter'] : null), testId: 'auto-stop-after' },
    { label: 'Terminate after', value: when(typeof data['terminateAfter'] === 'string' ? data['terminateAfter'] : null), testId: 'auto-terminate-after' },
  ];
  return {
    how: event['type'] === 'instance.launched' ? 'launched' : 'discovered',
    time: when(typeof event['time'] === 'string' ? event['time'] : null),
    by: text(initiator['name'] ?? initiator['id']),
    fields,
  };
}
