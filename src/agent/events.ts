import { createHash, randomUUID } from 'node:crypto';
import type { Queryable } from '../store/database.js';
import type { AgentEvent } from './messages.js';
import type { AgentStore } from './store/agent-store.js';

/** The namespace of agent event ids (a random UUID, fixed forever). */
const NAMESPACE = Buffer.from('6f1e2b7a4c9d4e0f8a3b5c7d9e1f2a3b', 'hex');

/** A name-based (version 5) UUID: the same name always gives the same id. */
export function nameUuid(name: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** An event's id follows from who reports what: a re-send, or a replay of the outbox, carries the same one. */
export const eventId = (agent: string, region: string, resource: string, seq: number): string =>
  nameUuid(`${agent}/${region}/${resource}/${seq}`);

export type EventDraft = Omit<AgentEvent, 'id' | 'seq' | 'region'>;

/** Events per EVENTS message. */
const EVENTS_PER_MESSAGE = 500;

/**
 * Writes events to the outbox in the caller's transaction, numbered with the sequence numbers
 * taken in that same transaction: either both are kept or neither.
 */
export async function recordEvents(store: AgentStore, tx: Queryable, agent: string, region: string, drafts: readonly EventDraft[], now: Date): Promise<AgentEvent[]> {
  if (drafts.length === 0) return [];
  const seqs = await store.nextSeqs(tx, region, drafts.map((draft) => draft.resource));
  const events = drafts.map((draft, index) => ({ ...draft, region, seq: seqs[index]!, id: eventId(agent, region, draft.resource, seqs[index]!) }) as AgentEvent);
  const entries = [];
  for (let start = 0; start < events.length; start += EVENTS_PER_MESSAGE) {
    entries.push({ id: randomUUID(), type: 'EVENTS' as const, persistent: true, body: { agent, events: events.slice(start, start + EVENTS_PER_MESSAGE) } });
  }
  await store.enqueue(tx, entries, now);
  return events;
}
