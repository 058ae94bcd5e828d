import type { ReceivedAgentMessage } from '../../agent/client/event-consumer.js';
import type { AgentEvent, ListingPageMessage, RegisterMessage } from '../../agent/messages.js';
import type { CloudInstance, StateReport } from '../../clouds/driver.js';
import type { Clock } from '../../domain/clock.js';
import * as agentEvents from '../../protocol/events/agents.js';
import type { RecordedEvent } from '../../protocol/events.js';
import type { Database, Queryable } from '../../store/database.js';
import type { EventOrigin, EventWriter } from '../event-writer.js';
import type { Logger } from '../logger.js';
import { reconcileListing, LISTINGS_BEFORE_VANISHED } from '../compute/reconcile.js';
import { recordStateReports } from '../compute/state-reports.js';
import { regionRef } from '../queries/compute.js';
import { completeDeferredChanges, type OperationDone } from './operations.js';
import { recordHeartbeat } from './presence.js';

export interface AgentMessageDeps {
  db: Database;
  writer: EventWriter;
  clock: Clock;
  logger: Logger;
  /** The beat interval agents are judged by when they do not say theirs. */
  defaultHeartbeatMs: number;
  /** How a message of `agent` is recorded in the log: observed by the agent. */
  origin(agent: string): EventOrigin;
}

interface ServedRegion {
  id: string;
  name: string;
}

/**
 * Applies one verified message of a private agent, in one transaction: what it changes is
 * recorded once however often the message arrives (sequence numbers per resource, listing pages
 * by id). An agent speaks only for the regions Maestro lets it serve: anything about another
 * region is dropped and logged.
 */
export async function applyAgentMessage(deps: AgentMessageDeps, message: ReceivedAgentMessage): Promise<void> {
  const recorded = await deps.db.transaction(async (tx): Promise<RecordedEvent[]> => {
    const { rows } = await tx.query<{ id: string }>('SELECT id FROM agents WHERE name = $1', [message.agent]);
    const agentId = rows[0]?.id;
    // Its key was valid a moment ago: the agent was deleted since. Nothing of it is kept.
    if (!agentId) return [];
    switch (message.type) {
      case 'REGISTER':
        return register(deps, tx, agentId, message.body, message.keyId);
      case 'HEARTBEAT':
        await recordHeartbeat(
          tx,
          { agentId, version: null, regions: message.body.regions, keyId: message.keyId, startedAt: null, inFlight: message.body.inFlight, heartbeatMs: deps.defaultHeartbeatMs },
          deps.clock.now(),
        );
        return [];
      case 'EVENTS':
        return applyEvents(deps, tx, agentId, message.agent, message.body.events);
      case 'LISTING_PAGE':
        return gatherListing(deps, tx, agentId, message.agent, message.body);
    }
  });
  await deps.writer.committed(recorded);
}

async function servedRegions(tx: Queryable, agentId: string): Promise<Map<string, ServedRegion>> {
  const { rows } = await tx.query<ServedRegion>('SELECT id, name FROM regions WHERE agent_id = $1', [agentId]);
  return new Map(rows.map((row) => [row.name, row]));
}

/**
 * Says why something an agent sent about a region was dropped: a region Maestro does not have yet
 * is the usual order of setting one up (the agent first, then the region with --agent); a region
 * reached otherwise is an agent speaking out of turn.
 */
async function ignored(deps: AgentMessageDeps, tx: Queryable, agent: string, region: string, what: string): Promise<void> {
  const { rows } = await tx.query('SELECT 1 FROM regions WHERE name = $1', [region]);
  if (rows.length === 0) deps.logger.info({ agent, region }, `an agent sent ${what} of a region Maestro does not have yet (create it with --agent ${agent.toLowerCase()}); ignored`);
  else deps.logger.warn({ agent, region }, `an agent sent ${what} of a region it does not serve; ignored`);
}

async function register(deps: AgentMessageDeps, tx: Queryable, agentId: string, body: RegisterMessage, keyId: string): Promise<RecordedEvent[]> {
  const now = deps.clock.now();
  await recordHeartbeat(
    tx,
    { agentId, version: body.version, regions: body.regions.map((r) => r.name), keyId, startedAt: body.startedAt, inFlight: 0, heartbeatMs: deps.defaultHeartbeatMs },
    now,
  );
  await tx.query('DELETE FROM agent_regions WHERE agent_id = $1', [agentId]);
  for (const region of body.regions) {
    await tx.query('INSERT INTO agent_regions (agent_id, region, cloud, capabilities, reported_at) VALUES ($1, $2, $3, $4::jsonb, $5)', [
      agentId,
      region.name,
      region.cloud,
      JSON.stringify(region.capabilities),
      now.toISOString(),
    ]);
  }
  const event = deps.writer.build(
    agentEvents.agentConnected,
    { agentId, version: body.version, regions: body.regions.map((r) => r.name), keyId, startedAt: body.startedAt },
    { target: { id: agentId, name: body.agent } },
    deps.origin(body.agent),
  );
  return deps.writer.append(tx, [event]);
}

/**
 * Applies the newest state of each instance the events report, skipping what was applied before:
 * per (region, resource) only an event with a higher sequence number than the last applied counts;
 * and finishes the changes deferred to the agent that the events report done.
 */
async function applyEvents(deps: AgentMessageDeps, tx: Queryable, agentId: string, agent: string, events: readonly AgentEvent[]): Promise<RecordedEvent[]> {
  const served = await servedRegions(tx, agentId);
  const newest = new Map<string, Extract<AgentEvent, { kind: 'instance.state' }>>();
  const done = new Map<string, OperationDone[]>();
  for (const event of events) {
    if (!served.has(event.region)) {
      await ignored(deps, tx, agent, event.region, `an event (${event.kind})`);
      continue;
    }
    if (event.kind === 'operation.done') done.set(event.region, [...(done.get(event.region) ?? []), event]);
    if (event.kind !== 'instance.state') continue;
    const key = `${event.region}\n${event.resource}`;
    const seen = newest.get(key);
    if (!seen || seen.seq < event.seq) newest.set(key, event);
  }
  const recorded: RecordedEvent[] = [];
  for (const [region, reports] of done) {
    recorded.push(...(await completeDeferredChanges(tx, deps.writer, deps.origin(agent), served.get(region)!, reports)));
  }
  if (newest.size === 0) return recorded;
  const candidates = [...newest.values()];
  const { rows } = await tx.query<{ region: string; resource: string }>(
    `INSERT INTO agent_resource_seqs (region, resource, seq)
     SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])
     ON CONFLICT (region, resource) DO UPDATE SET seq = excluded.seq WHERE agent_resource_seqs.seq < excluded.seq
     RETURNING region, resource`,
    [candidates.map((e) => e.region), candidates.map((e) => e.resource), candidates.map((e) => e.seq)],
  );
  const fresh = new Set(rows.map((row) => `${row.region}\n${row.resource}`));
  const byRegion = new Map<string, StateReport[]>();
  for (const event of candidates) {
    if (!fresh.has(`${event.region}\n${event.resource}`)) continue;
    const reports = byRegion.get(event.region) ?? [];
    reports.push({ nativeId: event.data.nativeId, state: event.data.state, reason: event.data.reason });
    byRegion.set(event.region, reports);
  }
  for (const [region, reports] of byRegion) {
    recorded.push(...(await recordStateReports(tx, deps.writer, deps.origin(agent), served.get(region)!, reports)));
  }
  return recorded;
}

/**
 * Keeps a page of a listing; with the last page in, a listing whose pages all say complete is
 * reconciled with the region, and one that failed anywhere is dropped: a partial listing must
 * never make anything look gone.
 */
async function gatherListing(deps: AgentMessageDeps, tx: Queryable, agentId: string, agent: string, page: ListingPageMessage): Promise<RecordedEvent[]> {
  const served = await servedRegions(tx, agentId);
  if (!served.has(page.region)) {
    await ignored(deps, tx, agent, page.region, 'a listing');
    return [];
  }
  // Kept as text: the message was validated on arrival, and parsing it into jsonb cost the embedded database more than the rest of receiving it.
  await tx.query(
    `INSERT INTO agent_listing_pages (listing_id, page, region, agent_id, last, complete, at, instances, received_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (listing_id, page) DO NOTHING`,
    [page.listingId, page.page, page.region, agentId, page.last, page.complete, page.at, JSON.stringify(page.instances), deps.clock.now().toISOString()],
  );
  // Serialises the pages of one listing arriving at several nodes: whoever sees the set complete reconciles.
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [page.listingId]);
  const { rows } = await tx.query<{ pages: number; last: number | null; complete: boolean }>(
    `SELECT count(*)::int AS pages, max(page) FILTER (WHERE last) AS last, bool_and(complete) AS complete
       FROM agent_listing_pages WHERE listing_id = $1`,
    [page.listingId],
  );
  const gathered = rows[0]!;
  if (gathered.last === null || gathered.pages !== gathered.last + 1) return [];
  const { rows: pages } = await tx.query<{ instances: string }>(
    'DELETE FROM agent_listing_pages WHERE listing_id = $1 RETURNING instances',
    [page.listingId],
  );
  if (!gathered.complete) {
    deps.logger.warn({ agent, region: page.region, listing: page.listingId, error: page.error }, 'an agent listing failed part-way; nothing is taken as gone');
    return [];
  }
  const region = await regionRef(tx, page.region);
  const { rows: caps } = await tx.query<{ listings: number | null }>(
    `SELECT (capabilities->>'listingsBeforeVanished')::int AS listings FROM agent_regions WHERE agent_id = $1 AND region = $2`,
    [agentId, page.region],
  );
  const recorded: RecordedEvent[] = [];
  const report = await reconcileListing(
    tx,
    region,
    pages.flatMap((p) => JSON.parse(p.instances) as CloudInstance[]),
    new Date(page.at),
    { absencesBeforeVanished: caps[0]?.listings ?? LISTINGS_BEFORE_VANISHED },
    async (changes) => {
      recorded.push(...(await deps.writer.append(tx, changes.map((c) => deps.writer.build(c.definition, c.data, c.scope, deps.origin(agent))))));
    },
  );
  if (report.discovered + report.vanished > 0) deps.logger.info({ agent, ...report }, 'an agent listing changed what Maestro knows');
  return recorded;
}
