import type { RpcClient } from '../sdk/rpc.js';
import { CliError } from './errors.js';
import { progressView } from './job-progress.js';
import type { ProgressBar } from './progress-bar.js';

/** A job as jobs.describe shows it: what following one needs. */
export interface FollowedJob {
  id: string;
  status: string;
  progress: unknown;
  result: unknown;
  error: string | null;
}

export interface FollowOptions {
  /** Where the bar goes (stderr); nothing is drawn unless it is a terminal. */
  stream: NodeJS.WriteStream;
  /** Waits between two looks at the job (setTimeout; tests resolve at once). */
  sleep: (ms: number) => Promise<void>;
  pollMs?: number;
}

const ended = new Set(['success', 'failed']);

/** A progress bar when the stream is a terminal (cli-progress loaded only then), else nothing. */
export async function terminalBar(stream: NodeJS.WriteStream): Promise<ProgressBar | undefined> {
  return stream.isTTY ? new (await import('./progress-bar.js')).ProgressBar(stream) : undefined;
}

/**
 * Follows a job until it ends, drawing its progress (counts and rate) as a bar on a terminal,
 * and returns it ended; a failed job is an error naming it and why.
 */
export async function followJob(client: RpcClient, id: string, options: FollowOptions): Promise<FollowedJob> {
  const bar = await terminalBar(options.stream);
  try {
    for (;;) {
      const page = (await client.call('jobs.describe', { id })) as { items?: FollowedJob[] };
      const job = page.items?.[0];
      if (!job) throw new CliError('not_found', `job ${id} is no longer listed; maestro admin jobs shows the recent ones`, 4);
      const view = progressView(job.progress);
      if (view) bar?.show(view);
      if (ended.has(job.status)) {
        if (job.status === 'failed') throw new CliError('failed', `job ${id} failed: ${job.error ?? 'no reason given'} (maestro admin job describe --id ${id})`, 1);
        return job;
      }
      await options.sleep(options.pollMs ?? 500);
    }
  } finally {
    bar?.stop();
  }
}
