import { randomBytes } from 'node:crypto';
import { DEFAULT_LIMITS } from '@peg/wire';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyServerOptions,
  LogController,
} from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { clientErrorHandler, frameworkErrorHandler } from './client-errors.ts';
import type { MembershipFeed, RelayContext } from './context.ts';
import type { Membership } from './core/membership.ts';
import { NonceCache } from './core/nonce-cache.ts';
import { type RateLimit, TokenBuckets } from './core/rate-limit.ts';
import { authPlugin } from './plugins/auth.ts';
import { docsPlugin } from './plugins/docs.ts';
import { errorsPlugin } from './plugins/errors.ts';
import { jsonBodyPlugin } from './plugins/json-body.ts';
import { createMetrics, metricsPlugin } from './plugins/metrics.ts';
import { adminRoutes } from './routes/admin.ts';
import { announcementRoutes } from './routes/announcements.ts';
import { compatRoutes } from './routes/compat.ts';
import { healthRoutes } from './routes/health.ts';
import { inboxRoutes } from './routes/inbox.ts';
import { messageRoutes } from './routes/messages.ts';
import { tokenRoutes } from './routes/token.ts';
import { v1UnservedRoutes } from './routes/v1-unserved.ts';
import { instrumentStore } from './store/instrumented.ts';
import type { RelayStore } from './store/types.ts';

export type BuildAppOptions = {
  store: RelayStore;
  /**
   * The membership, or a loader for it (called once at build, then by reloadMembers: SIGHUP,
   * the admin route). Optional only in compatibility mode, where /v1 is then not served.
   */
  members?: Membership | (() => Promise<Membership>);
  /**
   * Membership from the chain (instead of `members`): the membership follows this feed (a
   * `ChainMembers`), key announcements posted are offered to it, and GET /v1/announcements
   * serves its announcements. The caller runs its refreshes (`watch`).
   */
  chain?: MembershipFeed;
  /** Serve the original unauthenticated API too (off by default). */
  compat?: boolean;
  /** Refuse envelopes whose `sender.partyId` is not the posting member (off by default). */
  checkSender?: boolean;
  logger?: FastifyServerOptions['logger'];
  loggerInstance?: FastifyBaseLogger;
  /** Clock, unix ms (tests pass a fake one). */
  now?: () => number;
  auth?: {
    /** Accepted clock difference of a signed request, ms (default 60 s). */
    windowMs?: number;
    /** Bearer token lifetime, ms (default 5 min). */
    tokenTtlMs?: number;
    /** HMAC key of bearer tokens; relays sharing it accept each other's tokens (default random). */
    tokenSecret?: Uint8Array;
    nonceCapacity?: number;
    /**
     * Largest body of a signed request (default 64 KiB): it is read before its signature can be
     * checked, so it is kept small; token-authenticated requests get `bodyLimit`.
     */
    signedBodyLimit?: number;
    /** Failed authentications allowed per client address (default 20/s, burst 100). */
    failureLimit?: RateLimit;
  };
  /** Per-key limit (default 500 requests/s, burst 1000). */
  rateLimit?: RateLimit;
  /** Largest envelope, bytes (default @peg/wire DEFAULT_LIMITS.maxBytes). */
  maxEnvelopeBytes?: number;
  /** Largest request body, bytes (default: room for the largest envelope in hex). */
  bodyLimit?: number;
  /** Serve OpenAPI at /docs (default true). */
  docs?: boolean;
  /** Close the store when the app closes (default true). */
  closeStore?: boolean;
  /** HTTP server timeouts, ms (tests shorten them). */
  timeouts?: {
    /** Complete request headers within this (default 60 s; over it: 408). */
    headersMs?: number;
    /** Complete request within this (default 60 s; over it: 408). */
    requestMs?: number;
    /** How often Node checks the two above (default 30 s). */
    checkIntervalMs?: number;
  };
};

/**
 * The largest compact JSON post body: the envelope in hex (2 bytes per byte) plus the framing,
 * a 128-character id and a `to` list of 1024 party ids of 64 characters (`"…",` each).
 */
export function postBodyLimit(maxEnvelopeBytes: number): number {
  return 2 * maxEnvelopeBytes + 64 + 130 + 1024 * 67;
}

/** Builds the relay app (no listen: tests use inject(), main.ts listens). */
export async function buildApp(opts: BuildAppOptions): Promise<FastifyInstance> {
  // The smaller of the configured limit and the store's own (NATS max_payload).
  const maxEnvelopeBytes = Math.min(
    opts.maxEnvelopeBytes ?? DEFAULT_LIMITS.maxBytes,
    opts.store.maxEnvelopeBytes ?? Number.POSITIVE_INFINITY,
  );
  let membership: Membership | undefined;
  let store: RelayStore;
  const metrics = createMetrics(async () => {
    const depths = new Map<string, number>();
    if (!membership) return depths;
    for (const id of membership.members.keys()) {
      // A failing store must not take /metrics down with it (the failure is counted).
      const n = await store.depth(id).catch(() => undefined);
      if (n !== undefined) depths.set(id, n);
    }
    return depths;
  });
  const requestMs = opts.timeouts?.requestMs ?? 60_000;
  const app = Fastify({
    ...(opts.loggerInstance
      ? { loggerInstance: opts.loggerInstance }
      : { logger: opts.logger ?? false }),
    bodyLimit: opts.bodyLimit ?? postBodyLimit(maxEnvelopeBytes),
    // Long-polls last at most 30 s; a request that takes longer is a stuck or slow client.
    requestTimeout: requestMs,
    http: {
      headersTimeout: Math.min(opts.timeouts?.headersMs ?? 60_000, requestMs),
      ...(opts.timeouts?.checkIntervalMs
        ? { connectionsCheckingInterval: opts.timeouts.checkIntervalMs }
        : {}),
    },
    // Errors of Node's parser and of Fastify's router answer in the documented shape too.
    clientErrorHandler: clientErrorHandler(metrics),
    frameworkErrors: frameworkErrorHandler(metrics),
    return503OnClosing: true,
    // One line per request at debug level (below) instead of Fastify's two at info.
    logController: new LogController({ disableRequestLogging: true }),
  });
  if (maxEnvelopeBytes < (opts.maxEnvelopeBytes ?? DEFAULT_LIMITS.maxBytes)) {
    app.log.warn(
      { maxEnvelopeBytes, store: opts.store.name },
      'the store limits envelopes below the configured maximum (raise NATS max_payload)',
    );
  }
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const chain = opts.chain;
  if (chain && opts.members) throw new Error('buildApp: give members or chain, not both');
  const loadMembers =
    typeof opts.members === 'function'
      ? opts.members
      : chain
        ? async () => {
            await chain.refresh({ force: true });
            return chain.membership();
          }
        : undefined;
  membership = chain
    ? chain.membership()
    : typeof opts.members === 'function'
      ? await opts.members()
      : opts.members;
  if (!membership && !opts.compat)
    throw new Error('buildApp: members are required unless compat is on');

  store = instrumentStore(opts.store, {
    errors: metrics.storeErrors,
    duration: metrics.storeLatency,
  });
  const closing = new AbortController();
  const buckets = new TokenBuckets(opts.rateLimit ?? { perSecond: 500, burst: 1000 });

  /** Swaps the membership; keys that left lose their rate-limit state. */
  const swap = (next: Membership): void => {
    membership = next;
    buckets.retain((id) => next.members.has(id) || next.admins.has(id));
  };

  const context: RelayContext = {
    store,
    ...(chain ? { chain } : {}),
    membership: () => {
      if (!membership) throw new Error('no membership configured');
      return membership;
    },
    reloadMembers: async () => {
      if (!loadMembers || !membership) throw new Error('membership has no source to reload from');
      const next = await loadMembers();
      if (next.federation !== membership.federation) {
        throw new Error(`federation name may not change on reload (${membership.federation})`);
      }
      swap(next);
      app.log.info({ members: next.members.size, admins: next.admins.size }, 'membership reloaded');
      return next;
    },
    now: opts.now ?? Date.now,
    startedAt: (opts.now ?? Date.now)(),
    auth: {
      windowMs: opts.auth?.windowMs ?? 60_000,
      tokenTtlMs: opts.auth?.tokenTtlMs ?? 5 * 60_000,
      tokenSecret: opts.auth?.tokenSecret ?? new Uint8Array(randomBytes(32)),
      signedBodyLimit: opts.auth?.signedBodyLimit ?? 64 * 1024,
    },
    nonces: new NonceCache(opts.auth?.nonceCapacity ?? 100_000),
    buckets,
    failures: new TokenBuckets(opts.auth?.failureLimit ?? { perSecond: 20, burst: 100 }),
    maxEnvelopeBytes,
    checkSender: opts.checkSender ?? false,
    closing: closing.signal,
  };
  app.decorate('relay', context);

  if (app.log.level === 'debug' || app.log.level === 'trace') {
    app.addHook('onResponse', async (request, reply) => {
      request.log.debug(
        {
          method: request.method,
          url: request.url,
          status: reply.statusCode,
          ms: reply.elapsedTime,
        },
        'request',
      );
    });
  }
  app.addHook('preClose', async () => {
    closing.abort();
  });
  if (chain) {
    // Chain changes (a block, an announcement) swap the membership at once.
    const stop = chain.onChange(() => {
      const next = chain.membership();
      swap(next);
      app.log.info({ members: next.members.size }, 'membership changed (chain)');
    });
    app.addHook('onClose', async () => {
      stop();
    });
  }
  if (opts.closeStore ?? true) {
    app.addHook('onClose', async () => {
      await opts.store.close();
    });
  }

  // Order: ecosystem plugins, own plugins, routes (Fastify "loading order").
  if (opts.docs ?? true) await app.register(docsPlugin);
  await app.register(errorsPlugin);
  await app.register(metricsPlugin, { metrics });
  await app.register(healthRoutes);
  if (membership) {
    await app.register(async (v1) => {
      await v1.register(jsonBodyPlugin);
      await v1.register(authPlugin, { metrics });
      await v1.register(tokenRoutes);
      await v1.register(messageRoutes);
      await v1.register(inboxRoutes);
      await v1.register(adminRoutes);
      await v1.register(announcementRoutes);
    });
  } else {
    await app.register(v1UnservedRoutes);
  }
  if (opts.compat) await app.register(compatRoutes);
  return app;
}
