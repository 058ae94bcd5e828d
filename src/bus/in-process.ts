import type { BusHandler, EventBus } from './bus.js';

/**
 * The embedded bus: one process, handlers called asynchronously after `publish` returns, so a
 * slow or failing subscriber never delays or fails the publisher.
 */
export function createInProcessBus(onHandlerError: (error: unknown, topic: string) => void): EventBus {
  const handlers = new Map<string, Set<BusHandler>>();
  let closed = false;

  return {
    async publish(topic, message) {
      if (closed) return;
      for (const handler of handlers.get(topic) ?? []) {
        setImmediate(() => {
          Promise.resolve()
            .then(() => handler(message))
            .catch((error: unknown) => onHandlerError(error, topic));
        });
      }
    },
    async subscribe(topic, handler) {
      const set = handlers.get(topic) ?? new Set();
      set.add(handler);
      handlers.set(topic, set);
      return async () => {
        set.delete(handler);
      };
    },
    async close() {
      closed = true;
      handlers.clear();
    },
  };
}
