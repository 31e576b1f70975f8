import type { RelayAuthHeader } from '@peg/wire';
import type { ChainMembers } from './chain-members.ts';
import type { Membership, Principal } from './core/membership.ts';
import type { NonceCache } from './core/nonce-cache.ts';
import type { TokenBuckets } from './core/rate-limit.ts';
import type { RelayStore } from './store/types.ts';

/** The part of ChainMembers the app uses (chain-membership mode). */
export type MembershipFeed = Pick<
  ChainMembers,
  'membership' | 'onChange' | 'refresh' | 'offerAnnouncement' | 'announcements'
>;

/** Everything the routes share, decorated on the Fastify instance as `relay`. */
export type RelayContext = {
  store: RelayStore;
  /** The current membership (swapped atomically by a reload). */
  membership(): Membership;
  /** Chain-membership mode: the source of the membership and of key announcements. */
  chain?: MembershipFeed;
  /** Re-reads the membership source; the federation name may not change. */
  reloadMembers(): Promise<Membership>;
  now(): number;
  /** Process start: signed requests older than this are refused (replay across restarts). */
  startedAt: number;
  auth: {
    windowMs: number;
    tokenTtlMs: number;
    tokenSecret: Uint8Array;
    /** Largest body of a PEG-BIP340 signed request (read before its signature is checked). */
    signedBodyLimit: number;
  };
  nonces: NonceCache;
  buckets: TokenBuckets;
  /** Failed authentications per client address: a flood of bad credentials gets 429 early. */
  failures: TokenBuckets;
  /** Refuse envelopes whose `sender.partyId` is not the authenticated member (opt-in). */
  checkSender: boolean;
  /** Largest accepted envelope, bytes. */
  maxEnvelopeBytes: number;
  /** Aborted when the app starts closing: long-polls return at once. */
  closing: AbortSignal;
};

declare module 'fastify' {
  interface FastifyInstance {
    relay: RelayContext;
  }
  interface FastifyRequest {
    principal?: Principal;
    /** The key of `principal` the request authenticated with (a token is bound to it). */
    authKey?: Uint8Array;
    authVia?: 'signature' | 'token';
    /** A signed request whose body-free checks passed; its signature is checked after the body. */
    signedHeader?: RelayAuthHeader;
    rawBody?: Buffer;
  }
  interface FastifyContextConfig {
    /** Who may call the route: any authenticated member, an admin, or a signed request only. */
    auth?: 'member' | 'admin' | 'signed';
  }
}
