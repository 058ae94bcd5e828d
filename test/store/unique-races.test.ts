import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AppError } from '../../src/protocol/errors.js';
import { systemActor, type Actor } from '../../src/server/actor.js';
import type { Database } from '../../src/store/database.js';
import { headSeq } from '../../src/store/event-log.js';
import { openPostgres } from '../../src/store/postgres.js';
import { flavours, type TestDatabase } from '../support/databases.js';
import { startNode, type TestNode } from '../support/store-helpers.js';

async function eventsOfType(db: Database, type: string, name: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM event_log WHERE type = $1 AND target_name = $2',
    [type, name],
  );
  return rows[0]!.n;
}

/** How each losing call was stopped: by the handler's look-up, or by the unique constraint at commit. */
const paths = { check: 0, constraint: 0 };

/** Runs the calls together; exactly one must succeed and every other fail as a conflict. */
async function race(calls: Array<() => Promise<unknown>>): Promise<void> {
  const results = await Promise.allSettled(calls.map((call) => call()));
  const won = results.filter((result) => result.status === 'fulfilled');
  assert.equal(won.length, 1, `expected one winner, got ${won.length}`);
  for (const result of results) {
    if (result.status === 'rejected') {
      const error: unknown = result.reason;
      assert.ok(error instanceof AppError, `not an AppError: ${String(error)}`);
      assert.equal(error.kind, 'conflict', error.message);
      if (/at the same time/.test(error.message)) paths.constraint += 1;
      else paths.check += 1;
    }
  }
}

for (const flavour of flavours) {
  describe(`unique names under concurrent creation (${flavour.name})`, { skip: await flavour.skip() }, () => {
    let t: TestDatabase;
    let nodes: TestNode[] = [];
    let secondDb: Database | null = null;
    before(async () => {
      t = await flavour.open();
      nodes.push(await startNode(t.db, { nodeName: 'node-a' }));
      if (flavour.name === 'postgres') {
        // A second node: its own pool on the same database, as another process would have.
        secondDb = await openPostgres({ url: t.url!, poolSize: 5 });
        nodes.push(await startNode(secondDb, { nodeName: 'node-b' }));
      }
    });
    after(async () => {
      for (const node of nodes) await node.close();
      nodes = [];
      await secondDb?.close();
      await t?.close();
    });

    const dispatch = (node: TestNode, method: string, params: unknown, actor: Actor = systemActor()) =>
      node.maestro.dispatcher.call(method, params, { actor });

    it('two customers.create with one name on one node: one wins, one conflict, one event', async () => {
      for (let round = 0; round < 5; round++) {
        const name = `one-node-${round}`;
        await race([
          () => dispatch(nodes[0]!, 'customers.create', { name }),
          () => dispatch(nodes[0]!, 'customers.create', { name: name.toUpperCase() }),
        ]);
        assert.equal(await eventsOfType(t.db, 'customer.created', name.toUpperCase()), 1);
      }
    });

    it('customers.create with one name on every node at once: one wins, the others conflict', async (ctx) => {
      paths.check = 0;
      paths.constraint = 0;
      // On PostgreSQL both checks for the name run before either insert commits, so the loser is
      // stopped by the unique constraint at commit and must still surface as a conflict.
      for (let round = 0; round < 8; round++) {
        const name = `contested-${round}`;
        const callers = [...nodes, ...nodes];
        await race(callers.map((node) => () => dispatch(node, 'customers.create', { name })));
        assert.equal(await eventsOfType(t.db, 'customer.created', name.toUpperCase()), 1);
        const { rows } = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM customers WHERE name = $1', [
          name.toUpperCase(),
        ]);
        assert.equal(rows[0]!.n, 1);
      }
      ctx.diagnostic(`losers stopped by the handler's check: ${paths.check}, by the unique constraint: ${paths.constraint}`);
      if (flavour.name === 'postgres') {
        // The interesting path: the name check passed in both transactions.
        assert.ok(paths.constraint > 0, 'no round reached the unique constraint; the race was not exercised');
      }
    });

    it('the same holds for regions, users, tenants and tenant groups', async () => {
      const last = nodes.at(-1)!;
      await dispatch(last, 'customers.create', { name: 'race-owner' });
      for (let round = 0; round < 3; round++) {
        const cases: Array<{ method: string; params: Record<string, unknown>; event: string; name: string }> = [
          { method: 'regions.create', params: { name: `race-region-${round}`, cloud: 'AWS', kind: 'public', nativeName: 'eu-west-1' }, event: 'region.created', name: `RACE-REGION-${round}` },
          { method: 'users.create', params: { name: `race.user.${round}`, customer: 'race-owner' }, event: 'user.created', name: `race.user.${round}` },
          { method: 'tenants.create', params: { customer: 'race-owner', name: `race-tenant-${round}` }, event: 'tenant.created', name: `RACE-TENANT-${round}` },
          { method: 'tenantGroups.create', params: { customer: 'race-owner', name: `race-group-${round}` }, event: 'tenantGroup.created', name: `RACE-GROUP-${round}` },
        ];
        for (const c of cases) {
          await race([...nodes, ...nodes].map((node) => () => dispatch(node, c.method, c.params)));
          assert.equal(await eventsOfType(t.db, c.event, c.name), 1, `${c.method} ${c.name}`);
        }
      }
    });

    it('a user who loses the race gets a conflict and an audit record, and the log stays gap-free', async () => {
      const admin = nodes[0]!.adminActor!;
      const name = 'audited-race';
      const callers = [...nodes, ...nodes];
      const before = await headSeq(t.db);
      await race(callers.map((node) => () => dispatch(node, 'customers.create', { name }, admin)));
      assert.equal(await eventsOfType(t.db, 'customer.created', name.toUpperCase()), 1);
      const { rows } = await t.db.query<{ type: string; outcome: string; reason: string | null }>(
        `SELECT type, outcome, reason->>'reasonCode' AS reason FROM event_log WHERE seq > $1 ORDER BY seq`,
        [before],
      );
      assert.deepEqual(
        rows.map((row) => `${row.type}/${row.outcome}/${row.reason}`).sort(),
        ['customer.created/success/null', ...Array<string>(callers.length - 1).fill('command.rejected/failure/conflict')].sort(),
      );
      const seqs = await t.db.query<{ seq: number }>('SELECT seq FROM event_log ORDER BY seq');
      assert.deepEqual(
        seqs.rows.map((row) => row.seq),
        seqs.rows.map((_, i) => i + 1),
      );
    });
  });
}
