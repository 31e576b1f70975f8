/**
 * Key and message packages. The shapes are those of `@noble/curves`' `createFROST` (plain
 * objects of Uint8Array, identifiers as hex), so code can switch between the two libraries.
 * @module
 */
import type { Identifier } from '../errors.ts';

export type { RNG } from '../random.ts';

/** Threshold parameters: 2 ≤ min ≤ max (ZF and noble reject min < 2). */
export type Signers = { readonly min: number; readonly max: number };

/** Public key package shared by all participants. */
export type FrostPublic = {
  /** Threshold parameters. */
  readonly signers: Signers;
  /** VSS commitment points (33-byte compressed); `commitments[0]` is the group public key. */
  readonly commitments: readonly Uint8Array[];
  /** Verifying share Y_i = s_i·G of every participant, by identifier. */
  readonly verifyingShares: Readonly<Record<Identifier, Uint8Array>>;
};

/** One participant's secret key package. */
export type FrostSecret = {
  /** Participant identifier. */
  readonly identifier: Identifier;
  /** Signing share s_i (32-byte scalar). */
  readonly signingShare: Uint8Array;
};

/** Output of a DKG for one participant. */
export type Key = { readonly public: FrostPublic; readonly secret: FrostSecret };

/** Trusted-dealer output (RFC 9591 Appendix C). */
export type DealerShares = {
  readonly public: FrostPublic;
  readonly secretShares: Readonly<Record<Identifier, FrostSecret>>;
};

/** Secret single-use nonces (d, e). `signShare` zeroes them after use. */
export type Nonces = { readonly hiding: Uint8Array; readonly binding: Uint8Array };

/** Public nonce commitments (D, E) of one participant. */
export type NonceCommitments = {
  readonly identifier: Identifier;
  readonly hiding: Uint8Array;
  readonly binding: Uint8Array;
};

/** Output of `commit`. */
export type GenNonce = { readonly nonces: Nonces; readonly commitments: NonceCommitments };

/** DKG round-1 broadcast (must go over an authenticated broadcast channel). */
export type DKG_Round1 = {
  readonly identifier: Identifier;
  /** Commitments φ_j·G to the sender's polynomial coefficients. */
  readonly commitment: readonly Uint8Array[];
  /** Schnorr proof of knowledge of φ_0: 65 bytes (R ‖ μ), or 64 (x(R) ‖ μ) in -TR. */
  readonly proofOfKnowledge: Uint8Array;
};

/** DKG round-2 message from `identifier` to one recipient (must be encrypted and authenticated). */
export type DKG_Round2 = { readonly identifier: Identifier; readonly signingShare: Uint8Array };

/** Private DKG state of one participant, consumed by round2 and round3. */
export type DKG_Secret = {
  readonly identifier: bigint;
  coefficients?: bigint[];
  readonly commitment: readonly Uint8Array[];
  readonly signers: Signers;
  step: 1 | 2 | 3;
};

/** Taproot signing options (BIP341). */
export type TweakOptions = {
  /**
   * Tweak the group key with this merkle root before signing: `new Uint8Array(0)` is the
   * key-path-only tweak, 32 bytes commit to a script tree. Omitted: no (further) tweak.
   */
  readonly merkleRoot?: Uint8Array;
};

/** Options of `aggregate`. */
export type AggregateOptions = TweakOptions & {
  /**
   * Verify every signature share (one batched check) before aggregating, instead of checking
   * only the final signature. Either way a failure names the culprits.
   */
  readonly verifyShares?: boolean;
};
