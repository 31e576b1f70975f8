/**
 * Protocol failures. Argument errors are `TypeError` / `RangeError` from `assert.ts`; everything
 * that a peer's bad data can cause is a `FrostError` subclass with fields to branch on.
 * Messages carry identifiers and counts, never key, share or nonce bytes.
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

/** Signing-session inputs are inconsistent (duplicate ids, missing signer, wrong counts, …). */
export class InvalidSessionError extends FrostError {}

/** A nonce object was already consumed by `signShare` (nonces are single-use). */
export class NonceReuseError extends FrostError {
  constructor() {
    super('signing nonces already used');
  }
}
