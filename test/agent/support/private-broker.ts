import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { connect } from 'amqplib';
import { eventually } from '../../support/eventually.js';

const SERVER = '/usr/lib/rabbitmq/bin/rabbitmq-server';

/**
 * A RabbitMQ node of one test's own, from the machine's rabbitmq-server: its own node name,
 * ports and data directory, so that the test may stop and start it (the shared broker on 5672
 * serves other suites and is never restarted). Its durable queues and persistent messages live in
 * the data directory and survive a restart, as on a real broker.
 */
export interface PrivateBroker {
  url: string;
  /** Stops the node as an operator's restart does (SIGTERM: connections closed, stores flushed). */
  stop(): Promise<void>;
  /** Starts it again on the same data; resolves once it accepts AMQP connections. */
  start(): Promise<void>;
  remove(): Promise<void>;
}

/** null when this machine can run a private broker; otherwise why not. */
export function privateBrokerProblem(): string | null {
  return existsSync(SERVER) ? null : `${SERVER} is missing (Debian's rabbitmq-server package)`;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startPrivateBroker(): Promise<PrivateBroker> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'maestro-broker-'));
  const [port, distPort] = [await freePort(), await freePort()];
  const node = `maestro-test-${randomBytes(4).toString('hex')}@localhost`;
  writeFileSync(path.join(dir, 'enabled_plugins'), '[].\n');
  writeFileSync(path.join(dir, 'rabbitmq.conf'), 'loopback_users = none\n');
  const env = {
    ...process.env,
    // The Erlang cookie is made in HOME at first start: this node's own.
    HOME: dir,
    RABBITMQ_NODENAME: node,
    RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_MNESIA_BASE: path.join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: path.join(dir, 'log'),
    RABBITMQ_ENABLED_PLUGINS_FILE: path.join(dir, 'enabled_plugins'),
    RABBITMQ_CONFIG_FILE: path.join(dir, 'rabbitmq'),
    RABBITMQ_PID_FILE: path.join(dir, 'pid'),
  };
  const url = `amqp://guest:guest@127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  let output = '';

  const start = async () => {
    output = '';
    const started = spawn(SERVER, [], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    started.stdout!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
    started.stderr!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
    child = started;
    let exited: number | null = null;
    started.once('exit', (code) => (exited = code ?? -1));
    await eventually(
      async () => {
        if (exited !== null) throw new Error(`the private RabbitMQ node exited (${exited}) while starting: ${output}`);
        try {
          await (await connect(url, { timeout: 2000 })).close();
          return true;
        } catch {
          return false;
        }
      },
      () => `the private RabbitMQ node ${node} to accept connections (${output.slice(-500)})`,
    );
  };

  const stop = async () => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill('SIGTERM');
    await exited;
  };

  await start();
  return {
    url,
    stop,
    start,
    async remove() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
