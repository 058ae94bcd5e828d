import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CliError } from '../../src/cli/errors.js';
import { followInstances } from '../../src/cli/follow-instances.js';
import type { RpcClient } from '../../src/sdk/rpc.js';
import { fakeStream as stream } from './fake-stream.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { credentialsEnv, runCli } from './run-cli.js';

/** instances.describe answering these states, one set per look (by id); records what was asked. */
function instancesServer(looks: ReadonlyArray<Record<string, string>>) {
  const calls: unknown[] = [];
  let look = 0;
  const client: RpcClient = {
    async call(method, params) {
      calls.push({ method, params });
      const states = looks[Math.min(look++, looks.length - 1)]!;
      const ids = (params as { ids: string[] }).ids;
      return { items: ids.map((id) => ({ id, name: id, state: states[id] })), nextCursor: null };
    },
    batch: () => Promise.reject(new Error('not used')),
  };
  return { client, calls };
}


const ran = { instances: [{ id: 'a', name: 'a', state: 'pending' }, { id: 'b', name: 'b', state: 'pending' }] };

describe('following instances from the CLI (--wait)', () => {
  it('on a terminal, draws how many have settled and returns the run with the instances as they ended', async () => {
    const { client, calls } = instancesServer([{ a: 'running', b: 'pending' }, { a: 'running', b: 'error' }]);
    const terminal = stream(true);
    const result = await followInstances(client, 'DEV', ran, { stream: terminal.stream, sleep: async () => {}, now: () => 0 });
    assert.deepEqual(result, { instances: [{ id: 'a', name: 'a', state: 'running' }, { id: 'b', name: 'b', state: 'error' }] });
    assert.deepEqual(calls[0], { method: 'instances.describe', params: { tenant: 'DEV', ids: ['a', 'b'], limit: 100 } });
    assert.equal(calls.length, 2);
    // The bar redraws at most ten times a second: the first and the last look are drawn.
    assert.match(terminal.written(), /settling +\[[^\]]+\] 0% \| 0\/2 settled: pending 2/);
    assert.match(terminal.written(), /settling +\[[^\]]+\] 100% \| 2\/2 settled: running 1, error 1/);
  });

  it('in a pipe writes nothing; one instance answered is returned as one', async () => {
    const { client } = instancesServer([{ a: 'stopping' }, { a: 'stopped' }]);
    const pipe = stream(false);
    const result = await followInstances(client, 'DEV', { id: 'a', name: 'a', state: 'stopping' }, { stream: pipe.stream, sleep: async () => {}, now: () => 0 });
    assert.deepEqual(result, { id: 'a', name: 'a', state: 'stopped' });
    assert.equal(pipe.written(), '');
  });

  it('a run held for approval has nothing to follow; instances still changing at the limit are an error naming them', async () => {
    const held = { instances: [], approval: { id: 'r1' } };
    const { client, calls } = instancesServer([{ a: 'pending', b: 'running' }]);
    assert.deepEqual(await followInstances(client, 'DEV', held, { stream: stream(false).stream, sleep: async () => {}, now: () => 0 }), held);
    assert.equal(calls.length, 0);
    let clock = 0;
    await assert.rejects(
      followInstances(client, 'DEV', ran, { stream: stream(false).stream, sleep: async (ms) => void (clock += ms), now: () => clock, limitMs: 3000 }),
      (error: CliError) =>
        error instanceof CliError && error.exitCode === 1 && /1 of 2 instances are still changing \(pending 1\).*--id a shows them/.test(error.message),
    );
  });
});

describe('maestro instances run --count 3 --wait, against a server', () => {
  let server: TestServer;
  before(async () => {
    // Transitions take a quarter of a second: the run answers pending instances, --wait sees them running.
    server = await startTestServer({ config: { defaultSimulatedRegion: true, simLatencyMs: 250 } });
  });
  after(() => server?.close());

  it('prints the instances once running; stop --wait prints it stopped', async () => {
    const env = credentialsEnv(server.url, server.credentials);
    const run = ['instances', 'run', '--tenant', 'default', '--region', 'sim-local', '--image', 'ubuntu-24.04', '--shape', 'SMALL', '--count', '3'];
    const answered = await runCli([...run, '-o', 'json'], env);
    assert.equal(answered.code, 0, answered.stderr);
    assert.ok((JSON.parse(answered.stdout) as { instances: Array<{ state: string }> }).instances.every((i) => i.state === 'pending'));

    const waited = await runCli([...run, '--wait', '-o', 'json'], env);
    assert.equal(waited.code, 0, waited.stderr);
    const { instances } = JSON.parse(waited.stdout) as { instances: Array<{ id: string; state: string }> };
    assert.deepEqual(instances.map((i) => i.state), ['running', 'running', 'running']);
    // Not a terminal: no bar.
    assert.equal(waited.stderr, '');

    const stopped = await runCli(['instances', 'stop', '--tenant', 'default', '--id', instances[0]!.id, '--wait', '-o', 'json'], env);
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.equal((JSON.parse(stopped.stdout) as { state: string }).state, 'stopped');
    const help = await runCli(['instances', 'run', '--help'], env);
    assert.match(help.stdout, /--wait +follow the instances until each has settled/);
  });
});
