import { featureEnabled, subscriptionState, type License } from '../../domain/access/license.js';
import type { Managers } from '../../protocol/commands/index.js';
import * as events from '../../protocol/events/access.js';
import { invalidInput } from '../../protocol/errors.js';
import { features, type Feature } from '../../protocol/features.js';
import type { CommandContext, ManagerHandlers } from '../context.js';
import { customerRow } from '../queries/organisation.js';

interface Customer {
  id: string;
  name: string;
}

/** The customer's licence as stored, or the platform default; read in the call's transaction. */
async function licenseOf(ctx: CommandContext, customerId: string): Promise<{ license: License; isDefault: boolean }> {
  const { rows } = await ctx.db.query<License>(
    `SELECT edition, ends_at AS "endsAt", grace_days AS "graceDays", suspended, toggles FROM licenses WHERE customer_id = $1`,
    [customerId],
  );
  return rows[0] ? { license: rows[0], isDefault: false } : { license: ctx.services.defaultLicense(), isDefault: true };
}

async function view(ctx: CommandContext, customer: Customer) {
  const { license, isDefault } = await licenseOf(ctx, customer.id);
  return {
    customer: customer.name,
    edition: license.edition,
    endsAt: license.endsAt,
    graceDays: license.graceDays,
    suspended: license.suspended,
    state: subscriptionState(license, ctx.services.clock.now()),
    isDefault,
    toggles: { ...license.toggles } as Record<string, boolean>,
    features: (Object.keys(features) as Feature[]).map((name) => ({
      name,
      enabled: featureEnabled(license, name),
      summary: features[name].summary,
    })),
  };
}

const scopeOf = (customer: Customer) => ({ target: { id: customer.id, name: customer.name }, customerId: customer.id });

export const licenses: ManagerHandlers<Managers['licenses']> = {
  async describe(input, ctx) {
    if (input.customer !== undefined) return view(ctx, await customerRow(ctx.db, input.customer));
    if (ctx.access.customerId === null) throw invalidInput('name the customer (customer): you belong to none', { field: 'customer' });
    const { rows } = await ctx.db.query<Customer>('SELECT id, name FROM customers WHERE id = $1', [ctx.access.customerId]);
    return view(ctx, rows[0]!);
  },
  async set(input, ctx) {
    const customer = await customerRow(ctx.db, input.customer);
    const endsAt = input.endsAt == null ? null : new Date(input.endsAt).toISOString();
    await ctx.emit(
      events.licenseSet,
      { customerId: customer.id, edition: input.edition, endsAt, graceDays: input.graceDays, suspended: input.suspended },
      scopeOf(customer),
    );
    return view(ctx, customer);
  },
  async toggleFeature(input, ctx) {
    const customer = await customerRow(ctx.db, input.customer);
    const { license, isDefault } = await licenseOf(ctx, customer.id);
    // Toggles live on a stored licence: the default one is written down first.
    if (isDefault) {
      const { toggles: _none, ...subscription } = license;
      await ctx.emit(events.licenseSet, { customerId: customer.id, ...subscription }, scopeOf(customer));
    }
    await ctx.emit(events.featureToggled, { customerId: customer.id, feature: input.feature, enabled: input.enabled }, scopeOf(customer));
    return view(ctx, customer);
  },
};
