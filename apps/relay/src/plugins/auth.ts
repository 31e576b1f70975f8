import { parseRelayAuthHeader } from '@peg/wire';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Principal } from '../core/membership.ts';
import { verifySignedRequest } from '../core/signed-request.ts';
import { verifyToken } from '../core/token.ts';
import { RelayHttpError } from '../errors.ts';
import type { RelayMetrics } from './metrics.ts';

const EMPTY = new Uint8Array(0);

/**
 * Authenticates every route whose `config.auth` is set: a PEG-BIP340 signed request or a bearer
 * token, then the per-key rate limit, then the role. Runs in preValidation, after the body was
 * read (the signature covers its hash) and before the schema is checked.
 */
export const authPlugin = fp(
  async (app: FastifyInstance, opts: { metrics: RelayMetrics }) => {
    const { metrics } = opts;
    const fail = (reason: string, message: string, request: FastifyRequest): RelayHttpError => {
      metrics.authFailures.inc({ reason });
      const { failures } = app.relay;
      if (failures.size > 10_000) failures.prune(app.relay.now());
      failures.take(request.ip, app.relay.now());
      return new RelayHttpError(401, 'unauthenticated', message);
    };

    const authenticate = (
      request: FastifyRequest,
    ): { principal: Principal; via: 'signature' | 'token' } => {
      const ctx = app.relay;
      const header = request.headers.authorization;
      if (!header) throw fail('missing', 'missing Authorization header', request);
      const now = ctx.now();
      const membership = ctx.membership();
      if (header.startsWith('Bearer ')) {
        const r = verifyToken(
          ctx.auth.tokenSecret,
          membership,
          header.slice(7),
          now,
          ctx.auth.tokenTtlMs,
        );
        if (!r.ok) throw fail(`token-${r.reason}`, `token rejected: ${r.reason}`, request);
        return { principal: r.principal, via: 'token' };
      }
      const parsed = parseRelayAuthHeader(header);
      if (!parsed) throw fail('malformed', 'malformed Authorization header', request);
      const r = verifySignedRequest(
        parsed,
        { method: request.method, pathAndQuery: request.url, body: request.rawBody ?? EMPTY },
        membership,
        ctx.nonces,
        { now, windowMs: ctx.auth.windowMs, notBefore: ctx.startedAt },
      );
      if (!r.ok) {
        if (r.reason === 'busy') {
          metrics.rateLimited.inc();
          throw new RelayHttpError(429, 'rate-limited', 'too many signed requests, retry later', {
            'retry-after': '1',
          });
        }
        throw fail(r.reason, `signature rejected: ${r.reason}`, request);
      }
      return { principal: r.principal, via: 'signature' };
    };

    app.addHook('preValidation', async (request) => {
      const need = request.routeOptions.config.auth;
      if (!need) return;
      // An address that keeps failing is refused before any signature work.
      if (!app.relay.failures.peek(request.ip, app.relay.now())) {
        metrics.rateLimited.inc();
        throw new RelayHttpError(429, 'rate-limited', 'too many failed authentications', {
          'retry-after': '1',
        });
      }
      const { principal, via } = authenticate(request);
      const taken = app.relay.buckets.take(principal.id, app.relay.now());
      if (!taken.ok) {
        metrics.rateLimited.inc();
        throw new RelayHttpError(429, 'rate-limited', 'rate limit exceeded for this key', {
          'retry-after': String(Math.max(1, Math.ceil(taken.retryAfterMs / 1000))),
        });
      }
      if (need === 'member' && principal.role !== 'member') {
        throw new RelayHttpError(403, 'forbidden', 'only federation members may call this route');
      }
      if (need === 'admin' && principal.role !== 'admin') {
        throw new RelayHttpError(403, 'forbidden', 'only operators may call this route');
      }
      if (need === 'signed' && via !== 'signature') {
        throw fail('token-not-allowed', 'this route needs a signed request, not a token', request);
      }
      request.principal = principal;
      request.authVia = via;
    });
  },
  { name: 'relay-auth' },
);
