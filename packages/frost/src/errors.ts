/**
 * The one error system of the package, for the standard suites and the weighted layer alike
 * (noble's and ZF's split):
 * - a caller's mistake (wrong type, length or range of an argument: a layout, a DKG id, a key
 *   share, a nonce out of range, an RNG returning the wrong length) is a `TypeError` or
 *   `RangeError`, as from `assert.ts`;
 * - everything a peer's (or a coordinator's) bad data can cause is a `FrostError` subclass with
 *   fields to branch on: bad encodings, inconsistent sessions and packages, invalid shares and
 *   proofs naming their culprits, reused nonces, shares that do not decrypt.
 * Messages carry identifiers, indices and counts, never key, share or nonce values.
 * @module
 */

/** Identifier as exposed by the API: 64 lowercase hex characters (a 32-byte big-endian scalar). */
export type Identifier = string;

/** Base class of every protocol error of this package. */
export class FrostError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * `aggregate` found signature shares that do not verify. `culprits` lists every identifier whose
 * share is invalid (frost-core `Error::InvalidSignatureShare { culprits }`, noble `AggErr.cheaters`).
 */
export class InvalidSignatureShareError extends FrostError {
  /** Identifiers whose signature shares failed verification, ascending. */
  readonly culprits: readonly Identifier[];
  constructor(culprits: readonly Identifier[]) {
    super(`invalid signature share from ${culprits.length} signer(s): ${culprits.join(', ')}`);
    this.culprits = Object.freeze([...culprits]);
  }
  /** noble-compatible alias of `culprits`. */
  get cheaters(): readonly Identifier[] {
    return this.culprits;
  }
}

/** A DKG round-1 package carries a proof of knowledge that does not verify. */
export class InvalidProofOfKnowledgeError extends FrostError {
  /** Identifiers whose proofs failed, ascending. */
  readonly culprits: readonly Identifier[];
  constructor(culprits: readonly Identifier[]) {
    super(`invalid proof of knowledge from ${culprits.join(', ')}`);
    this.culprits = Object.freeze([...culprits]);
  }
}

/** A DKG round-2 secret share does not match its sender's VSS commitment. */
export class InvalidSecretShareError extends FrostError {
  /** Identifiers whose shares failed the VSS check, ascending (empty: our own share). */
  readonly culprits: readonly Identifier[];
  constructor(culprits: readonly Identifier[]) {
    super(
      culprits.length
        ? `invalid secret share from ${culprits.join(', ')}`
        : 'secret share does not match the public commitment',
    );
    this.culprits = Object.freeze([...culprits]);
  }
}

/** A point or scalar encoding is malformed (identity, off-curve, non-canonical, out of range). */
export class InvalidEncodingError extends FrostError {
  /** Which field was malformed, e.g. `commitmentList[2].hiding`. */
  readonly field: string;
  constructor(field: string, reason: string) {
    super(`"${field}" ${reason}`);
    this.field = field;
  }
}

/**
 * Session or package inputs are inconsistent (duplicate ids, a missing signer, wrong counts, a
 * signing set below the threshold, commitments that do not match, a group commitment or key
 * that is the identity, public shares that do not match the group key, …).
 */
export class InvalidSessionError extends FrostError {}

/** A nonce object was already consumed by `signShare` (nonces are single-use). */
export class NonceReuseError extends FrostError {
  constructor() {
    super('signing nonces already used');
  }
}

/**
 * A weighted-DKG share from `sender` for key id `keyId` does not open (wrong length, failed
 * authentication, or not a scalar): it blames the sender (a complaint follows).
 */
export class ShareDecryptionError extends FrostError {
  /** Party that sent the share. */
  readonly sender: number;
  /** Key id the share is for. */
  readonly keyId: number;
  constructor(sender: number, keyId: number, reason: string) {
    super(`share from party ${sender} for key id ${keyId}: ${reason}`);
    this.sender = sender;
    this.keyId = keyId;
  }
}
