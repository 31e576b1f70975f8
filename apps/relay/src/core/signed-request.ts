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
export type AuthResult = { ok: true; principal: Principal } | { ok: false; reason: AuthFailure };

/**
 * Verifies a PEG-BIP340 signed request. Cheap checks first (key lookup, clock window, nonce
 * reuse) so that garbage costs no curve arithmetic; the nonce is recorded only after the
 * signature verified, so forged requests cannot burn a member's nonces.
 */
export function verifySignedRequest(
  header: RelayAuthHeader,
  req: SignedRequest,
  membership: Membership,
  nonces: NonceCache,
  check: SignatureCheck,
): AuthResult {
  const principal = findPrincipal(membership, header.party);
  if (!principal) return { ok: false, reason: 'unknown-key' };
  const { now, windowMs, notBefore } = check;
  if (Math.abs(now - header.timestamp) > windowMs || header.timestamp < notBefore) {
    return { ok: false, reason: 'stale' };
  }
  const nonceKey = `${header.party}:${header.nonce}`;
  if (nonces.has(nonceKey, now)) return { ok: false, reason: 'replayed' };
  const digest = relayAuthDigest({
    federation: membership.federation,
    method: req.method,
    pathAndQuery: req.pathAndQuery,
    bodySha256: bodySha256Hex(req.body),
    timestamp: header.timestamp,
    nonce: header.nonce,
    party: header.party,
  });
  if (!schnorr.verify(hexToBytes(header.sig), digest, principal.key)) {
    return { ok: false, reason: 'bad-signature' };
  }
  if (!nonces.add(nonceKey, header.timestamp + windowMs + 1, now))
    return { ok: false, reason: 'busy' };
  return { ok: true, principal };
}
