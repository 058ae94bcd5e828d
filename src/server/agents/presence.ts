import { OFFLINE_AFTER_BEATS } from '../../domain/agent-presence.js';
import type { Queryable } from '../../store/database.js';

export interface Heartbeat {
  agentId: string;
  /** Null in a plain heartbeat: what the agent said when it registered stays. */
  version: string | null;
  /** The regions the agent says it serves. */
  regions: readonly string[];
  keyId: string;
  startedAt: string | null;
  inFlight: number;
  /** The agent's beat interval: its state is judged by it. */
  heartbeatMs: number;
}

/**
 * Records a beat at `now`. An agent back after a silence long enough to have counted as offline
 * is online since this beat; otherwise it stays online since when it came.
 */
export async function recordHeartbeat(db: Queryable, beat: Heartbeat, now: Date): Promise<void> {
  await db.query(
    `INSERT INTO agent_presence (agent_id, last_seen, online_since, heartbeat_ms, version, regions, key_id, started_at, in_flight)
     VALUES ($1, $2, $2, $3, $4, $5::jsonb, $6, $7, $8)
     ON CONFLICT (agent_id) DO UPDATE SET
       online_since = CASE WHEN agent_presence.last_seen < $2::timestamptz - make_interval(secs => $9 * agent_presence.heartbeat_ms / 1000.0)
                           THEN excluded.last_seen ELSE agent_presence.online_since END,
       last_seen = GREATEST(agent_presence.last_seen, excluded.last_seen),
       heartbeat_ms = excluded.heartbeat_ms, version = COALESCE(excluded.version, agent_presence.version), regions = excluded.regions,
       key_id = excluded.key_id, started_at = COALESCE(excluded.started_at, agent_presence.started_at), in_flight = excluded.in_flight`,
    [
      beat.agentId,
      now.toISOString(),
      beat.heartbeatMs,
      beat.version,
      JSON.stringify([...beat.regions].sort()),
      beat.keyId,
      beat.startedAt,
      beat.inFlight,
      OFFLINE_AFTER_BEATS,
    ],
  );
}
