import {
  createOperatorServer,
  eventStreamMetrics,
  registerOperatorRoutes,
  streamEvents,
} from '@peg/runtime';
import { SignerEvent } from '@peg/wire';
import type { FastifyInstance } from 'fastify';
import type { SignerApiDeps, SignerApiOptions } from './deps.ts';
import { signerRoutes } from './routes.ts';

const NAME = 'peg-signer';
const METRICS_PREFIX = 'peg_signer';

/**
 * Builds the Signer API (no listen: tests use inject(); the process calls `listenApi`, which
 * binds to 127.0.0.1 unless told otherwise). Token-free: GET /health, /health/live, /metrics
 * and /docs. Behind the operator token: GET /v1/status, POST /v1/verify, GET /v1/rounds and
 * GET /v1/events. A bad operator token throws here, before anything listens.
 */
export async function buildSignerApi(
  deps: SignerApiDeps,
  opts: SignerApiOptions = {},
): Promise<FastifyInstance> {
  const app = await createOperatorServer({
    name: NAME,
    description:
      "A federation signer's operator API. Every /v1 route needs `Authorization: Bearer " +
      '<operator token>` (see docs/signer-api.md); it shows no secret.',
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
    schema: SignerEvent,
    metrics: eventStreamMetrics(deps.metrics, METRICS_PREFIX),
  });
  await registerOperatorRoutes(
    app,
    { operatorToken: deps.operatorToken, realm: NAME },
    async (v1) => {
      await v1.register(signerRoutes, { deps, stream });
    },
  );
  return app;
}
