import { schnorr } from '@noble/curves/secp256k1.js';
import { hexToBytes } from '@noble/hashes/utils.js';
import { bodySha256Hex, type RelayAuthHeader, relayAuthDigest } from '@peg/wire';
import { findPrincipal, type Membership, type Principal } from './membership.ts';
import type { NonceCache } from './nonce-cache.ts';

/** The parts of an HTTP request that a signature covers. */
export type SignedRequest = {
  method: string;
  pathAndQuery: string;
  body: Uint8Array;
};

export type SignatureCheck = {
  now: number;
  /** Accepted clock difference either way, in ms. */
  windowMs: number;
  /**
   * Timestamps before this are refused: the process start, so a request captured before a
   * restart cannot be replayed against the fresh (empty) nonce cache.
   */
  notBefore: number;
};

export type AuthFailure = 'unknown-key' | 'stale' | 'replayed' | 'bad-signature' | 'busy';
export type AuthResult =
  | { ok: true; principal: Principal /** The key the signature verified under. */; key: Uint8Array }
  | { ok: false; reason: AuthFailure };

export type PrecheckResult =
  | { ok: true; principal: Principal }
  | { ok: false; reason: Exclude<AuthFailure, 'bad-signature' | 'busy'> };

/**
 * The checks of a signed request that need no body: the party is known, the timestamp is in
 * the window and not before the process started, the nonce is unused. They run before the body
 * is read, so that a request failing them costs neither its upload nor curve arithmetic.
 */
export function precheckSignedRequest(
  header: RelayAuthHeader,
  membership: Membership,
  nonces: NonceCache,
  check: SignatureCheck,
): PrecheckResult {
  const principal = findPrincipal(membership, header.party);
  if (!principal) return { ok: false, reason: 'unknown-key' };
  const { now, windowMs, notBefore } = check;
  if (Math.abs(now - header.timestamp) > windowMs || header.timestamp < notBefore) {
    return { ok: false, reason: 'stale' };
  }
  if (nonces.has(nonceKey(header), now)) return { ok: false, reason: 'replayed' };
  return { ok: true, principal };
}

const nonceKey = (header: RelayAuthHeader): string => `${header.party}:${header.nonce}`;

/**
 * Verifies a PEG-BIP340 signed request: the prechecks again (time passed and another request
 * may have used the nonce since), then the signature over the body. The nonce is recorded only
 * after the signature verified, so forged requests cannot burn a member's nonces.
 */
export function verifySignedRequest(
  header: RelayAuthHeader,
  req: SignedRequest,
  membership: Membership,
  nonces: NonceCache,
  check: SignatureCheck,
): AuthResult {
  const pre = precheckSignedRequest(header, membership, nonces, check);
  if (!pre.ok) return pre;
  const digest = relayAuthDigest({
    federation: membership.federation,
    method: req.method,
    pathAndQuery: req.pathAndQuery,
    bodySha256: bodySha256Hex(req.body),
    timestamp: header.timestamp,
    nonce: header.nonce,
    party: header.party,
  });
  // A chain member has two keys (registered, messaging): at most two verifications.
  const sig = hexToBytes(header.sig);
  const key = pre.principal.keys.find((k) => schnorr.verify(sig, digest, k));
  if (key === undefined) return { ok: false, reason: 'bad-signature' };
  if (!nonces.add(nonceKey(header), header.timestamp + check.windowMs + 1, check.now))
    return { ok: false, reason: 'busy' };
  return { ok: true, principal: pre.principal, key };
}
