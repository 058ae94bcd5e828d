import type { Managers } from '../../protocol/commands/index.js';
import { conflict, invalidInput } from '../../protocol/errors.js';
import * as events from '../../protocol/events/agents.js';
import { uuidv7 } from '../../protocol/ids.js';
import { newAccessKey, newSecretKey } from '../auth/key-material.js';
import type { CommandContext, ManagerHandlers } from '../context.js';
import { agentRow, agentView, findAgent, listAgents, liveAgentKeys, regionsServedBy } from '../queries/agents.js';

const HOUR_MS = 3_600_000;

const scopeOf = (agent: { id: string; name: string }) => ({ target: { id: agent.id, name: agent.name } });

/** A new key pair for an agent, recorded sealed; the secret is returned once. */
async function issueKey(ctx: CommandContext, agent: { id: string; name: string }): Promise<{ accessKey: string; secretKey: string }> {
  const accessKey = newAccessKey().replace(/^MK/, 'MA');
  const secretKey = newSecretKey();
  await ctx.emit(events.agentKeyCreated, { agentId: agent.id, accessKey, secretEncrypted: ctx.services.secrets.seal(secretKey) }, scopeOf(agent));
  return { accessKey, secretKey };
}

async function retire(ctx: CommandContext, agent: { id: string; name: string }, accessKey: string, at: Date): Promise<void> {
  await ctx.emit(events.agentKeyRetired, { agentId: agent.id, accessKey, retiresAt: at.toISOString() }, scopeOf(agent));
}

export const agents: ManagerHandlers<Managers['agents']> = {
  async create(input, ctx) {
    if (await findAgent(ctx.db, input.name)) throw conflict(`an agent named ${input.name} already exists`, { resource: 'agent', name: input.name });
    const agent = { id: uuidv7(), name: input.name };
    await ctx.emit(events.agentCreated, { ...agent, description: input.description ?? '' }, scopeOf(agent));
    const key = await issueKey(ctx, agent);
    return { ...(await agentView(ctx.db, agent.id, ctx.services.clock.now())), key };
  },
  describe: (input, ctx) => listAgents(ctx.db, input, ctx.services.clock.now()),
  async rotateKey(input, ctx) {
    const agent = await agentRow(ctx.db, input.name);
    const now = ctx.services.clock.now();
    const retiresAt = new Date(now.getTime() + input.overlapHours * HOUR_MS);
    // Keys already retiring sooner keep their own end; the others get the overlap.
    for (const key of await liveAgentKeys(ctx.db, agent.id, now)) {
      if (key.retiresAt === null || Date.parse(key.retiresAt) > retiresAt.getTime()) await retire(ctx, agent, key.accessKey, retiresAt);
    }
    const key = await issueKey(ctx, agent);
    return { name: agent.name, key, keys: (await agentView(ctx.db, agent.id, now)).keys };
  },
  async retireKey(input, ctx) {
    const agent = await agentRow(ctx.db, input.name);
    const now = ctx.services.clock.now();
    const live = await liveAgentKeys(ctx.db, agent.id, now);
    if (!live.some((key) => key.accessKey === input.accessKey)) {
      throw invalidInput(`agent ${agent.name} has no key ${input.accessKey} in use; \`maestro admin agent describe --name ${agent.name}\` lists its keys`, {
        field: 'accessKey',
      });
    }
    await retire(ctx, agent, input.accessKey, now);
    return { ok: true as const };
  },
  async delete(input, ctx) {
    const agent = await agentRow(ctx.db, input.name);
    const regions = await regionsServedBy(ctx.db, agent.id);
    if (regions.length > 0) {
      throw conflict(`agent ${agent.name} still serves ${regions.join(', ')}; give those regions another agent first`);
    }
    const now = ctx.services.clock.now();
    for (const key of await liveAgentKeys(ctx.db, agent.id, now)) await retire(ctx, agent, key.accessKey, now);
    await ctx.emit(events.agentDeleted, { id: agent.id }, scopeOf(agent));
    return { ok: true as const };
  },
};
