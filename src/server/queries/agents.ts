import { agentPresence } from '../../domain/agent-presence.js';
import type { OutputOf } from '../../protocol/command.js';
import type { Managers } from '../../protocol/commands/index.js';
import { notFound } from '../../protocol/errors.js';
import type { Queryable } from '../../store/database.js';
import type { Page, PageRequest } from './organisation.js';
import { decodeCursor, pageOf } from './paging.js';

type AgentView = OutputOf<Managers['agents']['describe']>['items'][number];

export interface AgentRow {
  id: string;
  name: string;
}

export async function findAgent(db: Queryable, name: string): Promise<AgentRow | null> {
  const { rows } = await db.query<AgentRow>('SELECT id, name FROM agents WHERE name = $1', [name]);
  return rows[0] ?? null;
}

export async function agentRow(db: Queryable, name: string): Promise<AgentRow> {
  const agent = await findAgent(db, name);
  if (!agent) throw notFound('agent', name, 'list agents with `maestro admin agent describe`');
  return agent;
}

interface AgentRecord extends Omit<AgentView, 'state' | 'since'> {
  onlineSince: string | null;
  heartbeatMs: number | null;
}

const agentSelect = `SELECT a.id, a.name, a.description, a.created_at AS "createdAt",
    p.last_seen AS "lastSeen", p.online_since AS "onlineSince", p.heartbeat_ms AS "heartbeatMs", p.version,
    COALESCE(p.regions, '[]'::jsonb) AS "reportedRegions",
    COALESCE((SELECT jsonb_agg(r.name ORDER BY r.name) FROM regions r WHERE r.agent_id = a.id), '[]'::jsonb) AS regions,
    COALESCE((SELECT jsonb_agg(jsonb_build_object('accessKey', k.access_key, 'createdAt', k.created_at, 'retiresAt', k.retires_at)
                               ORDER BY k.created_at)
                FROM agent_keys k WHERE k.agent_id = a.id AND (k.retires_at IS NULL OR k.retires_at > $1)), '[]'::jsonb) AS keys
  FROM agents a LEFT JOIN agent_presence p ON p.agent_id = a.id`;

/** An agent as administrators see it: its state is judged at `now` by its own beat interval. */
function view(record: AgentRecord, now: Date): AgentView {
  const { onlineSince, heartbeatMs, ...rest } = record;
  const presence = agentPresence(
    record.lastSeen === null ? null : new Date(record.lastSeen),
    onlineSince === null ? null : new Date(onlineSince),
    now,
    heartbeatMs ?? 1,
  );
  const keys = record.keys.map((key) => ({ ...key, createdAt: new Date(key.createdAt).toISOString(), retiresAt: key.retiresAt && new Date(key.retiresAt).toISOString() }));
  return { ...rest, keys, state: presence.state, since: presence.since?.toISOString() ?? null };
}

export async function agentView(db: Queryable, id: string, now: Date): Promise<AgentView> {
  const { rows } = await db.query<AgentRecord>(`${agentSelect} WHERE a.id = $2`, [now.toISOString(), id]);
  if (!rows[0]) throw notFound('agent', id);
  return view(rows[0], now);
}

export async function listAgents(db: Queryable, filter: { name?: string | undefined } & PageRequest, now: Date): Promise<Page<AgentView>> {
  const { rows } = await db.query<AgentRecord>(
    `${agentSelect} WHERE ($2::text IS NULL OR a.name = $2) AND ($3::text IS NULL OR a.name > $3) ORDER BY a.name LIMIT $4`,
    [now.toISOString(), filter.name ?? null, decodeCursor(filter.cursor), filter.limit + 1],
  );
  return pageOf(rows.map((row) => view(row, now)), filter.limit, (agent) => agent.name);
}

/** The keys of an agent still accepted at `now` (current, or retiring later), newest first. */
export async function liveAgentKeys(db: Queryable, agentId: string, now: Date): Promise<Array<{ accessKey: string; retiresAt: string | null }>> {
  const { rows } = await db.query<{ accessKey: string; retiresAt: string | null }>(
    `SELECT access_key AS "accessKey", retires_at AS "retiresAt" FROM agent_keys
      WHERE agent_id = $1 AND (retires_at IS NULL OR retires_at > $2) ORDER BY created_at DESC`,
    [agentId, now.toISOString()],
  );
  return rows;
}

/** What verifying a message signed with `accessKey` needs; null for a key unknown or retired at `now`. */
export async function agentKey(
  db: Queryable,
  accessKey: string,
  now: Date,
): Promise<{ agentId: string; agent: string; secretEncrypted: string } | null> {
  const { rows } = await db.query<{ agentId: string; agent: string; secretEncrypted: string }>(
    `SELECT k.agent_id AS "agentId", a.name AS agent, k.secret_encrypted AS "secretEncrypted"
       FROM agent_keys k JOIN agents a ON a.id = k.agent_id
      WHERE k.access_key = $1 AND (k.retires_at IS NULL OR k.retires_at > $2)`,
    [accessKey, now.toISOString()],
  );
  return rows[0] ?? null;
}

export async function regionsServedBy(db: Queryable, agentId: string): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>('SELECT name FROM regions WHERE agent_id = $1 ORDER BY name', [agentId]);
  return rows.map((row) => row.name);
}
