import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient, type MaestroClient } from '../../src/sdk/client.js';
import { cliEntry } from '../support/cli-entry.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface Exited {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface ServeProcess {
  readonly child: ChildProcess;
  /** Resolves with the first line of standard output that `match` accepts (rejects if the process ends first). */
  line(match: (line: string) => boolean): Promise<string>;
  /** Resolves when the process has ended, with everything it wrote. */
  readonly exited: Promise<Exited>;
}

/**
 * `maestro serve` in a process of its own, as an operator starts it (its build when fresh, else
 * through tsx: cliEntry). It sees only `env` besides PATH and the like: none of this process's MAESTRO_* settings
 * and no DATABASE_URL unless given.
 */
export function spawnServe(env: Record<string, string>, args: readonly string[] = []): ServeProcess {
  const base = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('MAESTRO_') && key !== 'DATABASE_URL'));
  const child = spawn(process.execPath, [...cliEntry(), 'serve', ...args], {
    cwd: root,
    env: { ...base, MAESTRO_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let pending = '';
  const watchers: Array<{ match: (line: string) => boolean; resolve: (line: string) => void; reject: (error: Error) => void }> = [];
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      for (const watcher of [...watchers]) {
        if (!watcher.match(line)) continue;
        watchers.splice(watchers.indexOf(watcher), 1);
        watcher.resolve(line);
      }
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<Exited>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      for (const watcher of watchers.splice(0)) {
        watcher.reject(new Error(`maestro serve ended (${code ?? signal}) before the line was written:\n${stdout}\n${stderr}`));
      }
      resolve({ code, signal, stdout, stderr });
    });
  });
  return {
    child,
    exited,
    line: (match) => new Promise((resolve, reject) => watchers.push({ match, resolve, reject })),
  };
}

/** The `KEY=value` lines of the credentials file a first start writes beside its data. */
export function readCredentialsFile(file: string): Record<string, string> {
  return Object.fromEntries(
    readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]),
  );
}

/**
 * One node on a data directory that a test starts, kills (SIGKILL, as a crash) and starts again:
 * `start` resolves with a client of the first administrator once the node is ready; `close` kills
 * what still runs (for `after`).
 */
export function restartableServe(dataDir: string, env: Record<string, string>) {
  let serve: ServeProcess | undefined;
  const kill = async (): Promise<void> => {
    if (!serve || serve.child.exitCode !== null) return;
    serve.child.kill('SIGKILL');
    await serve.exited;
  };
  return {
    async start(): Promise<MaestroClient> {
      serve = spawnServe({ MAESTRO_DATA_DIR: dataDir, MAESTRO_PORT: '0', MAESTRO_LOG_LEVEL: 'info', ...env });
      const ready = JSON.parse(await serve.line((line) => line.includes('"Maestro is ready"'))) as { url: string };
      const credentials = readCredentialsFile(path.join(dataDir, 'admin-credentials.env'));
      return createClient({ url: ready.url, accessKey: credentials.MAESTRO_ACCESS_KEY!, secretKey: credentials.MAESTRO_SECRET_KEY! });
    },
    kill,
    close: kill,
  };
}
