import type { Managers } from '../../protocol/commands/index.js';
import { invalidInput } from '../../protocol/errors.js';
import { fromCloudError } from '../compute/cloud-call.js';
import type { CommandContext, ManagerHandlers } from '../context.js';
import { regionRef } from '../queries/compute.js';

/**
 * A simulated region with the simulator that holds it and where its state is: Maestro's own
 * database, or the embedded agent's store for the region the agent serves.
 */
async function simulatedRegion(ctx: CommandContext, name: string) {
  const region = await regionRef(ctx.db, name);
  if (region.cloud !== 'SIMULATED') throw invalidInput(`region ${name} is a ${region.cloud} region, not a simulated one`, { field: 'region' });
  const target = { name: region.name, nativeName: region.nativeName };
  if (region.agentId === null) return { ...target, simulator: ctx.services.simulator, db: ctx.db };
  const { rows } = await ctx.db.query<{ name: string }>('SELECT name FROM agents WHERE id = $1', [region.agentId]);
  const embedded = ctx.services.embeddedSimulator();
  if (embedded && embedded.agent === rows[0]?.name) return { ...target, simulator: embedded.simulator, db: embedded.db };
  throw invalidInput(`region ${name} is simulated by agent ${rows[0]?.name ?? region.agentId}, in its own process; its simulator is out of this server's reach`, { field: 'region' });
}

/** Wraps simulator calls so that its errors read like any cloud's. */
async function sim<T>(region: { name: string }, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw fromCloudError(error, region.name);
  }
}

export const simulator: ManagerHandlers<Managers['simulator']> = {
  async configure(input, ctx) {
    const region = await simulatedRegion(ctx, input.region);
    const settings = await sim(region, () =>
      region.simulator.configureRegion(region.db, region.nativeName, {
        ...(input.cpu !== undefined ? { cpu: input.cpu } : {}),
        ...(input.ramGb !== undefined ? { ramMb: Math.round(input.ramGb * 1024) } : {}),
        ...(input.diskGb !== undefined ? { diskGb: input.diskGb } : {}),
        ...(input.latencyMs !== undefined ? { latencyMs: input.latencyMs } : {}),
      }),
    );
    return { cpu: settings.cpu, ramGb: settings.ramMb / 1024, diskGb: settings.diskGb, latencyMs: settings.latencyMs };
  },
  async injectFault(input, ctx) {
    const region = await simulatedRegion(ctx, input.region);
    if (input.kind === 'partial' && input.operation !== 'run') {
      throw invalidInput('partial faults apply to run only', { field: 'kind' });
    }
    region.simulator.faults.inject(region.nativeName, {
      operation: input.operation,
      kind: input.kind,
      times: input.times,
      ...(input.message !== undefined ? { message: input.message } : {}),
      ...(input.createdBefore !== undefined ? { createdBefore: input.createdBefore } : {}),
    });
    return { ok: true as const };
  },
  async clearFaults(input, ctx) {
    const region = await simulatedRegion(ctx, input.region);
    region.simulator.faults.clear(region.nativeName);
    return { ok: true as const };
  },
  async createOutside(input, ctx) {
    const region = await simulatedRegion(ctx, input.region);
    const vms = Array.from({ length: input.count }, (_, i) => ({
      name: `${input.namePrefix}-${i + 1}`,
      cpu: input.cpu,
      ramMb: Math.round(input.ramGb * 1024),
      ...(input.tags ? { tags: input.tags } : {}),
    }));
    return { nativeIds: await sim(region, () => region.simulator.createOutsideMaestro(region.db, region, vms, ctx.services.clock.now())) };
  },
  async destroyOutside(input, ctx) {
    const region = await simulatedRegion(ctx, input.region);
    return { destroyed: await sim(region, () => region.simulator.destroyOutsideMaestro(region.db, region, input.nativeIds)) };
  },
  async kill(input, ctx) {
    const region = await simulatedRegion(ctx, input.region);
    await sim(region, () => region.simulator.kill(region.db, region, input.nativeId));
    return { ok: true as const };
  },
};
