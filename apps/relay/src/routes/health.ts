import { HealthResponse } from '@peg/wire';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

/** GET /healthz: 200 when the store answers, 503 otherwise. */
export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/healthz',
    {
      schema: {
        summary: 'Liveness and store reachability',
        security: [],
        response: { 200: HealthResponse, 503: HealthResponse },
      },
    },
    async (request, reply) => {
      const { store } = app.relay;
      try {
        await store.ping();
        return { status: 'ok' as const, store: store.name };
      } catch (err) {
        request.log.warn({ err }, 'health check failed');
        return reply.code(503).send({ status: 'unavailable' as const, store: store.name });
      }
    },
  );
};
