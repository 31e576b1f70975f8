import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** The relay's Prometheus metrics, in a registry of their own (one per app). */
export type RelayMetrics = {
  registry: Registry;
  requests: Counter<'method' | 'route' | 'status'>;
  latency: Histogram<'method' | 'route'>;
  storeErrors: Counter<'op'>;
  storeLatency: Histogram<'op'>;
  authFailures: Counter<'reason'>;
  rateLimited: Counter;
  inboxDepth: Gauge<'inbox'>;
};

const BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
];

/** Creates the metrics; `depths` is called at scrape time to fill the per-inbox depth gauge. */
export function createMetrics(depths: () => Promise<Map<string, number>>): RelayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const inboxDepth = new Gauge({
    name: 'relay_inbox_depth',
    help: 'Messages stored after the acknowledged cursor, per inbox',
    labelNames: ['inbox'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const [inbox, n] of await depths()) this.set({ inbox }, n);
    },
  });
  return {
    registry,
    inboxDepth,
    requests: new Counter({
      name: 'relay_http_requests_total',
      help: 'HTTP requests by method, route and status',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'relay_http_request_duration_seconds',
      help: 'HTTP request latency by method and route',
      labelNames: ['method', 'route'] as const,
      buckets: BUCKETS,
      registers: [registry],
    }),
    storeErrors: new Counter({
      name: 'relay_store_errors_total',
      help: 'Failed store operations by operation',
      labelNames: ['op'] as const,
      registers: [registry],
    }),
    storeLatency: new Histogram({
      name: 'relay_store_operation_duration_seconds',
      help: 'Store operation latency (post includes the durable commit)',
      labelNames: ['op'] as const,
      buckets: BUCKETS,
      registers: [registry],
    }),
    authFailures: new Counter({
      name: 'relay_auth_failures_total',
      help: 'Rejected authentications by reason',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    rateLimited: new Counter({
      name: 'relay_rate_limited_total',
      help: 'Requests answered 429',
      registers: [registry],
    }),
  };
}

/** Records every request and serves GET /metrics. */
export const metricsPlugin = fp(
  async (app: FastifyInstance, opts: { metrics: RelayMetrics }) => {
    const { metrics } = opts;
    app.addHook('onResponse', async (request, reply) => {
      // The route pattern, not the URL, keeps label cardinality bounded.
      const route = request.routeOptions.url ?? 'unmatched';
      metrics.requests.inc({ method: request.method, route, status: String(reply.statusCode) });
      metrics.latency.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    });
    app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
      const body = await metrics.registry.metrics();
      return reply.type(metrics.registry.contentType).send(body);
    });
  },
  { name: 'relay-metrics' },
);
