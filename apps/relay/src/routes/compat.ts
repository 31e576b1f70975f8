import { RelayError } from '@peg/wire';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

const Empty = z.unknown().describe('no body');

/** The reader of the original API: `?id=X` (other query parameters are ignored, as there). */
const CompatQuery = z.looseObject({
  id: z.string().max(256).describe('reader id: each reader has its own cursor in the log'),
});

/**
 * The original relay's API, UNAUTHENTICATED (enable with --compat only where that is
 * acceptable): `POST <any path>` appends the opaque body to one shared log; `GET <any
 * path>?id=X` returns the next message reader X has not read yet, or an empty 200.
 */
export const compatRoutes: FastifyPluginAsyncZod = async (app) => {
  // Any content type, kept as bytes (the original clients send bincode with no content type).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => {
    done(null, body);
  });

  app.post(
    '/*',
    {
      schema: {
        summary:
          'Original relay API (compatibility mode, UNAUTHENTICATED): append the body to the one shared log',
        description:
          'Any path except /v1, /healthz, /metrics and /docs; any or no content type; the body is kept as bytes. Answers 200 with no body once the body is durable.',
        tags: ['compat'],
        security: [],
        consumes: ['application/octet-stream'],
        response: { 200: Empty, 413: RelayError, 503: RelayError },
      },
    },
    async (request, reply) => {
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      await app.relay.store.compatAppend(body);
      return reply.code(200).send();
    },
  );

  app.get(
    '/*',
    {
      schema: {
        summary:
          'Original relay API (compatibility mode, UNAUTHENTICATED): the next message for reader id',
        description:
          'Any path except /v1, /healthz, /metrics and /docs. Returns the first message of the shared log reader `id` has not read yet (advancing its cursor) as application/octet-stream, or 200 with an empty body when nothing is pending.',
        tags: ['compat'],
        security: [],
        querystring: CompatQuery,
        response: {
          200: z.unknown().describe('the message bytes (application/octet-stream), or empty'),
          400: RelayError,
          503: RelayError,
        },
      },
    },
    async (request, reply) => {
      const next = await app.relay.store.compatNext(request.query.id);
      if (!next) return reply.code(200).send();
      return reply.code(200).type('application/octet-stream').send(Buffer.from(next));
    },
  );
};
