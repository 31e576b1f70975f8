import { equalBytes } from '@noble/curves/utils.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { findPrincipal, type Membership, type Principal } from './membership.ts';

// Bearer tokens: `<party>.<expiresAtMs>.<hmac>` where the MAC (HMAC-SHA256 under the relay's
// token secret) covers the federation, the party, the key it authenticated with and the expiry.
// Checking one costs a hash (one per key of the member: at most two) instead of a curve
// verification. Binding the key means a member removed or re-keyed (a reload, a new messaging
// key announced, a key changed on chain) loses its tokens at once. Relays that share the secret
// accept each other's tokens.

const TOKEN_RE = /^([A-Za-z0-9_-]{1,64})\.([0-9]{1,16})\.([0-9a-f]{64})$/;

/** HMAC-SHA256 of a UTF-8 message, supplied by the shell (native code; the core does no I/O). */
export type Hmac = (key: Uint8Array, message: string) => Uint8Array;

function mac(
  hmac: Hmac,
  secret: Uint8Array,
  federation: string,
  p: Principal,
  key: Uint8Array,
  expiresAt: number,
): Uint8Array {
  return hmac(
    secret,
    `peg-relay-token-v1\n${federation}\n${p.role}\n${p.id}\n${bytesToHex(key)}\n${expiresAt}`,
  );
}

/** Issues a token for a principal authenticated with `key` (one of its keys). */
export function issueToken(
  hmac: Hmac,
  secret: Uint8Array,
  membership: Membership,
  principal: Principal,
  key: Uint8Array,
  expiresAt: number,
): string {
  const tag = mac(hmac, secret, membership.federation, principal, key, expiresAt);
  return `${principal.id}.${expiresAt}.${bytesToHex(tag)}`;
}

export type TokenResult =
  | { ok: true; principal: Principal; key: Uint8Array }
  | { ok: false; reason: 'malformed' | 'expired' | 'unknown-key' | 'bad-token' };

/** Checks a bearer token: well formed, not expired, principal still present with the key. */
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
  const tag = hexToBytes(m[3] as string);
  const key = principal.keys.find((k) =>
    equalBytes(mac(hmac, secret, membership.federation, principal, k, expiresAt), tag),
  );
  if (key === undefined) return { ok: false, reason: 'bad-token' };
  return { ok: true, principal, key };
}
