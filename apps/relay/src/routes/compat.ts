import type { FastifyInstance } from 'fastify';
import { RelayHttpError } from '../errors.ts';

/**
 * The original relay's API, UNAUTHENTICATED (enable with --compat only where that is
 * acceptable): `POST <any path>` appends the opaque body to one shared log; `GET <any
 * path>?id=X` returns the next message reader X has not read yet, or an empty 200.
 */
export async function compatRoutes(app: FastifyInstance): Promise<void> {
  // Any content type, kept as bytes (the original clients send bincode with no content type).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => {
    done(null, body);
  });

  app.post('/*', { schema: { hide: true } }, async (request, reply) => {
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    await app.relay.store.compatAppend(body);
    return reply.code(200).send();
  });

  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    const { id } = request.query as Record<string, unknown>;
    if (typeof id !== 'string') {
      throw new RelayHttpError(400, 'invalid-request', 'query parameter id is required (once)');
    }
    if (id.length > 256)
      throw new RelayHttpError(400, 'invalid-request', 'id longer than 256 characters');
    const next = await app.relay.store.compatNext(id);
    if (!next) return reply.code(200).send();
    return reply.code(200).type('application/octet-stream').send(Buffer.from(next));
  });
}
