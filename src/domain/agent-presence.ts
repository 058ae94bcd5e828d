/**
 * Whether an agent is there, from its last heartbeat. Agents beat every `heartbeatMs`; a few
 * missed beats make it late (a slow network, a busy agent), many make it offline, and commands
 * for its regions then fail at once instead of waiting for a timeout.
 */
export type AgentState = 'online' | 'late' | 'offline' | 'never';

/** Missed beats after which an agent is late, and offline. */
export const LATE_AFTER_BEATS = 3;
export const OFFLINE_AFTER_BEATS = 6;

export interface Presence {
  state: AgentState;
  /** Since when it is in that state: its first beat of this stay online, or its last beat. */
  since: Date | null;
}

export function agentPresence(lastSeen: Date | null, onlineSince: Date | null, now: Date, heartbeatMs: number): Presence {
  if (lastSeen === null) return { state: 'never', since: null };
  const silentMs = now.getTime() - lastSeen.getTime();
  if (silentMs <= LATE_AFTER_BEATS * heartbeatMs) return { state: 'online', since: onlineSince ?? lastSeen };
  if (silentMs <= OFFLINE_AFTER_BEATS * heartbeatMs) return { state: 'late', since: lastSeen };
  return { state: 'offline', since: lastSeen };
}
