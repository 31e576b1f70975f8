import { equalBytes } from '@noble/curves/utils.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { findPrincipal, type Membership, type Principal } from './membership.ts';

// Bearer tokens: `<party>.<expiresAtMs>.<hmac>` where the MAC (HMAC-SHA256 under the relay's
// token secret) covers the federation, the party, its current key and the expiry. Checking one
// costs a hash instead of a curve verification. Binding the key means a member removed or
// re-keyed by a membership reload loses its tokens at once. Relays that share the secret accept
// each other's tokens.

const TOKEN_RE = /^([A-Za-z0-9_-]{1,64})\.([0-9]{1,16})\.([0-9a-f]{64})$/;

/** HMAC-SHA256 of a UTF-8 message, supplied by the shell (native code; the core does no I/O). */
export type Hmac = (key: Uint8Array, message: string) => Uint8Array;

function mac(
  hmac: Hmac,
  secret: Uint8Array,
  federation: string,
  p: Principal,
  expiresAt: number,
): Uint8Array {
  return hmac(
    secret,
    `peg-relay-token-v1\n${federation}\n${p.role}\n${p.id}\n${bytesToHex(p.key)}\n${expiresAt}`,
  );
}

/** Issues a token for an authenticated principal. */
export function issueToken(
  hmac: Hmac,
  secret: Uint8Array,
  membership: Membership,
  principal: Principal,
  expiresAt: number,
): string {
  const tag = mac(hmac, secret, membership.federation, principal, expiresAt);
  return `${principal.id}.${expiresAt}.${bytesToHex(tag)}`;
}

export type TokenResult =
  | { ok: true; principal: Principal }
  | { ok: false; reason: 'malformed' | 'expired' | 'unknown-key' | 'bad-token' };

/** Checks a bearer token: well formed, not expired, principal still present with the same key. */
export function verifyToken(
  hmac: Hmac,
  secret: Uint8Array,
  membership: Membership,
  token: string,
  now: number,
  maxTtlMs: number,
): TokenResult {
  const m = TOKEN_RE.exec(token);
  if (!m) return { ok: false, reason: 'malformed' };
  const id = m[1] as string;
  const expiresAt = Number(m[2]);
  if (expiresAt <= now || expiresAt > now + maxTtlMs) return { ok: false, reason: 'expired' };
  const principal = findPrincipal(membership, id);
  if (!principal) return { ok: false, reason: 'unknown-key' };
  const expected = mac(hmac, secret, membership.federation, principal, expiresAt);
  if (!equalBytes(expected, hexToBytes(m[3] as string))) {
    return { ok: false, reason: 'bad-token' };
  }
  return { ok: true, principal };
}
