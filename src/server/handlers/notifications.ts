import { createECDH } from 'node:crypto';
import type { Managers } from '../../protocol/commands/index.js';
import { invalidInput, invalidState, notFound } from '../../protocol/errors.js';
import * as events from '../../protocol/events/notifications.js';
import { uuidv7 } from '../../protocol/ids.js';
import { notificationTypeNames, templateParts, type NotificationType, type TemplatePart } from '../../protocol/notifications.js';
import { type CommandContext, type ManagerHandlers } from '../context.js';
import { pending } from '../pending-event.js';
import { loadChoices } from '../notifications/subscriptions.js';
import { listOwnNotifications, listSentNotifications, notificationsToMark, pushSubscriptionsOf } from '../queries/notifications.js';
import { customerRow } from '../queries/organisation.js';
import { tenantInScope } from './scope.js';

/** The signed-in user: notifications, subscriptions and push subscriptions are a user's own. */
function me(ctx: CommandContext): string {
  if (!ctx.actor.userId) throw invalidInput('notifications belong to users; Maestro itself has none');
  return ctx.actor.userId;
}

const yourself = (ctx: CommandContext, userId: string) => ({ target: { id: userId, name: ctx.actor.name }, customerId: ctx.actor.customerId });

/** The customer a customer-scoped call names, else the caller's; null for a system administrator naming none. */
async function customerOf(ctx: CommandContext, name: string | undefined): Promise<string | null> {
  return name !== undefined ? (await customerRow(ctx.db, name)).id : ctx.access.customerId;
}

const typesOf = (type: NotificationType | undefined) => (type !== undefined ? [type] : notificationTypeNames);

export const notifications: ManagerHandlers<Managers['notifications']> = {
  async describe(input, ctx) {
    if (!ctx.actor.userId) return { items: [], nextCursor: null };
    return listOwnNotifications(ctx.db, ctx.actor.userId, input);
  },
  async markRead(input, ctx) {
    const userId = me(ctx);
    // Only the caller's own, and only those not already so: others' ids change nothing and say nothing.
    const ids = await notificationsToMark(ctx.db, userId, [...new Set(input.ids)], input.read);
    if (ids.length > 0) await ctx.emit(events.notificationsMarked, { userId, ids, read: input.read }, yourself(ctx, userId));
    return { changed: ids.length };
  },
  async describeSent(input, ctx) {
    return listSentNotifications(ctx.db, await customerOf(ctx, input.customer), input);
  },
};

export const notificationSubscriptions: ManagerHandlers<Managers['notificationSubscriptions']> = {
  async describe(_input, ctx) {
    const userId = me(ctx);
    return { items: (await loadChoices(ctx.db, [userId], [])).all(userId, null) };
  },
  async set(input, ctx) {
    const userId = me(ctx);
    const { channel, enabled } = input;
    await ctx.emitMany(typesOf(input.type).map((type) => pending(events.notificationSubscriptionSet, { userId, type, channel, enabled }, yourself(ctx, userId))));
    return { items: (await loadChoices(ctx.db, [userId], [])).all(userId, null) };
  },
  async describeDefaults(input, ctx) {
    const tenant = await tenantInScope(ctx, input.tenant);
    return { items: (await loadChoices(ctx.db, [], [tenant.id])).all(null, tenant.id) };
  },
  async setDefault(input, ctx) {
    const tenant = await tenantInScope(ctx, input.tenant);
    const { channel, enabled } = input;
    const scope = { target: { id: tenant.id, name: tenant.name }, customerId: tenant.customerId, tenantId: tenant.id };
    await ctx.emitMany(typesOf(input.type).map((type) => pending(events.notificationDefaultSet, { tenantId: tenant.id, type, channel, enabled }, scope)));
    return { items: (await loadChoices(ctx.db, [], [tenant.id])).all(null, tenant.id) };
  },
};

async function templateView(ctx: CommandContext, customerId: string | null, type: NotificationType, part: TemplatePart) {
  const { templates } = ctx.services.notifications;
  const set = await templates.forCustomers(ctx.db, customerId ? [customerId] : []);
  const template = set.get(customerId, type, part);
  return { type, part, template, source: set.source(customerId, type, part), preview: templates.preview(type, part, template) };
}

async function templateCustomer(ctx: CommandContext, name: string | undefined): Promise<string> {
  const customerId = await customerOf(ctx, name);
  if (!customerId) throw invalidInput('name the customer whose template this is (customer)', { field: 'customer' });
  return customerId;
}

async function setTemplate(ctx: CommandContext, input: { customer?: string | undefined; type: NotificationType; part: TemplatePart }, template: string | null) {
  const customerId = await templateCustomer(ctx, input.customer);
  const { type, part } = input;
  await ctx.emit(events.notificationTemplateSet, { customerId, type, part, template }, { target: { id: customerId, name: `${type}/${part}` }, customerId });
  return templateView(ctx, customerId, type, part);
}

export const notificationTemplates: ManagerHandlers<Managers['notificationTemplates']> = {
  async describe(input, ctx) {
    const customerId = await customerOf(ctx, input.customer);
    const types = typesOf(input.type);
    const parts: readonly TemplatePart[] = input.part !== undefined ? [input.part] : templateParts;
    const items = [];
    for (const type of types) for (const part of parts) items.push(await templateView(ctx, customerId, type, part));
    return { items, samples: Object.fromEntries(types.map((type) => [type, ctx.services.notifications.templates.sample(type)])) };
  },
  async save(input, ctx) {
    // Refused with what to change before anything is recorded: syntax, unknown names, partials, unescaped HTML.
    ctx.services.notifications.templates.preview(input.type, input.part, input.template);
    return setTemplate(ctx, input, input.template);
  },
  reset: (input, ctx) => setTemplate(ctx, input, null),
};

/** Whether the browser's key is a point on P-256: messages could never be encrypted for anything else. */
function isP256PublicKey(base64url: string): boolean {
  try {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    ecdh.computeSecret(Buffer.from(base64url, 'base64url'));
    return true;
  } catch {
    return false;
  }
}

/** A user's browsers: enough for every device they use, few enough that a runaway script cannot pile them up. */
const MAX_PUSH_SUBSCRIPTIONS = 20;

export const pushSubscriptions: ManagerHandlers<Managers['pushSubscriptions']> = {
  async describe(_input, ctx) {
    const userId = me(ctx);
    return { publicKey: ctx.services.notifications.pushPublicKey, items: await pushSubscriptionsOf(ctx.db, userId) };
  },
  async register(input, ctx) {
    const userId = me(ctx);
    if (input.endpoint.startsWith('http:') && !ctx.services.notifications.pushAllowsHttp) {
      throw invalidInput('push endpoints are https URLs, as browsers give them (plain http is only for a local push service: MAESTRO_PUSH_ALLOW_HTTP)', {
        field: 'endpoint',
      });
    }
    // Browsers hand out the same subscription on every page load: registering it again is not a new one.
    const [existing] = await pushSubscriptionsOf(ctx.db, userId, input.endpoint);
    if (existing) return existing;
    if ((await pushSubscriptionsOf(ctx.db, userId)).length >= MAX_PUSH_SUBSCRIPTIONS) {
      throw invalidState(`you have ${MAX_PUSH_SUBSCRIPTIONS} push subscriptions; remove one you no longer use first`);
    }
    if (!isP256PublicKey(input.keys.p256dh)) throw invalidInput('keys.p256dh is not a P-256 public key, as PushSubscription.getKey("p256dh") gives it', { field: 'keys.p256dh' });
    const id = uuidv7();
    const label = input.label || new URL(input.endpoint).host;
    const keysSealed = ctx.services.secrets.seal(JSON.stringify(input.keys));
    await ctx.emit(events.pushSubscriptionRegistered, { id, userId, endpoint: input.endpoint, keysSealed, label }, { ...yourself(ctx, userId), target: { id, name: label } });
    return (await pushSubscriptionsOf(ctx.db, userId, input.endpoint))[0]!;
  },
  async remove(input, ctx) {
    const userId = me(ctx);
    if (!(await pushSubscriptionsOf(ctx.db, userId)).some((s) => s.id === input.id)) throw notFound('push subscription', input.id);
    await ctx.emit(events.pushSubscriptionRemoved, { id: input.id, userId }, { ...yourself(ctx, userId), target: { id: input.id } });
    return { ok: true as const };
  },
};
