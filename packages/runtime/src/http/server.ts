import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { z } from 'zod';
import { apiErrorsPlugin } from './errors.ts';
import { healthRoutes, type Readiness } from './health.ts';
import { httpMetricsPlugin, metricOnce } from './metrics.ts';
import { openApiPlugin } from './openapi.ts';
import { operatorAuth } from './operator-token.ts';
import { EventStream, type EventStreamMetrics, type EventStreamOptions } from './sse.ts';

/** Where an operator API listens unless told otherwise: loopback only. */
export const DEFAULT_API_HOST = '127.0.0.1';

/** What the process publishes live events through (the API subscribes once, at build). */
export type EventSource<T> = { subscribe(listener: (event: T) => void): () => void };

export type OperatorServerOptions = {
  /** The process name (`peg-signer`): OpenAPI title, the 401 realm. */
  name: string;
  description: string;
  version: string;
  /** The bearer token every /v1 route needs (see `assertOperatorToken`). */
  operatorToken: string;
  /** The process's registry (`createMetricsRegistry`), served at /metrics. */
  metrics: Registry;
  /** Prefix of the HTTP metrics, e.g. `peg_signer`. */
  metricsPrefix: string;
  ready: () => Readiness | Promise<Readiness>;
  logger?: FastifyBaseLogger;
  now?: () => number;
  /** Serve OpenAPI at /docs (default true). */
  docs?: boolean;
  /** Largest request body (default 64 KiB: the APIs take small JSON bodies). */
  bodyLimit?: number;
};

/**
 * A Fastify app with what both operator APIs share, in loading order: zod validation and
 * serialization, the error handler, OpenAPI (/docs, /docs/json), HTTP metrics (/metrics) and
 * health (/health, /health/live). Neither these routes nor /docs need the token: they say
 * nothing the operator would keep secret; bind to loopback (the default) to keep them local.
 * Add the operator routes with `registerOperatorRoutes`.
 */
export async function createOperatorServer(opts: OperatorServerOptions): Promise<FastifyInstance> {
  const now = opts.now ?? Date.now;
  const app = Fastify({
    ...(opts.logger ? { loggerInstance: opts.logger } : { logger: false }),
    bodyLimit: opts.bodyLimit ?? 64 * 1024,
    return503OnClosing: true,
    // No automatic HEAD twins: a HEAD of the event stream would hold a client slot for nothing.
    exposeHeadRoutes: false,
    // Shutting down must not wait for a client's keep-alive socket (up to its idle timeout).
    forceCloseConnections: true,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await app.register(apiErrorsPlugin);
  if (opts.docs ?? true) {
    await app.register(openApiPlugin, {
      title: opts.name,
      description: opts.description,
      version: opts.version,
    });
  }
  await app.register(httpMetricsPlugin, { registry: opts.metrics, prefix: opts.metricsPrefix });
  await app.register(healthRoutes, { ready: opts.ready, now, startedAt: now() });
  return app;
}

/**
 * Registers `routes` under `/v1`, every one behind the operator token (an onRequest hook of
 * that scope: refused before the body is read).
 */
export async function registerOperatorRoutes(
  app: FastifyInstance,
  opts: { operatorToken: string; realm: string },
  routes: (v1: FastifyInstance) => Promise<void>,
): Promise<void> {
  const guard = operatorAuth(opts.operatorToken, opts.realm);
  await app.register(
    async (v1) => {
      v1.addHook('onRequest', guard);
      await routes(v1);
    },
    { prefix: '/v1' },
  );
}

/** Stream metrics in `registry` (created once per registry and prefix). */
export function eventStreamMetrics(registry: Registry, prefix: string): EventStreamMetrics {
  return {
    clients: metricOnce(
      registry,
      `${prefix}_sse_clients`,
      () =>
        new Gauge({
          name: `${prefix}_sse_clients`,
          help: 'Connected event stream clients',
          registers: [registry],
        }),
    ),
    dropped: metricOnce(
      registry,
      `${prefix}_sse_dropped_clients_total`,
      () =>
        new Counter({
          name: `${prefix}_sse_dropped_clients_total`,
          help: 'Event stream clients dropped for not reading fast enough',
          registers: [registry],
        }),
    ),
    published: metricOnce(
      registry,
      `${prefix}_sse_events_total`,
      () =>
        new Counter({
          name: `${prefix}_sse_events_total`,
          help: 'Events published to the event stream',
          registers: [registry],
        }),
    ),
  };
}

/**
 * An event stream fed by `source` (each event published under its `type`), ended and
 * unsubscribed when `app` closes (before the server waits for connections to end). With
 * `schema`, an event that does not match it is logged (its type only) and never sent: the
 * stream holds to the same strict bodies as the routes.
 */
export function streamEvents<T extends { type: string }>(
  app: FastifyInstance,
  source: EventSource<T>,
  opts: EventStreamOptions & { schema?: z.ZodType<T> } = {},
): EventStream {
  const { schema, ...streamOpts } = opts;
  const stream = new EventStream(streamOpts);
  const unsubscribe = source.subscribe((event) => {
    if (schema && !schema.safeParse(event).success) {
      app.log.error({ type: String(event?.type).slice(0, 64) }, 'event does not match its schema');
      return;
    }
    stream.publish(event.type, event);
  });
  app.addHook('preClose', async () => {
    unsubscribe();
    stream.close();
  });
  return stream;
}

/** Listens on `host` (default loopback) and `port` (0: any free port); returns the address. */
export async function listenApi(
  app: FastifyInstance,
  opts: { host?: string; port: number },
): Promise<AddressInfo> {
  await app.listen({ host: opts.host ?? DEFAULT_API_HOST, port: opts.port });
  return app.server.address() as AddressInfo;
}
