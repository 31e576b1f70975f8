import { ProcessHealth } from '@peg/wire';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

/** Whether the process can do its work now, and if not, why (shown to the operator). */
export type Readiness = { ready: boolean; reason?: string };

export type HealthOptions = {
  /** Readiness: e.g. the state store is open and the relay answered lately. */
  ready: () => Readiness | Promise<Readiness>;
  now: () => number;
  startedAt: number;
};

/**
 * GET /health/live: 200 while the process answers at all (liveness: restart it otherwise).
 * GET /health: 200 when `ready()` says so, 503 with its reason otherwise (readiness), or when
 * `ready()` itself fails. Neither needs the operator token; neither says more than that.
 */
export const healthRoutes: FastifyPluginAsyncZod<HealthOptions> = async (app, opts) => {
  const uptimeSeconds = () => Math.max(0, Math.floor((opts.now() - opts.startedAt) / 1000));
  app.get(
    '/health/live',
    {
      schema: {
        summary: 'Liveness: the process answers',
        tags: ['health'],
        security: [],
        response: { 200: z.strictObject({ status: z.literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );
  app.get(
    '/health',
    {
      schema: {
        summary: 'Readiness: 200 when the process can do its work, 503 and why otherwise',
        tags: ['health'],
        security: [],
        response: { 200: ProcessHealth, 503: ProcessHealth },
      },
    },
    async (request, reply) => {
      let r: Readiness;
      try {
        r = await opts.ready();
      } catch (err) {
        request.log.warn({ err }, 'readiness check failed');
        r = { ready: false, reason: 'readiness check failed' };
      }
      if (r.ready) return { status: 'ok' as const, uptimeSeconds: uptimeSeconds() };
      return reply.code(503).send({
        status: 'unavailable' as const,
        reason: (r.reason ?? 'not ready').slice(0, 280),
        uptimeSeconds: uptimeSeconds(),
      });
    },
  );
};
