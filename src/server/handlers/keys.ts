import * as events from '../../protocol/events/organisation.js';
import { invalidInput, notFound } from '../../protocol/errors.js';
import type { Managers } from '../../protocol/commands/index.js';
import { newAccessKey, newSecretKey } from '../auth/key-material.js';
import type { CommandContext, ManagerHandlers } from '../context.js';
import * as q from '../queries/organisation.js';

/** Whose keys a call is about: the caller's own unless it names a user (authorisation checked that). */
async function keyOwner(ctx: CommandContext, userName: string | undefined): Promise<{ id: string; name: string; customerId: string | null }> {
  if (userName === undefined) {
    if (!ctx.actor.userId) throw invalidInput('name the user whose keys these are (user)', { field: 'user' });
    const self = await q.userView(ctx.db, ctx.actor.userId);
    return { id: self.id, name: self.name, customerId: ctx.actor.customerId };
  }
  return q.userRow(ctx.db, userName);
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
    if (!key) throw notFound('access key', input.accessKey);
    await ctx.emit(
      events.keyDeleted,
      { accessKey: input.accessKey, userId: key.userId },
      { target: { id: input.accessKey }, customerId: ctx.actor.customerId },
    );
    return { ok: true as const };
  },
};
