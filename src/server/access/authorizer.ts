import { licenseVerdict } from '../../domain/access/license.js';
import { resolvePermissions, type CustomerAccess, type EffectivePermissions } from '../../domain/access/resolve.js';
import type { Clock } from '../../domain/clock.js';
import type { CommandDefinition } from '../../protocol/command.js';
import { AppError, forbidden } from '../../protocol/errors.js';
import type { Feature } from '../../protocol/features.js';
import type { PermissionAction } from '../../protocol/permissions.js';
import type { Queryable } from '../../store/database.js';
import type { Actor } from '../actor.js';
import type { AccessStore, TenantPlace, UserPlace } from './access-store.js';

/**
 * What authorisation learnt about a call, handed to its handler: where it acts, and how to ask
 * about other places (listings filtered to what the caller may see, checks on a second tenant).
 */
export interface Access {
  /** The customer whose licence applies; null for platform calls and platform users. */
  readonly customerId: string | null;
  /** The tenant a tenant-scoped call acts in. */
  readonly tenant: TenantPlace | null;
  /** True for system administrators, who may do anything anywhere. */
  readonly unrestricted: boolean;
  /** Whether the caller may do `action` in a tenant. */
  allows(action: PermissionAction, tenant: TenantPlace): Promise<boolean>;
  /** The tenants where the caller may do `action`; null means every tenant. */
  tenantsAllowing(action: PermissionAction): Promise<TenantPlace[] | null>;
  /** A feature a handler needs beyond its command's (private regions), checked against the licence. */
  requireFeature(feature: Feature, readOnly: boolean): Promise<void>;
  /** The same, querying through `db` (the call's transaction) when it must look something up. */
  on(db: Queryable): Access;
}

const denied = (command: CommandDefinition, where: string, effective: EffectivePermissions | null) =>
  forbidden(
    `${command.name} needs the permission ${command.permission} in ${where}, which you do not have${
      effective?.roleBlocked ? ` (your role ${effective.role} is blocked there)` : ''
    }; ask an administrator to grant it (\`maestro permissions describe-user\` shows what you have)`,
    { permission: command.permission, place: where, ...(effective?.level ? { decidedBy: effective.level } : {}) },
  );

export class Authorizer {
  constructor(
    private readonly store: AccessStore,
    private readonly clock: Clock,
  ) {}

  /** Permissions of a user in a tenant (tenantId null: in the customer as a whole). */
  async effective(
    user: Pick<UserPlace, 'id' | 'customerId'>,
    customerId: string,
    tenantId: string | null,
    db?: Queryable,
  ): Promise<EffectivePermissions> {
    const snapshot = await this.store.customer(customerId, db);
    const key = `${user.id}/${tenantId}`;
    let effective = snapshot.resolved.get(key);
    if (!effective) {
      effective = resolvePermissions(snapshot.access, { userId: user.id, customerId: user.customerId }, tenantId);
      snapshot.resolved.set(key, effective);
    }
    return effective;
  }

  /** A customer's permissions as plain data, to decide about a change to them (`src/domain/access/grants.ts`). */
  async customerAccess(customerId: string, db?: Queryable): Promise<CustomerAccess> {
    return (await this.store.customer(customerId, db)).access;
  }

  /** Users whose permissions in a customer a change could move (see `AccessStore.subjects`). */
  subjects(customerId: string, db?: Queryable, ids?: readonly string[]): Promise<UserPlace[]> {
    return this.store.subjects(customerId, db, ids);
  }

  /** A customer's tenants. */
  tenantsOf(customerId: string, db?: Queryable): Promise<TenantPlace[]> {
    return this.store.tenantsOf(customerId, db);
  }

  /**
   * Decides from the command's definition whether the actor may make this call, before the
   * handler runs: the permission in the place the call acts in (by the seed's hierarchy), then
   * the licence of that place's customer.
   */
  async authorize(command: CommandDefinition, input: Record<string, unknown>, actor: Actor): Promise<Access> {
    const { scope } = command;
    if (scope.kind === 'public') return this.#access(actor, null, null);
    if (actor.kind === 'anonymous' || (actor.kind === 'user' && !actor.userId)) {
      throw new AppError('unauthenticated', `${command.name} needs a signed request; sign it with an access key and secret key`);
    }
    await this.store.refresh(actor.arrivedAt);
    if (actor.systemAdmin) return this.#access(actor, await this.#customerOfInput(command, input), await this.#tenantOfInput(command, input));
    if (scope.kind === 'platform') {
      throw forbidden(`${command.name} needs the permission ${command.permission}, which only system administrators have`, {
        permission: command.permission,
      });
    }
    if (scope.kind === 'self') {
      await this.#checkLicense(command, actor.customerId, command.feature);
      return this.#access(actor, actor.customerId, null);
    }

    const tenant = await this.#tenantOfInput(command, input);
    const tenantField = scope.kind === 'tenant' ? scope.field : scope.kind === 'tenantOrCustomer' ? scope.tenantField : null;
    // The same answer whether a tenant does not exist or is another customer's that grants nothing.
    const noAccess = () =>
      forbidden(`you have no access to tenant ${String(input[tenantField!])}; check the name or ask an administrator`, {
        permission: command.permission,
      });
    if (tenant) {
      const effective = await this.effective(this.#subject(actor), tenant.customerId, tenant.id);
      if (effective.level === null && actor.customerId !== tenant.customerId) throw noAccess();
      if (!effective.actions.has(command.permission)) throw denied(command, `tenant ${tenant.name}`, effective);
      await this.#checkLicense(command, tenant.customerId, command.feature);
      return this.#access(actor, tenant.customerId, tenant);
    }
    if (tenantField !== null && input[tenantField] !== undefined) throw noAccess();

    const target = await this.#customerTarget(command, input, actor);
    if (target.self) {
      await this.#checkLicense(command, actor.customerId, command.feature);
      return this.#access(actor, actor.customerId, null);
    }
    const effective = target.customerId ? await this.effective(this.#subject(actor), target.customerId, null) : null;
    if (!target.customerId || !effective!.actions.has(command.permission)) throw denied(command, target.description, effective);
    await this.#checkLicense(command, target.customerId, command.feature);
    return this.#access(actor, target.customerId, null);
  }

  /** Told of this node's commits: changes to permissions take effect before the call that made them answers. */
  committed(types: readonly string[]): void {
    this.store.committed(types);
  }

  /** Where a call would act, for the audit record of a refused one: its tenant and customer, when known. */
  async placeOf(command: CommandDefinition, input: Record<string, unknown>): Promise<{ customerId: string | null; tenantId: string | null }> {
    const tenant = await this.#tenantOfInput(command, input);
    return { customerId: tenant?.customerId ?? (await this.#customerOfInput(command, input)), tenantId: tenant?.id ?? null };
  }

  #subject(actor: Actor): UserPlace {
    return { id: actor.userId!, name: actor.name, customerId: actor.customerId };
  }

  async #tenantOfInput(command: CommandDefinition, input: Record<string, unknown>): Promise<TenantPlace | null> {
    const { scope } = command;
    const field = scope.kind === 'tenant' ? scope.field : scope.kind === 'tenantOrCustomer' ? scope.tenantField : null;
    const name = field ? input[field] : undefined;
    return typeof name === 'string' ? this.store.tenant(name) : null;
  }

  /** For system administrators: the customer a call concerns, if it names one, for the licence of handler-level features. */
  async #customerOfInput(command: CommandDefinition, input: Record<string, unknown>): Promise<string | null> {
    const tenant = await this.#tenantOfInput(command, input);
    if (tenant) return tenant.customerId;
    const { scope } = command;
    const field = scope.kind === 'customer' ? scope.field : scope.kind === 'tenantOrCustomer' ? scope.customerField : null;
    const name = field ? input[field] : undefined;
    if (typeof name !== 'string') return null;
    const via = scope.kind === 'customer' ? scope.via : 'customer';
    if (via === 'customer') return this.store.customerId(name);
    const owner = via === 'user' ? await this.store.user(name) : await this.store.keyOwner(name);
    return owner?.customerId ?? null;
  }

  /** The customer a customer-scoped call acts in, or that it concerns only the caller. */
  async #customerTarget(
    command: CommandDefinition,
    input: Record<string, unknown>,
    actor: Actor,
  ): Promise<{ self: boolean; customerId: string | null; description: string }> {
    const { scope } = command;
    const via = scope.kind === 'customer' ? scope.via : 'customer';
    const field = scope.kind === 'customer' ? scope.field : scope.kind === 'tenantOrCustomer' ? scope.customerField : '';
    const selfAllowed = scope.kind === 'customer' && scope.selfAllowed === true;
    const name = input[field];
    if (name === undefined) {
      if (selfAllowed) return { self: true, customerId: actor.customerId, description: 'your own account' };
      return { self: false, customerId: actor.customerId, description: 'your customer' };
    }
    const named = String(name);
    if (via === 'customer') {
      const id = await this.store.customerId(named);
      return { self: false, customerId: id, description: `customer ${named}` };
    }
    const owner = via === 'user' ? await this.store.user(named) : await this.store.keyOwner(named);
    if (owner && owner.id === actor.userId && selfAllowed) return { self: true, customerId: actor.customerId, description: 'your own account' };
    return { self: false, customerId: owner?.customerId ?? null, description: via === 'user' ? `the customer of user ${named}` : 'the customer of that key' };
  }

  async #checkLicense(command: CommandDefinition, customerId: string | null, feature: Feature): Promise<void> {
    if (customerId === null) return;
    const { license } = await this.store.customer(customerId);
    const verdict = licenseVerdict(license, feature, command.audit === null, this.clock.now());
    if (!verdict.allowed) throw new AppError('license', `${command.name} is not available: ${verdict.reason}`, { feature });
  }

  #access(actor: Actor, customerId: string | null, tenant: TenantPlace | null, db?: Queryable): Access {
    const unrestricted = actor.systemAdmin;
    const subject = actor.userId ? this.#subject(actor) : null;
    const effective = (customer: string, tenantId: string | null) => this.effective(subject!, customer, tenantId, db);
    return {
      customerId,
      tenant,
      unrestricted,
      allows: async (action, place) => unrestricted || (!!subject && (await effective(place.customerId, place.id)).actions.has(action)),
      tenantsAllowing: async (action) => {
        if (unrestricted) return null;
        if (!subject) return [];
        const allowed: TenantPlace[] = [];
        for (const place of await this.store.tenantsReachableBy(subject, db)) {
          if ((await effective(place.customerId, place.id)).actions.has(action)) allowed.push(place);
        }
        return allowed;
      },
      requireFeature: async (feature, readOnly) => {
        if (customerId === null) return;
        const { license } = await this.store.customer(customerId, db);
        const verdict = licenseVerdict(license, feature, readOnly, this.clock.now());
        if (!verdict.allowed) throw new AppError('license', verdict.reason, { feature });
      },
      on: (other) => this.#access(actor, customerId, tenant, other),
    };
  }
}
