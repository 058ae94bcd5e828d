import * as events from '../../protocol/events/organisation.js';
import { forbidden, invalidInput, notFound } from '../../protocol/errors.js';
import type { Managers } from '../../protocol/commands/index.js';
import { newAccessKey, newSecretKey } from '../auth/key-material.js';
import type { CommandContext, ManagerHandlers } from '../context.js';
import * as q from '../queries/organisation.js';

/** Keys are personal: anyone manages their own, only administrators someone else's. */
async function keyOwner(ctx: CommandContext, userName: string | undefined): Promise<{ id: string; name: string; customerId: string | null }> {
  if (userName === undefined) {
    if (!ctx.actor.userId) throw invalidInput('name the user whose keys these are (user)', { field: 'user' });
    const self = await q.userView(ctx.db, ctx.actor.userId);
    return { id: self.id, name: self.name, customerId: ctx.actor.customerId };
  }
  const user = await q.userRow(ctx.db, userName);
  if (user.id !== ctx.actor.userId && !ctx.actor.systemAdmin) {
    throw forbidden(`only an administrator may manage the keys of another user (${userName})`, { permission: 'CREATE_KEY' });
  }
  return user;
}

export const keys: ManagerHandlers<Managers['keys']> = {
  async create(input, ctx) {
    const owner = await keyOwner(ctx, input.user);
    if (input.expiresAt !== undefined && Date.parse(input.expiresAt) <= ctx.services.clock.now().getTime()) {
      throw invalidInput('expiresAt is in the past; give a time in the future or leave it out', { field: 'expiresAt' });
    }
    const accessKey = newAccessKey();
    const secretKey = newSecretKey();
    await ctx.emit(
      events.keyCreated,
      {
        accessKey,
        userId: owner.id,
        secretEncrypted: ctx.services.secrets.seal(secretKey),
        description: input.description ?? '',
        expiresAt: input.expiresAt === undefined ? null : new Date(input.expiresAt).toISOString(),
      },
      { target: { id: accessKey, name: owner.name }, customerId: owner.customerId },
    );
    return { ...(await q.accessKeyView(ctx.db, accessKey)), secretKey };
  },
  async describe(input, ctx) {
    const owner = await keyOwner(ctx, input.user);
    return q.listAccessKeys(ctx.db, { ...input, userId: owner.id });
  },
  async delete(input, ctx) {
    const key = await q.accessKeyOwner(ctx.db, input.accessKey);
    // Someone else's key is reported as missing, so key ids cannot be probed.
    if (!key || (key.userId !== ctx.actor.userId && !ctx.actor.systemAdmin)) throw notFound('access key', input.accessKey);
    await ctx.emit(
      events.keyDeleted,
      { accessKey: input.accessKey, userId: key.userId },
      { target: { id: input.accessKey }, customerId: ctx.actor.customerId },
    );
    return { ok: true as const };
  },
};
