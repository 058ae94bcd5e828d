import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The metrics of one server instance (a registry each, so several servers can share a process in tests). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'maestro_process_' });
  return {
    registry,
    httpRequests: new Histogram({
      name: 'maestro_http_request_duration_seconds',
      help: 'HTTP requests by route and status',
      labelNames: ['route', 'status'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    rpcCalls: new Counter({
      name: 'maestro_rpc_calls_total',
      help: 'JSON-RPC calls by method and outcome (ok or the error kind)',
      labelNames: ['method', 'outcome'] as const,
      registers: [registry],
    }),
    authFailures: new Counter({
      name: 'maestro_auth_failures_total',
      help: 'Requests refused by signature checking',
      registers: [registry],
    }),
    eventLogHead: new Gauge({
      name: 'maestro_event_log_head',
      help: 'Sequence number of the last committed event seen by this node',
      registers: [registry],
    }),
    liveStreams: new Gauge({
      name: 'maestro_live_streams',
      help: 'Live event streams (GET /api/v1/events/stream) open on this node',
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
