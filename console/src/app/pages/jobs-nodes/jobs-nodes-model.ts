import { isRecord } from '../../core/rpc-error';

/** The nodes and running jobs as the JMX page shows them, read from nodes.describe and jobs.describe. */

export interface NodeHealth {
  id: string;
  name: string;
  status: string;
  healthy: boolean;
  version: string;
  host: string;
  startedAt: string;
  heartbeatAgo: string;
  loadAverage: string;
  memory: string;
  jobsRunning: number;
  jobConcurrency: number;
  /** Share of the job slots in use, 0–100. */
  slotsPercent: number;
}

export interface JobProgress {
  id: string;
  type: string;
  node: string;
  attempts: string;
  startedAt: string;
  /** 0–100 when the job reports how far it is; null when it reports only counts (an indeterminate bar). */
  percent: number | null;
  text: string;
}

const items = (answer: unknown) => (isRecord(answer) && Array.isArray(answer['items']) ? answer['items'].filter(isRecord) : []);

/** "12 s ago", "3 min ago", "2 h ago": a heartbeat's age at a glance. */
export function ago(iso: string, now: number): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return '—';
  const seconds = Math.max(0, Math.round((now - at) / 1000));
  if (seconds < 90) return `${seconds} s ago`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min ago`;
  return `${Math.round(seconds / 3600)} h ago`;
}

const megabytes = (bytes: unknown) => (typeof bytes === 'number' ? `${Math.round(bytes / 1_048_576)} MB` : '—');

export function nodesOf(answer: unknown, now: number): NodeHealth[] {
  return items(answer).map((node) => {
    const load = isRecord(node['load']) ? node['load'] : {};
    const running = Number(load['jobsRunning']) || 0;
    const concurrency = Number(load['jobConcurrency']) || 0;
    const averages = Array.isArray(load['loadAverage']) ? load['loadAverage'].map((value) => Number(value).toFixed(2)).join(' · ') : '—';
    return {
      id: String(node['id'] ?? ''),
      name: String(node['name'] ?? ''),
      status: String(node['status'] ?? 'unknown'),
      healthy: node['status'] === 'running',
      version: String(node['version'] ?? '—'),
      host: `${String(node['host'] ?? '')}${typeof node['pid'] === 'number' ? ` (pid ${node['pid']})` : ''}`,
      startedAt: String(node['startedAt'] ?? ''),
      heartbeatAgo: ago(String(node['heartbeatAt'] ?? ''), now),
      loadAverage: averages,
      memory: `heap ${megabytes(load['heapUsedBytes'])} · RSS ${megabytes(load['rssBytes'])}`,
      jobsRunning: running,
      jobConcurrency: concurrency,
      slotsPercent: concurrency > 0 ? Math.min(100, Math.round((running / concurrency) * 100)) : 0,
    };
  });
}

/**
 * How far a job is, from what it reported: a percent, done of total, bytes read of the file, or
 * staged of total (a billing import), whichever it gives; else its fields as text.
 */
export function progressOf(progress: unknown): { percent: number | null; text: string } {
  if (!isRecord(progress)) return { percent: null, text: 'no progress reported yet' };
  const fraction = (done: unknown, total: unknown) =>
    typeof done === 'number' && typeof total === 'number' && total > 0 ? Math.min(100, Math.round((done / total) * 100)) : null;
  const daily = isRecord(progress['dailyCosts']) ? progress['dailyCosts'] : {};
  const percent =
    (typeof progress['percent'] === 'number' ? Math.min(100, Math.max(0, Math.round(progress['percent']))) : null) ??
    fraction(progress['done'], progress['total']) ??
    (progress['phase'] === 'staging' ? fraction(daily['staged'], daily['total']) : null) ??
    fraction(progress['fileBytesRead'], progress['fileBytes']);
  const parts: string[] = [];
  if (typeof progress['phase'] === 'string') parts.push(progress['phase']);
  if (percent !== null) parts.push(`${percent}%`);
  const rows = progress['rows'];
  if (isRecord(rows)) {
    parts.push(Object.entries(rows).filter(([, value]) => typeof value === 'number').map(([key, value]) => `${key} ${String(value)}`).join(', '));
  } else if (typeof rows === 'number') parts.push(`${rows} rows`);
  if (typeof progress['rowsPerSecond'] === 'number') parts.push(`${Math.round(progress['rowsPerSecond'])} rows/s`);
  if (parts.length === 0) {
    parts.push(Object.entries(progress).filter(([, value]) => typeof value !== 'object').map(([key, value]) => `${key}=${String(value)}`).join(', '));
  }
  return { percent, text: parts.filter(Boolean).join(' · ') || 'working' };
}

export function runningJobsOf(answer: unknown): JobProgress[] {
  return items(answer).map((job) => {
    const { percent, text } = progressOf(job['progress']);
    return {
      id: String(job['id'] ?? ''),
      type: String(job['type'] ?? ''),
      node: String(job['node'] ?? '—'),
      attempts: `${String(job['attempts'] ?? 0)} of ${String(job['maxAttempts'] ?? '?')}`,
      startedAt: String(job['startedAt'] ?? ''),
      percent,
      text,
    };
  });
}
