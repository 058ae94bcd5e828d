import { connect } from 'amqplib';
import { topology } from '../../src/agent/transport/amqp/topology.js';

/**
 * Removes what servers and agents declared under a prefix (its durable queues and exchanges):
 * tests and benchmarks use a prefix of their own, and the broker outlives them.
 */
export async function removeTopology(amqpUrl: string, prefix: string, regions: readonly string[]): Promise<void> {
  const names = topology(prefix);
  const connection = await connect(amqpUrl);
  try {
    const channel = await connection.createChannel();
    for (const queue of [names.eventsQueue, names.deadLetterQueue, ...regions.map((region) => names.regionQueue(region))]) await channel.deleteQueue(queue);
    for (const exchange of [names.requestExchange, names.deadLetterExchange]) await channel.deleteExchange(exchange);
  } finally {
    await connection.close();
  }
}
