import {
  createOperatorServer,
  eventStreamMetrics,
  registerOperatorRoutes,
  streamEvents,
} from '@peg/runtime';
import { CoordinatorEvent } from '@peg/wire';
import type { FastifyInstance } from 'fastify';
import type { CoordinatorApiDeps, CoordinatorApiOptions } from './deps.ts';
import { coordinatorRoutes } from './routes.ts';

const NAME = 'peg-coordinator';
const METRICS_PREFIX = 'peg_coordinator';

/**
 * Builds the Coordinator API (no listen: tests use inject(); the process calls `listenApi`,
 * which binds to 127.0.0.1 unless told otherwise). Token-free: GET /health, /health/live,
 * /metrics and /docs. Behind the operator token: GET /v1/status, GET /v1/rounds and
 * GET /v1/events. A bad operator token throws here, before anything listens.
 */
export async function buildCoordinatorApi(
  deps: CoordinatorApiDeps,
  opts: CoordinatorApiOptions = {},
): Promise<FastifyInstance> {
  const app = await createOperatorServer({
    name: NAME,
    description:
      "A federation coordinator's operator API. Every /v1 route needs `Authorization: Bearer " +
      '<operator token>` (see docs/coordinator-api.md); it shows no secret.',
    version: deps.version,
    operatorToken: deps.operatorToken,
    metrics: deps.metrics,
    metricsPrefix: METRICS_PREFIX,
    ready: () => deps.ready(),
    ...(deps.logger ? { logger: deps.logger } : {}),
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.docs === undefined ? {} : { docs: opts.docs }),
  });
  const stream = streamEvents(app, deps.events, {
    ...opts.events,
    schema: CoordinatorEvent,
    metrics: eventStreamMetrics(deps.metrics, METRICS_PREFIX),
  });
  await registerOperatorRoutes(
    app,
    { operatorToken: deps.operatorToken, realm: NAME },
    async (v1) => {
      await v1.register(coordinatorRoutes, { deps, stream });
    },
  );
  return app;
}
