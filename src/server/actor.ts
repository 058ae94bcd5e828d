import { targetTypes } from '../protocol/cadf.js';
import type { Initiator } from '../protocol/events.js';

/** Who is calling: a user authenticated by an access key, or Maestro itself (start-up, jobs). */
export interface Actor {
  kind: 'user' | 'system' | 'anonymous';
  userId: string | null;
  name: string;
  systemAdmin: boolean;
  customerId: string | null;
  accessKey: string | null;
  /** Client address and client kind (maestro-request-identifier), for the audit trail. */
  address?: string;
  agent?: string;
  /**
   * When the request arrived (performance.now()), for checks that must have begun after it: a
   * version of the permissions read since then needs no second read (AccessStore.refresh).
   */
  arrivedAt?: number;
}

export const systemActor = (name = 'maestro'): Actor => ({
  kind: 'system',
  userId: null,
  name,
  systemAdmin: true,
  customerId: null,
  accessKey: null,
});

export const anonymousActor = (address?: string): Actor => ({
  kind: 'anonymous',
  userId: null,
  name: 'anonymous',
  systemAdmin: false,
  customerId: null,
  accessKey: null,
  ...(address ? { address } : {}),
});

export function initiatorOf(actor: Actor): Initiator {
  return {
    id: actor.userId ?? `${actor.kind}:${actor.name}`,
    name: actor.name,
    typeURI: actor.kind === 'user' ? targetTypes.user : 'service/security',
    ...(actor.address ? { address: actor.address } : {}),
    ...(actor.agent ? { agent: actor.agent } : {}),
  };
}
