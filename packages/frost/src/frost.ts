/**
 * The public API of one ciphersuite, in the shape of `@noble/curves`' `createFROST`, so code
 * can switch between the two libraries without rewriting calls. Beyond noble: `aggregate`
 * throws `InvalidSignatureShareError` carrying `culprits`, and the taproot suite takes an
 * optional BIP341 merkle root (`{ merkleRoot }`) and exposes `tweakPublic` / `tweakSecret`.
 * @module
 */
import { abytes } from './assert.ts';
import type { Ciphersuite } from './ciphersuite.ts';
import type { Identifier } from './errors.ts';
import { deriveIdentifier, identifierFromNumber } from './identifier.ts';
import { combineSecret, trustedDealer, validateSecret } from './keys/dealer.ts';
import { round1, round2, round3 } from './keys/dkg.ts';
import { tweakPublic, tweakSecret } from './keys/tweak.ts';
import type {
  AggregateOptions,
  DealerShares,
  DKG_Round1,
  DKG_Round2,
  DKG_Secret,
  FrostPublic,
  FrostSecret,
  GenNonce,
  Key,
  NonceCommitments,
  Nonces,
  Signers,
  TweakOptions,
} from './keys/types.ts';
import { type RNG, rngOr } from './random.ts';
import { verifyFinal } from './sign/aggregate.ts';
import { aggregate, commit, signShare, verifyShare } from './sign/standard.ts';

/** The API of one FROST ciphersuite. */
export type Frost = {
  /** The ciphersuite (context string, hashes, encodings). */
  readonly suite: Ciphersuite;
  readonly Identifier: {
    /** Identifier of the scalar n (n ≥ 1). */
    fromNumber(n: number): Identifier;
    /** H_ID(UTF-8(s)) as in ZF `Identifier::derive` and noble. */
    derive(s: string): Identifier;
  };
  /** Trusted dealer (RFC 9591 Appendix C); default identifiers 1..max. */
  trustedDealer(
    signers: Signers,
    identifiers?: readonly Identifier[],
    secret?: Uint8Array,
    rng?: RNG,
  ): DealerShares;
  readonly DKG: {
    round1(
      id: Identifier,
      signers: Signers,
      secret?: Uint8Array,
      rng?: RNG,
    ): { public: DKG_Round1; secret: DKG_Secret };
    round2(secret: DKG_Secret, others: readonly DKG_Round1[]): Record<Identifier, DKG_Round2>;
    round3(secret: DKG_Secret, round1: readonly DKG_Round1[], round2: readonly DKG_Round2[]): Key;
  };
  /** vss_verify: throws `InvalidSecretShareError` if the share does not match the commitments. */
  validateSecret(secret: FrostSecret, pub: FrostPublic): void;
  /** Round one: single-use nonces and their public commitments. */
  commit(secret: FrostSecret, rng?: RNG): GenNonce;
  /** Round two: this signer's share. Consumes (zeroes) `nonces`. */
  signShare(
    secret: FrostSecret,
    pub: FrostPublic,
    nonces: Nonces,
    commitmentList: readonly NonceCommitments[],
    msg: Uint8Array,
    opts?: TweakOptions,
  ): Uint8Array;
  /** Checks one signature share. */
  verifyShare(
    pub: FrostPublic,
    commitmentList: readonly NonceCommitments[],
    msg: Uint8Array,
    identifier: Identifier,
    share: Uint8Array,
    opts?: TweakOptions,
  ): boolean;
  /** Sums the shares; throws `InvalidSignatureShareError` with `culprits` on bad shares. */
  aggregate(
    pub: FrostPublic,
    commitmentList: readonly NonceCommitments[],
    msg: Uint8Array,
    shares: Readonly<Record<Identifier, Uint8Array>>,
    opts?: AggregateOptions,
  ): Uint8Array;
  /** Verifies a final signature against the group key (x-only or compressed for taproot). */
  verify(sig: Uint8Array, msg: Uint8Array, publicKey: Uint8Array): boolean;
  /** Lagrange-recombines the group secret from ≥ min shares. */
  combineSecret(shares: readonly FrostSecret[], signers: Signers): Uint8Array;
};

/** The taproot suite adds whole-package BIP341 tweaks. */
export type FrostTaproot = Frost & {
  /** Tweaked public package: even(P) + t·G with t = TapTweak(x(P) ‖ merkleRoot). */
  tweakPublic(pub: FrostPublic, merkleRoot: Uint8Array): FrostPublic;
  /** Tweaked secret package matching `tweakPublic`. */
  tweakSecret(secret: FrostSecret, pub: FrostPublic, merkleRoot: Uint8Array): FrostSecret;
};

/** Builds the API of `suite`. */
export function createFrost(suite: Ciphersuite): Frost {
  return Object.freeze({
    suite,
    Identifier: Object.freeze({
      fromNumber: identifierFromNumber,
      derive: (s: string) => deriveIdentifier(suite, s),
    }),
    trustedDealer: (
      signers: Signers,
      identifiers?: readonly Identifier[],
      secret?: Uint8Array,
      rng?: RNG,
    ) => trustedDealer(signers, identifiers, secret, rngOr(rng)),
    DKG: Object.freeze({
      round1: (id: Identifier, signers: Signers, secret?: Uint8Array, rng?: RNG) =>
        round1(suite, id, signers, secret, rngOr(rng)),
      round2: (secret: DKG_Secret, others: readonly DKG_Round1[]) => round2(suite, secret, others),
      round3: (secret: DKG_Secret, r1: readonly DKG_Round1[], r2: readonly DKG_Round2[]) =>
        round3(suite, secret, r1, r2),
    }),
    validateSecret,
    commit: (secret: FrostSecret, rng?: RNG) => commit(suite, secret, rngOr(rng)),
    signShare: (
      secret: FrostSecret,
      pub: FrostPublic,
      nonces: Nonces,
      list: readonly NonceCommitments[],
      msg: Uint8Array,
      opts?: TweakOptions,
    ) => signShare(suite, secret, pub, nonces, list, msg, opts),
    verifyShare: (
      pub: FrostPublic,
      list: readonly NonceCommitments[],
      msg: Uint8Array,
      id: Identifier,
      share: Uint8Array,
      opts?: TweakOptions,
    ) => verifyShare(suite, pub, list, msg, id, share, opts),
    aggregate: (
      pub: FrostPublic,
      list: readonly NonceCommitments[],
      msg: Uint8Array,
      shares: Readonly<Record<Identifier, Uint8Array>>,
      opts?: AggregateOptions,
    ) => aggregate(suite, pub, list, msg, shares, opts),
    verify: (sig: Uint8Array, msg: Uint8Array, publicKey: Uint8Array) =>
      verifyFinal(suite, abytes(sig, 'sig'), abytes(msg, 'msg'), abytes(publicKey, 'publicKey')),
    combineSecret,
  });
}

/** Adds the taproot-only helpers. */
export function createFrostTaproot(suite: Ciphersuite): FrostTaproot {
  if (!suite.taproot) throw new TypeError('not a taproot suite');
  return Object.freeze({ ...createFrost(suite), tweakPublic, tweakSecret });
}
