import type { Channel } from 'amqplib';

/**
 * The RabbitMQ objects the servers and agents share, all named under one prefix (default
 * `maestro`), so several installations can use one broker:
 *
 * - `<prefix>.requests`: direct exchange; a request's routing key is its region.
 * - `<prefix>.region.<REGION>`: durable queue per region, bound to it; every replica of the agent
 *   serving the region consumes it (competing consumers).
 * - an exclusive, server-named reply queue per server node connection (`replyTo`).
 * - `<prefix>.events`: durable queue the server nodes consume (registration, heartbeats, events,
 *   listing pages).
 * - `<prefix>.dead-letter`: fanout exchange and durable queue for messages that could not be
 *   processed (refused signature, undecryptable, malformed) or expired before anyone took them.
 *
 * Declarations are idempotent and identical on both sides, so whichever starts first creates them.
 */
export interface Topology {
  prefix: string;
  requestExchange: string;
  eventsQueue: string;
  deadLetterExchange: string;
  deadLetterQueue: string;
  regionQueue(region: string): string;
}

export const DEFAULT_PREFIX = 'maestro';

/** Dead letters are kept for operators to look at, but never without bound. */
const DEAD_LETTER_MAX = 100_000;

export function topology(prefix = DEFAULT_PREFIX): Topology {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,100}$/.test(prefix)) {
    throw new Error(`the AMQP name prefix ${JSON.stringify(prefix)} must be letters, digits, ".", "_" and "-"`);
  }
  return {
    prefix,
    requestExchange: `${prefix}.requests`,
    eventsQueue: `${prefix}.events`,
    deadLetterExchange: `${prefix}.dead-letter`,
    deadLetterQueue: `${prefix}.dead-letter`,
    regionQueue: (region) => `${prefix}.region.${region}`,
  };
}

export async function declareShared(channel: Channel, names: Topology): Promise<void> {
  await channel.assertExchange(names.deadLetterExchange, 'fanout', { durable: true });
  await channel.assertQueue(names.deadLetterQueue, { durable: true, maxLength: DEAD_LETTER_MAX });
  await channel.bindQueue(names.deadLetterQueue, names.deadLetterExchange, '');
  await channel.assertExchange(names.requestExchange, 'direct', { durable: true });
  await channel.assertQueue(names.eventsQueue, { durable: true, deadLetterExchange: names.deadLetterExchange });
}

/** Declares a region's queue (both sides do, with the same arguments); returns its consumers. */
export async function declareRegion(channel: Channel, names: Topology, region: string): Promise<number> {
  const queue = names.regionQueue(region);
  const declared = await channel.assertQueue(queue, { durable: true, deadLetterExchange: names.deadLetterExchange });
  await channel.bindQueue(queue, names.requestExchange, region);
  return declared.consumerCount;
}
