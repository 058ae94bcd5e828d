import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { connect, type ChannelModel, type GetMessage } from 'amqplib';

const run = promisify(execFile);

export const amqpUrl = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

let reachable: Promise<string | null> | undefined;

/** null when RabbitMQ answers; otherwise why not. */
function brokerProblem(): Promise<string | null> {
  reachable ??= (async () => {
    try {
      const model = await connect(amqpUrl, { timeout: 5000 });
      await model.close();
      await run('rabbitmqctl', ['status'], { timeout: 30_000 });
      return null;
    } catch (error) {
      return (error as Error).message.split('\n')[0] ?? 'unreachable';
    }
  })();
  return reachable;
}

/** `skip` for a suite without RabbitMQ (and rabbitmqctl) on a developer machine; in CI a failure. */
export async function brokerSkip(): Promise<string | false> {
  const problem = await brokerProblem();
  if (!problem) return false;
  if (process.env.CI === 'true') throw new Error(`RabbitMQ (and rabbitmqctl) are required in CI: ${problem}`);
  return `skipped without RabbitMQ: ${problem}`;
}

export interface TestVhost {
  name: string;
  url: string;
  /** Closes every client connection of this vhost from the broker's side. */
  closeConnections(): Promise<void>;
  /** Takes every message waiting in a queue. */
  drain(queue: string): Promise<GetMessage[]>;
  remove(): Promise<void>;
}

/**
 * A virtual host of its own for one test file: its queues, and the connections a test kills,
 * are nobody else's (the broker is shared with other services and test files).
 */
export async function testVhost(): Promise<TestVhost> {
  const name = `maestro-test-${randomBytes(5).toString('hex')}`;
  const base = new URL(amqpUrl);
  const user = decodeURIComponent(base.username || 'guest');
  await run('rabbitmqctl', ['add_vhost', name]);
  await run('rabbitmqctl', ['set_permissions', '-p', name, user, '.*', '.*', '.*']);
  const url = new URL(amqpUrl);
  url.pathname = `/${encodeURIComponent(name)}`;
  let model: ChannelModel | null = null;
  return {
    name,
    url: url.toString(),
    async closeConnections() {
      await run('rabbitmqctl', ['close_all_connections', '-p', name, 'test: connection killed']);
    },
    async drain(queue) {
      model ??= await connect(url.toString());
      const channel = await model.createChannel();
      const messages: GetMessage[] = [];
      for (;;) {
        const message = await channel.get(queue, { noAck: true });
        if (!message) break;
        messages.push(message);
      }
      await channel.close();
      return messages;
    },
    async remove() {
      await model?.close().catch(() => undefined);
      await run('rabbitmqctl', ['delete_vhost', name]);
    },
  };
}
