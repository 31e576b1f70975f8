import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** A registry of its own with Node's default process metrics (CPU, memory, event loop lag…). */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** The metric named `name` in `registry`, created by `make` unless it is there already. */
export function metricOnce<T>(registry: Registry, name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}

/** What a machine host counts (`MachineHost.counters`). */
export type MessageCounters = { stepped: number; refused: number; sent: number };

/**
 * `<prefix>_relay_messages_total{kind}`: inputs the machine stepped (relay messages, timers,
 * tips, commands), envelopes refused at open, messages posted, read from the current host (its
 * epoch) at each scrape.
 */
export function relayMessagesGauge(
  registry: Registry,
  prefix: string,
  counters: () => MessageCounters | undefined,
): void {
  new Gauge({
    name: `${prefix}_relay_messages_total`,
    help: 'Inputs stepped by the machine (relay messages, timers, tips, commands), envelopes refused at open, messages posted, this epoch',
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      const c = counters();
      for (const kind of ['stepped', 'refused', 'sent'] as const)
        this.set({ kind }, c?.[kind] ?? 0);
    },
  });
}

export type HttpMetricsOptions = {
  registry: Registry;
  /** Metric name prefix, e.g. `peg_signer` (`peg_signer_http_requests_total`). */
  prefix: string;
};

/**
 * Counts every request (by method, route pattern and status) and its latency in `registry`,
 * and serves the registry at GET /metrics in Prometheus text format. The same registry may
 * serve several app instances (tests, restarts in one process): metrics are created once.
 */
export const httpMetricsPlugin = fp(
  async (app: FastifyInstance, opts: HttpMetricsOptions) => {
    const { registry, prefix } = opts;
    if (!/^[a-z_][a-z0-9_]*$/.test(prefix))
      throw new RangeError('"prefix" expected a Prometheus metric name prefix ([a-z0-9_])');
    const requests = metricOnce(
      registry,
      `${prefix}_http_requests_total`,
      () =>
        new Counter({
          name: `${prefix}_http_requests_total`,
          help: 'HTTP requests by method, route and status',
          labelNames: ['method', 'route', 'status'] as const,
          registers: [registry],
        }),
    );
    const latency = metricOnce(
      registry,
      `${prefix}_http_request_duration_seconds`,
      () =>
        new Histogram({
          name: `${prefix}_http_request_duration_seconds`,
          help: 'HTTP request latency by method and route',
          labelNames: ['method', 'route'] as const,
          buckets: BUCKETS,
          registers: [registry],
        }),
    );
    app.addHook('onResponse', async (request, reply) => {
      // The route pattern, not the URL, keeps label cardinality bounded.
      const route = request.routeOptions.url ?? 'unmatched';
      requests.inc({ method: request.method, route, status: String(reply.statusCode) });
      latency.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    });
    app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
      const body = await registry.metrics();
      return reply.type(registry.contentType).send(body);
    });
  },
  { name: 'peg-http-metrics' },
);
