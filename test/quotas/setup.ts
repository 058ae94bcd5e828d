import type { Clock } from '../../src/domain/clock.js';
import type { EventReason, Initiator } from '../../src/protocol/events.js';
import { signedHeaders, type SigningCredentials } from '../../src/protocol/signing.js';
import { createClient, MaestroError, type MaestroClient } from '../../src/sdk/client.js';
import type { Queryable } from '../../src/store/database.js';
import { eventually } from '../support/eventually.js';
import type { TestServer } from '../support/server.js';

/**
 * Test servers whose timers stay out of the way: each test evaluates quotas itself. The recurring
 * system jobs follow the test's clock, so moving it would make them due: they are off.
 */
export const quietConfig = { simLatencyMs: 0, quotaIntervalMs: 3_600_000, billingCheckIntervalMs: 3_600_000, systemJobs: false };

/**
 * An SDK client that signs with the server's clock, so tests can move time (a day, a month) and
 * still be let in by the ±5 minute signature window.
 */
export function clockedClient(url: string, credentials: SigningCredentials, clock: Clock): MaestroClient {
  return createClient({
    url,
    fetch: (input, init) =>
      fetch(input, {
        ...init,
        headers: {
          ...(init?.headers as Record<string, string>),
          ...signedHeaders(credentials, String(init?.body ?? ''), { date: clock.now().getTime() }),
        },
      }),
  });
}

/** A user of the customer with a role in a tenant, signed in through its own key. */
export async function userWithRole(
  server: TestServer,
  admin: MaestroClient,
  clock: Clock,
  user: { name: string; customer: string; tenant: string; role: string },
): Promise<{ client: MaestroClient; id: string }> {
  const created = await admin.users.create({ name: user.name, customer: user.customer });
  await admin.users.addRole({ name: user.name, tenant: user.tenant, role: user.role });
  const key = await admin.keys.create({ user: user.name });
  return { client: clockedClient(server.url, key, clock), id: created.id };
}

export async function tenantId(db: Queryable, name: string): Promise<string> {
  const { rows } = await db.query<{ id: string }>('SELECT id FROM tenants WHERE name = $1', [name.toUpperCase()]);
  return rows[0]!.id;
}

let records = 0;

/** Spending as billing records it: one daily tenant record (the billing jobs write these). */
export async function spend(
  db: Queryable,
  tenant: string,
  cost: number,
  where: { cloud: string; region: string; day: string; currency?: string },
): Promise<void> {
  await db.query(
    `INSERT INTO daily_tenant_records (tenant_id, day, source, cloud, region, service, tags_key, tags, cost, currency, import_id)
     VALUES ($1, $2::date, 'public', $3, $4, $5, '', '{}'::jsonb, $6, $7, NULL)`,
    [tenant, where.day, where.cloud, where.region, `test-${records++}`, cost, where.currency ?? 'USD'],
  );
}

export interface LoggedEvent {
  type: string;
  initiator: Initiator;
  reason: EventReason | null;
  targetId: string;
  data: Record<string, unknown>;
}

/** A tenant's events of some types, in log order. */
export async function eventsOf(db: Queryable, tenant: string, ...types: string[]): Promise<LoggedEvent[]> {
  const { rows } = await db.query<LoggedEvent>(
    `SELECT type, initiator, reason, target_id AS "targetId", data FROM event_log WHERE tenant_id = $1 AND type = ANY($2::text[]) ORDER BY seq`,
    [tenant, types],
  );
  return rows;
}

/** Waits until the approval request reaches the state (approved requests run in the background). */
export async function waitForApproval(client: MaestroClient, tenant: string, id: string, state: string) {
  let seen: string | undefined;
  return eventually(
    async () => {
      const [approval] = (await client.approvals.describe({ tenant, id })).items;
      seen = approval?.state;
      return approval?.state === state && approval;
    },
    () => `approval ${id} to become ${state}; it is ${seen}`,
  );
}

/** The error a call fails with; a call that succeeds fails the test. */
export async function refusalOf(call: Promise<unknown>): Promise<MaestroError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof MaestroError) return error;
    throw error;
  }
  throw new Error('the call was expected to be refused');
}
