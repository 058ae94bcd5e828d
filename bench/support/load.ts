import { fork, type ChildProcess } from 'node:child_process';
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
