import type { Managers } from '../../protocol/commands/index.js';
import * as events from '../../protocol/events/compute.js';
import { conflict, invalidInput } from '../../protocol/errors.js';
import { uuidv7 } from '../../protocol/ids.js';
import { fingerprint, generate, parsePublicKey, SshKeyFormatError, type ParsedPublicKey } from '../compute/ssh-key-material.js';
import type { CommandContext, ManagerHandlers } from '../context.js';
import type { TenantRow } from '../queries/organisation.js';
import { findSshKey, listSshKeys, sshKeyRow, sshKeyView } from '../queries/ssh-keys.js';
import { tenantInScope } from './scope.js';

async function refuseDuplicate(ctx: CommandContext, tenant: TenantRow, name: string): Promise<void> {
  if (await findSshKey(ctx.db, tenant.id, name)) {
    throw conflict(`tenant ${tenant.name} already has an SSH key named ${name}; choose another name or delete that key first`, {
      resource: 'SSH key',
      name,
    });
  }
}

/**
 * Records a key. Only the public half ever reaches the event: a generated private key is
 * returned to the caller once and is kept nowhere.
 */
async function record(
  ctx: CommandContext,
  tenant: TenantRow,
  name: string,
  key: { publicKey: string; fingerprint: string },
  generated: boolean,
): Promise<string> {
  const id = uuidv7();
  await ctx.emit(
    events.sshKeyCreated,
    { id, tenantId: tenant.id, name, publicKey: key.publicKey, fingerprint: key.fingerprint, ownerId: ctx.actor.userId, generated },
    { target: { id, name }, customerId: tenant.customerId, tenantId: tenant.id },
  );
  return id;
}

function parseImported(text: string): ParsedPublicKey {
  try {
    return parsePublicKey(text);
  } catch (error) {
    if (error instanceof SshKeyFormatError) throw invalidInput(`publicKey: ${error.message}`, { field: 'publicKey' });
    throw error;
  }
}

export const sshKeys: ManagerHandlers<Managers['sshKeys']> = {
  async create(input, ctx) {
    const tenant = await tenantInScope(ctx, input.tenant);
    await refuseDuplicate(ctx, tenant, input.name);
    const pair = generate();
    const id = await record(ctx, tenant, input.name, pair, true);
    return { ...(await sshKeyView(ctx.db, id)), privateKey: pair.privateKey };
  },
  async import(input, ctx) {
    const tenant = await tenantInScope(ctx, input.tenant);
    const parsed = parseImported(input.publicKey);
    await refuseDuplicate(ctx, tenant, input.name);
    const id = await record(ctx, tenant, input.name, { publicKey: parsed.normalized, fingerprint: fingerprint(parsed.blob) }, false);
    return sshKeyView(ctx.db, id);
  },
  async describe(input, ctx) {
    const tenant = await tenantInScope(ctx, input.tenant);
    return listSshKeys(ctx.db, { tenantId: tenant.id, name: input.name?.trim(), search: input.search });
  },
  async delete(input, ctx) {
    const tenant = await tenantInScope(ctx, input.tenant);
    const key = await sshKeyRow(ctx.db, tenant.id, input.name);
    await ctx.emit(events.sshKeyDeleted, { id: key.id }, { target: { id: key.id, name: key.name }, customerId: tenant.customerId, tenantId: tenant.id });
    return { ok: true as const };
  },
};
