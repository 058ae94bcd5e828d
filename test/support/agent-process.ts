import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MaestroClient } from '../../src/sdk/client.js';
import { cliEntry } from './cli-entry.js';
import { eventually } from './eventually.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface AgentRegionSpec {
  name: string;
  nativeName: string;
  cloud: string;
  /** The driver's settings, nothing secret. */
  config: Record<string, unknown>;
  /** Put into the agent's sealed store with `maestro agent credentials set`. */
  credentials: Record<string, unknown>;
}

export interface AgentProcess {
  readonly child: ChildProcess;
  /** SIGTERM, and waits until it ended. */
  stop(): Promise<void>;
}

/**
 * `maestro agent` in a process of its own, as an operator runs it: registered through the API
 * (its key pair), a configuration file, its regions' credentials stored with `maestro agent
 * credentials set` from standard input, then started; resolves once Maestro sees it online.
 */
export async function startAgentProcess(
  admin: MaestroClient,
  options: { name: string; amqpUrl: string; prefix: string; regions: AgentRegionSpec[]; pollSeconds?: number; logLevel?: string },
): Promise<AgentProcess> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'maestro-agent-'));
  const configFile = path.join(work, 'agent.json');
  const env = { ...process.env, MAESTRO_AGENT_CONFIG: configFile, MAESTRO_AGENT_MASTER_KEY: randomBytes(32).toString('base64'), MAESTRO_AGENT_LOG_LEVEL: options.logLevel ?? 'warn' };
  const run = (args: string[], input?: string) => {
    const child = spawn(process.execPath, [...cliEntry(), 'agent', ...args], { cwd: root, env, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    if (input !== undefined) child.stdin!.end(input);
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    return { child, exited: once(child, 'exit').then(([code]) => ({ code: code as number | null, output })) };
  };
  const created = await admin.agents.create({ name: options.name });
  writeFileSync(
    configFile,
    JSON.stringify({
      name: created.name,
      keys: [{ keyId: created.key.accessKey, secret: created.key.secretKey }],
      amqpUrl: options.amqpUrl,
      prefix: options.prefix,
      dataDir: path.join(work, 'data'),
      pollSeconds: options.pollSeconds ?? 10,
      regions: options.regions.map(({ credentials: _secret, ...region }) => region),
    }),
  );
  for (const region of options.regions) {
    const stored = await run(['credentials', 'set', '--region', region.name, '--file', '-'], JSON.stringify(region.credentials)).exited;
    if (stored.code !== 0) throw new Error(`maestro agent credentials set failed (${stored.code}): ${stored.output}`);
  }
  const { child, exited } = run([]);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(work, { recursive: true, force: true });
  };
  try {
    await eventually(async () => {
      if (child.exitCode !== null) throw new Error(`maestro agent ended (${child.exitCode}): ${output}`);
      return (await admin.agents.describe({ name: created.name })).items[0]?.state === 'online';
    }, `agent ${created.name} to come online`);
  } catch (error) {
    await stop();
    throw error;
  }
  return { child, stop };
}
