import { isRecord } from '../../core/rpc-error';

/** What the dashboard's cards show, read from the answers of the commands they call. */

export interface Amount {
  currency: string;
  cost: string;
}

export interface QuotaBar {
  /** What the bar measures, e.g. 'Monthly spending · all regions' or 'eu-west · instances'. */
  label: string;
  used: number;
  limit: number;
  /** 0–100 for the bar (a quota over its limit shows full). */
  percent: number;
  /** The numbers as text, e.g. '12.40 of 100 EUR'. */
  text: string;
}

export interface RecentEvent {
  id: string;
  time: string;
  type: string;
  outcome: string;
  initiator: string;
  target: string;
  targetId: string;
  instance: boolean;
}

/** The first instant of the current calendar month, UTC (billing counts UTC days). */
export function monthStart(now: Date): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString();
}

export function amountsOf(report: unknown): Amount[] {
  const totals = isRecord(report) && Array.isArray(report['totals']) ? report['totals'] : [];
  return totals.flatMap((entry) =>
    isRecord(entry) && typeof entry['currency'] === 'string' && (typeof entry['cost'] === 'string' || typeof entry['cost'] === 'number')
      ? [{ currency: entry['currency'], cost: roundCost(String(entry['cost'])) }]
      : [],
  );
}

/** The report's exact decimal text to cents for a glance (the Reporting page keeps every digit). */
export function roundCost(cost: string): string {
  const value = Number(cost);
  return Number.isFinite(value) ? value.toFixed(2) : cost;
}

/** resources.facets counts per type under the other filters: the instances in the state asked. */
export function instanceCountOf(facets: unknown): number {
  const types = isRecord(facets) && Array.isArray(facets['types']) ? facets['types'] : [];
  const instances = types.find((entry) => isRecord(entry) && entry['type'] === 'instance');
  return isRecord(instances) && typeof instances['count'] === 'number' ? instances['count'] : 0;
}

function bar(label: string, used: number, limit: number, unit: string): QuotaBar {
  const percent = limit > 0 ? Math.min(100, Math.round((used / limit) * 100)) : used > 0 ? 100 : 0;
  return { label, used, limit, percent, text: `${formatNumber(used)} of ${formatNumber(limit)}${unit ? ` ${unit}` : ''}` };
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

const dailyNames: Record<string, string> = { instances: 'instances', cpu: 'CPUs', ramGb: 'GB RAM', volumes: 'volumes', storageGb: 'GB storage' };

/** One bar per monthly cost quota, per limited amount of each daily quota, per public IP quota. */
export function quotaBarsOf(monthly: unknown, daily: unknown, publicIps: unknown): QuotaBar[] {
  const items = (answer: unknown) => (isRecord(answer) && Array.isArray(answer['items']) ? answer['items'].filter(isRecord) : []);
  const bars: QuotaBar[] = [];
  for (const quota of items(monthly)) {
    const where = quota['scope'] === 'region' ? String(quota['region']) : quota['scope'] === 'cloud' ? String(quota['cloud']) : 'all regions';
    bars.push(bar(`Monthly spending · ${where}`, Number(quota['spent']) || 0, Number(quota['limit']) || 0, String(quota['currency'] ?? '')));
  }
  for (const quota of items(daily)) {
    const limits = isRecord(quota['limits']) ? quota['limits'] : {};
    const used = isRecord(quota['used']) ? quota['used'] : {};
    for (const [key, name] of Object.entries(dailyNames)) {
      if (typeof limits[key] !== 'number') continue;
      bars.push(bar(`${String(quota['region'])} · ${name} per ${String(quota['intervalHours'])} h`, Number(used[key]) || 0, limits[key], ''));
    }
  }
  for (const quota of items(publicIps)) {
    bars.push(bar(`Public IPs · ${quota['region'] === null ? 'all regions' : String(quota['region'])}`, Number(quota['held']) || 0, Number(quota['limit']) || 0, ''));
  }
  return bars;
}

export function recentEventsOf(answer: unknown): RecentEvent[] {
  const items = isRecord(answer) && Array.isArray(answer['items']) ? answer['items'].filter(isRecord) : [];
  return items.map((event) => {
    const target = isRecord(event['target']) ? event['target'] : {};
    const initiator = isRecord(event['initiator']) ? event['initiator'] : {};
    const type = String(event['type'] ?? '');
    return {
      id: String(event['id'] ?? ''),
      time: String(event['time'] ?? ''),
      type,
      outcome: String(event['outcome'] ?? ''),
      initiator: String(initiator['name'] ?? initiator['id'] ?? ''),
      target: String(target['name'] ?? target['id'] ?? ''),
      targetId: String(target['id'] ?? ''),
      instance: type.startsWith('instance.'),
    };
  });
}
