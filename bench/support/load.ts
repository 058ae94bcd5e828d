import { fork, type ChildProcess } from 'node:child_process';
import type { Flavour } from './databases.js';
import type { Figure } from './report.js';
import { fileURLToPath } from 'node:url';
import type { SigningCredentials } from '../../src/protocol/signing.js';

export type LoadTarget =
  | { kind: 'get'; url: string }
  | { kind: 'rpc'; url: string; credentials: SigningCredentials; method: string; params: unknown }
  /** Several JSON-RPC calls as one batch; succeeds when every call has a result. */
  | { kind: 'rpc-batch'; url: string; credentials: SigningCredentials; calls: ReadonlyArray<{ method: string; params: unknown }> }
  /** Calls of the Maestro protocol (PROTOCOL.md) in one encrypted batch; succeeds when every call is SUCCESS. */
  | { kind: 'm3'; url: string; credentials: SigningCredentials; calls: ReadonlyArray<{ type: string; params: unknown }> };

export interface LoadRequest {
  target: LoadTarget;
  /** Requests in flight at any time (one keep-alive connection each). */
  concurrency: number;
  durationMs: number;
}

export interface LoadResult {
  /** Successful responses (HTTP 200, and for JSON-RPC a result). */
  ok: number;
  failed: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  firstError?: string;
}

/**
 * A closed-loop load generator in a child process: `concurrency` workers each send a request,
 * wait for the answer, and send the next, for a fixed time. Throughput counts successes only.
 */
export class LoadGenerator {
  readonly #child: ChildProcess;

  private constructor(child: ChildProcess) {
    this.#child = child;
  }

  static start(): LoadGenerator {
    const child = fork(fileURLToPath(new URL('./load-worker.ts', import.meta.url)), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new LoadGenerator(child);
  }

  run(request: LoadRequest): Promise<LoadResult> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`the load generator exited (${code})`));
      this.#child.once('exit', onExit);
      this.#child.once('message', (message: LoadResult | { error: string }) => {
        this.#child.off('exit', onExit);
        if ('error' in message) reject(new Error(`load generator: ${message.error}`));
        else resolve(message);
      });
      this.#child.send(request);
    });
  }

  /** Runs `request` and fails when no request succeeded or some failed (a broken set-up, not load). */
  async measure(request: LoadRequest): Promise<LoadResult> {
    const result = await this.run(request);
    if (result.ok === 0 || result.failed > 0) {
      throw new Error(`${result.failed} of ${result.ok + result.failed} requests failed; first: ${result.firstError}`);
    }
    return result;
  }

  close(): void {
    this.#child.kill();
  }
}

/** The results of several segments of one side as one. */
export function combineResults(results: readonly LoadResult[]): LoadResult {
  const ok = results.reduce((sum, r) => sum + r.ok, 0);
  const seconds = results.reduce((sum, r) => sum + r.seconds, 0);
  // Percentiles of the segments, weighted by their request counts (the segments are alike).
  const weighted = (pick: (r: LoadResult) => number) => results.reduce((sum, r) => sum + pick(r) * r.ok, 0) / ok;
  return {
    ok,
    failed: results.reduce((sum, r) => sum + r.failed, 0),
    seconds,
    perSecond: ok / seconds,
    p50Ms: weighted((r) => r.p50Ms),
    p99Ms: weighted((r) => r.p99Ms),
  };
}

/** One side of a comparison: what to load, and what to switch in the server before each of its segments. */
export interface Side {
  target: LoadTarget;
  before?: () => void;
}

export interface AlternateOptions {
  concurrency: number;
  warmUpMs: number;
  rounds: number;
  segmentMs: number;
}

/**
 * Measures the sides in turn after a warm-up of each, round by round in their order and then the
 * reverse (A B B A …), so a burst of load elsewhere on a shared machine hits every side alike;
 * returns each side's segments combined.
 */
export async function measureAlternately<K extends string>(
  load: LoadGenerator,
  sides: Record<K, Side>,
  options: AlternateOptions,
): Promise<Record<K, LoadResult>> {
  const names = Object.keys(sides) as K[];
  const segment = (name: K, durationMs: number) => {
    sides[name].before?.();
    return load.measure({ target: sides[name].target, concurrency: options.concurrency, durationMs });
  };
  for (const name of names) await segment(name, options.warmUpMs);
  const segments = Object.fromEntries(names.map((name) => [name, [] as LoadResult[]])) as Record<K, LoadResult[]>;
  for (let round = 0; round < options.rounds; round++) {
    for (const name of round % 2 === 0 ? names : [...names].reverse()) segments[name].push(await segment(name, options.segmentMs));
  }
  return Object.fromEntries(names.map((name) => [name, combineResults(segments[name])])) as Record<K, LoadResult>;
}

/** The latencies a figure's details show for a side and its baseline. */
export const latencyDetails = (measured: LoadResult, baseline: LoadResult) => ({
  p50Ms: Number(measured.p50Ms.toFixed(2)),
  p99Ms: Number(measured.p99Ms.toFixed(2)),
  baselineP50Ms: Number(baseline.p50Ms.toFixed(2)),
  baselineP99Ms: Number(baseline.p99Ms.toFixed(2)),
});

/** Runs a measurement per database with one load generator for all of them. */
export async function withLoadGenerator(
  flavours: readonly Flavour[],
  measure: (flavour: Flavour, load: LoadGenerator) => Promise<Figure | Figure[]>,
): Promise<Figure[]> {
  const load = LoadGenerator.start();
  try {
    const figures: Figure[] = [];
    for (const flavour of flavours) figures.push(...[await measure(flavour, load)].flat());
    return figures;
  } finally {
    load.close();
  }
}
