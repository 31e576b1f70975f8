import { Transform } from 'node:stream';
import { parseRelayAuthHeader } from '@peg/wire';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Principal } from '../core/membership.ts';
import { precheckSignedRequest, verifySignedRequest } from '../core/signed-request.ts';
import { verifyToken } from '../core/token.ts';
import { RelayHttpError } from '../errors.ts';
import { hmacSha256 } from '../native-hash.ts';
import type { RelayMetrics } from './metrics.ts';

const EMPTY = new Uint8Array(0);

type Need = 'member' | 'admin' | 'signed';

const tooLarge = (limit: number): RelayHttpError =>
  new RelayHttpError(
    413,
    'payload-too-large',
    `a signed request carries at most ${limit} bytes of body; post larger bodies with a bearer token`,
  );

/** Passes a body through, failing it with a 413 once it grows past `limit` bytes. */
function capped(limit: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > limit) callback(tooLarge(limit));
      else callback(null, chunk);
    },
  });
}

/**
 * Authenticates every route whose `config.auth` is set, as far as possible BEFORE the body is
 * read (onRequest), so that an outsider cannot make the relay receive and buffer large or slow
 * uploads:
 * - a bearer token is checked completely there (then the rate limit and the role);
 * - a PEG-BIP340 signature covers the body's hash, so only its body-free checks run there
 *   (known party, clock window, unused nonce); its body is then capped at
 *   `auth.signedBodyLimit` (Content-Length at once, streamed bytes as they come), and the
 *   signature is verified in preValidation, once the body is read, before the schema.
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
    const signatureCheck = () => ({
      now: app.relay.now(),
      windowMs: app.relay.auth.windowMs,
      notBefore: app.relay.startedAt,
    });

    /** After authentication: the per-key rate limit, then the role. */
    const admit = (
      request: FastifyRequest,
      principal: Principal,
      key: Uint8Array,
      via: 'signature' | 'token',
      need: Need,
    ): void => {
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
      request.principal = principal;
      request.authKey = key;
      request.authVia = via;
    };

    app.addHook('onRequest', async (request) => {
      const need = request.routeOptions.config.auth;
      if (!need) return;
      const ctx = app.relay;
      // An address that keeps failing is refused before any signature work.
      if (!ctx.failures.peek(request.ip, ctx.now())) {
        metrics.rateLimited.inc();
        throw new RelayHttpError(429, 'rate-limited', 'too many failed authentications', {
          'retry-after': '1',
        });
      }
      const header = request.headers.authorization;
      if (!header) throw fail('missing', 'missing Authorization header', request);
      if (header.startsWith('Bearer ')) {
        if (need === 'signed') {
          throw fail(
            'token-not-allowed',
            'this route needs a signed request, not a token',
            request,
          );
        }
        const r = verifyToken(
          hmacSha256,
          ctx.auth.tokenSecret,
          ctx.membership(),
          header.slice(7),
          ctx.now(),
          ctx.auth.tokenTtlMs,
        );
        if (!r.ok) throw fail(`token-${r.reason}`, `token rejected: ${r.reason}`, request);
        admit(request, r.principal, r.key, 'token', need);
        return;
      }
      const parsed = parseRelayAuthHeader(header);
      if (!parsed) throw fail('malformed', 'malformed Authorization header', request);
      const pre = precheckSignedRequest(parsed, ctx.membership(), ctx.nonces, signatureCheck());
      if (!pre.ok) throw fail(pre.reason, `signature rejected: ${pre.reason}`, request);
      const length = Number(request.headers['content-length'] ?? 0);
      if (length > ctx.auth.signedBodyLimit) throw tooLarge(ctx.auth.signedBodyLimit);
      request.signedHeader = parsed;
    });

    app.addHook('preParsing', async (request, _reply, payload) => {
      if (!request.signedHeader) return payload;
      return payload.pipe(capped(app.relay.auth.signedBodyLimit));
    });

    app.addHook('preValidation', async (request) => {
      const parsed = request.signedHeader;
      const need = request.routeOptions.config.auth;
      if (!parsed || !need) return;
      const ctx = app.relay;
      const r = verifySignedRequest(
        parsed,
        { method: request.method, pathAndQuery: request.url, body: request.rawBody ?? EMPTY },
        ctx.membership(),
        ctx.nonces,
        signatureCheck(),
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
      admit(request, r.principal, r.key, 'signature', need);
    });
  },
  { name: 'relay-auth' },
);
