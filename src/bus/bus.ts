/**
 * Messages between the parts of Maestro (and, later, between nodes and private agents). The bus
 * carries signals and commands; durability of events comes from the event log and its
 * checkpointed outbox, never from the bus, so a lost bus message only delays work.
 */
export type BusHandler = (message: unknown) => void | Promise<void>;

export interface EventBus {
  publish(topic: string, message: unknown): Promise<void>;
  subscribe(topic: string, handler: BusHandler): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** Topics used by the control plane. */
export const topics = {
  /** `{ seq }`: events up to seq are committed; outbox consumers should look. */
  eventsCommitted: 'events.committed',
} as const;
