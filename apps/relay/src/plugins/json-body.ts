import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * Parses JSON bodies while keeping the exact bytes: a signed request covers the SHA-256 of
 * the body as sent, not of a re-serialization.
 */
export const jsonBodyPlugin = fp(
  async (app: FastifyInstance) => {
    // JSON only: anything else (text/plain included) is a 415.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
      const raw = body as Buffer;
      request.rawBody = raw;
      if (raw.length === 0) {
        done(null, undefined);
        return;
      }
      try {
        done(null, JSON.parse(raw.toString('utf8')));
      } catch {
        const err = Object.assign(new Error('body is not valid JSON'), { statusCode: 400 });
        done(err, undefined);
      }
    });
  },
  { name: 'relay-json-body' },
);
