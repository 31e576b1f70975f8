import type { Kind } from './kinds.ts';

/**
 * Why `open` refused an envelope. Codes are stable API; fields carry ids and sizes, never key,
 * nonce or share bytes.
 */
export type OpenError =
  /** More bytes than `limits.maxBytes` (checked before parsing). */
  | { code: 'oversize'; size: number; max: number }
  /** Not UTF-8, or not JSON. */
  | { code: 'malformed'; reason: string }
  /** A `version` this package does not speak. */
  | { code: 'unsupported-version'; version: unknown }
  /** Schema violation: unknown/missing member, wrong type, bad id/scalar/hex, list over a limit. */
  | { code: 'invalid'; issues: readonly { path: string; message: string }[] }
  /** Valid content, but not in its one canonical encoding. */
  | { code: 'non-canonical' }
  /** A valid kind, but not one the caller accepts here. */
  | { code: 'unexpected-kind'; kind: Kind }
  /** The claimed party id has no expected key. */
  | { code: 'unknown-sender'; partyId: number }
  /** The envelope's key is not the expected key of the party it claims to be. */
  | { code: 'impersonation'; partyId: number }
  /** A coordinator-only kind from a key that is not the coordinator's. */
  | { code: 'not-coordinator'; kind: Kind; partyId: number }
  /** The BIP340 signature does not verify. */
  | { code: 'bad-signature' }
  /** A point field is not a valid non-identity secp256k1 point. */
  | { code: 'invalid-point' }
  /** A proof inside the payload that the wire checks failed (key possession, Taproot output key). */
  | { code: 'invalid-proof'; reason: string }
  /** A bug in this package (it is reported, not thrown). */
  | { code: 'internal'; reason: string };

/** The code of an `OpenError`. */
export type OpenErrorCode = OpenError['code'];
