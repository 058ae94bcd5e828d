import { transitionalStates } from '../domain/instance-lifecycle.js';
import type { InstanceState } from '../protocol/compute.js';
import type { RpcClient } from '../sdk/rpc.js';
import { CliError } from './errors.js';
import { terminalBar, type FollowOptions } from './follow-job.js';

/** What following instances needs of each: its id and state (the rest is printed as it comes). */
interface FollowedInstance {
  id: string;
  state: string;
}

export interface FollowInstancesOptions extends FollowOptions {
  now: () => number;
  /** How long to wait in all before giving up with an error naming those still changing. */
  limitMs?: number;
}

const isInstance = (value: unknown): value is FollowedInstance =>
  typeof value === 'object' && value !== null && typeof (value as FollowedInstance).id === 'string' && typeof (value as FollowedInstance).state === 'string';

const settled = (instance: FollowedInstance) => !transitionalStates.has(instance.state as InstanceState);

/** `running 3, pending 2`: how many are in each state, most first. */
function stateCounts(instances: readonly FollowedInstance[]): string {
  const counts = new Map<string, number>();
  for (const { state } of instances) counts.set(state, (counts.get(state) ?? 0) + 1);
  return [...counts].sort(([, a], [, b]) => b - a).map(([state, n]) => `${state} ${n}`).join(', ');
}

async function describeAll(client: RpcClient, tenant: string, ids: readonly string[]): Promise<Map<string, FollowedInstance>> {
  const found = new Map<string, FollowedInstance>();
  // instances.describe takes up to 100 ids at a time.
  for (let at = 0; at < ids.length; at += 100) {
    const page = (await client.call('instances.describe', { tenant, ids: ids.slice(at, at + 100), limit: 100 })) as { items?: unknown[] };
    for (const item of page.items ?? []) if (isInstance(item)) found.set(item.id, item);
  }
  return found;
}

/**
 * Follows the instances a command answered (one, or `{ instances }` of a run) until each has left
 * its transitional state, drawing how many have settled on a terminal; returns the answer with
 * the instances as they ended. A run held for approval has none and returns at once.
 */
export async function followInstances(client: RpcClient, tenant: string, answer: unknown, options: FollowInstancesOptions): Promise<unknown> {
  const list = isInstance(answer) ? [answer] : ((answer as { instances?: unknown[] } | null)?.instances ?? []).filter(isInstance);
  if (list.length === 0) return answer;
  const ids = list.map((instance) => instance.id);
  const deadline = options.now() + (options.limitMs ?? 15 * 60_000);
  const bar = await terminalBar(options.stream);
  let latest = new Map(list.map((instance) => [instance.id, instance]));
  try {
    for (;;) {
      const now = [...latest.values()];
      const done = now.filter(settled).length;
      bar?.show({ phase: 'settling', value: done, total: ids.length, detail: `${done}/${ids.length} settled: ${stateCounts(now)}` });
      if (done === ids.length) break;
      if (options.now() >= deadline) {
        const changing = now.filter((instance) => !settled(instance));
        throw new CliError(
          'timeout',
          `${changing.length} of ${ids.length} instances are still changing (${stateCounts(changing)}); ` +
            `maestro instances describe --tenant ${tenant} --id ${changing.map((i) => i.id).join(',')} shows them`,
          1,
        );
      }
      await options.sleep(options.pollMs ?? 1000);
      const looked = await describeAll(client, tenant, ids);
      latest = new Map(ids.map((id) => [id, looked.get(id) ?? latest.get(id)!]));
    }
  } finally {
    bar?.stop();
  }
  const ended = (instance: FollowedInstance) => latest.get(instance.id) ?? instance;
  return isInstance(answer) ? ended(answer) : { ...(answer as object), instances: list.map(ended) };
}
