/**
 * One signing session (RFC 9591 §4.4–§4.6, §5.2–§5.4) over a participant's SET of key ids.
 *
 * A participant p holds shares x_k for the key ids k ∈ K_p (the standard suites use K_p = {p}).
 * With the Lagrange coefficients λ_k at 0 over all key ids of the signing set:
 *
 *   z_p = s_R·(d_p + ρ_p·e_p) + c·Σ_{k∈K_p} λ_k·(keySign·x_k + tweakTerm)
 *   z_p·G == s_R·(D_p + ρ_p·E_p) + Σ_k (c·λ_k·keySign)·Y_k + (c·tweakTerm·Σ_k λ_k)·G
 *
 * where s_R = −1 only in the -TR suite when R has odd y, and (keySign, tweakTerm) encode the
 * -TR even-y normalisation and optional BIP341 tweak of the group key:
 * x' = s_Q·(s_P·x + t), i.e. keySign = s_Q·s_P and tweakTerm = s_Q·t.
 * @module
 */
import type { Ciphersuite } from '../ciphersuite.ts';
import { InvalidSessionError } from '../errors.ts';
import { batchWeights } from '../math/batch.ts';
import { msm } from '../math/msm.ts';
import {
  encodePoint,
  G,
  hasEvenY,
  mulBasePublic,
  mulPublic,
  type Point,
  ZERO,
} from '../math/point.ts';
import { add, encodeScalar, mul, N, neg } from '../math/scalar.ts';
import { tapTweak } from '../taproot.ts';

/** One entry of the commitment list, parsed and validated. */
export type SignerCommitment = {
  /** Participant identifier as a scalar. */
  readonly id: bigint;
  /** Hiding nonce commitment D = d·G. */
  readonly hiding: Point;
  /** Binding nonce commitment E = e·G. */
  readonly binding: Point;
  /** The 33-byte encodings of D and E when already known (strict decoding makes them canonical). */
  readonly hidingBytes?: Uint8Array;
  readonly bindingBytes?: Uint8Array;
};

/** The group key as used for signing, after -TR normalisation and tweak. */
export type SigningKey = {
  /** Key that enters binding factors and the challenge (even y in -TR). */
  readonly groupKey: Point;
  /** ±1 applied to every signing share and verifying share. */
  readonly keySign: 1n | -1n;
  /** Scalar added (after keySign) to every signing share: s_Q·t (0 without tweak). */
  readonly tweakTerm: bigint;
};

/** Everything public that a signer, a share verifier and the aggregator derive alike. */
export type SigningSession = {
  readonly suite: Ciphersuite;
  readonly key: SigningKey;
  /** Commitment list sorted ascending by id. */
  readonly signers: readonly SignerCommitment[];
  /** ρ_i, aligned with `signers`. */
  readonly bindingFactors: readonly bigint[];
  /** binding_factor_input of each signer (for vectors and debugging). */
  readonly bindingFactorInputs: readonly Uint8Array[];
  /** R = Σ D_i + ρ_i·E_i, before -TR normalisation. */
  readonly groupCommitment: Point;
  /** -TR: R has odd y, so nonces and commitment shares are negated (s_R = −1). */
  readonly nonceNegated: boolean;
  /** Challenge c. */
  readonly challenge: bigint;
};

/**
 * The signing key for a raw group public key P. Without `merkleRoot` the -TR suite only
 * normalises to even y; with it (an empty root = key-path-only), Q = even(P) + t·G.
 */
export function signingKey(suite: Ciphersuite, P: Point, merkleRoot?: Uint8Array): SigningKey {
  if (!suite.taproot) {
    if (merkleRoot !== undefined) throw new TypeError('merkleRoot is only for the taproot suite');
    return { groupKey: P, keySign: 1n, tweakTerm: 0n };
  }
  let Q = P;
  let sP: 1n | -1n = 1n;
  let t = 0n;
  if (merkleRoot !== undefined) {
    sP = hasEvenY(P) ? 1n : -1n;
    t = tapTweak(P, merkleRoot);
    Q = (sP === 1n ? P : P.negate()).add(mulBasePublic(t));
    if (Q.is0()) throw new InvalidSessionError('tweaked key is the identity');
  }
  const sQ: 1n | -1n = hasEvenY(Q) ? 1n : -1n;
  return {
    groupKey: sQ === 1n ? Q : Q.negate(),
    keySign: (sQ * sP) as 1n | -1n,
    tweakTerm: sQ === 1n ? t : neg(t),
  };
}

/** encode_group_commitment_list: Σ SerializeScalar(id) ‖ D ‖ E over the sorted list. */
export function encodeCommitmentList(signers: readonly SignerCommitment[]): Uint8Array {
  const out = new Uint8Array(signers.length * 98);
  signers.forEach((s, i) => {
    out.set(encodeScalar(s.id), i * 98);
    out.set(s.hidingBytes ?? encodePoint(s.hiding), i * 98 + 32);
    out.set(s.bindingBytes ?? encodePoint(s.binding), i * 98 + 65);
  });
  return out;
}

/**
 * Sorts by id and rejects duplicates. The points must already be strictly decoded
 * (non-identity); callers parse wire data with `decodePoint`.
 */
export function sortSigners(signers: readonly SignerCommitment[]): SignerCommitment[] {
  const sorted = [...signers].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (let i = 1; i < sorted.length; i++)
    if (sorted[i]!.id === sorted[i - 1]!.id)
      throw new InvalidSessionError('commitment list contains an identifier twice');
  return sorted;
}

/** Builds the session: binding factors, group commitment (one MSM) and challenge. */
export function createSession(
  suite: Ciphersuite,
  key: SigningKey,
  signers: readonly SignerCommitment[],
  msg: Uint8Array,
): SigningSession {
  const sorted = sortSigners(signers);
  const prefixHead = new Uint8Array(33 + 64);
  prefixHead.set(encodePoint(key.groupKey), 0);
  prefixHead.set(suite.H4(msg), 33);
  prefixHead.set(suite.H5(encodeCommitmentList(sorted)), 65);
  const bindingFactorInputs: Uint8Array[] = [];
  const bindingFactors: bigint[] = [];
  let hidingSum = ZERO;
  for (const s of sorted) {
    const input = new Uint8Array(prefixHead.length + 32);
    input.set(prefixHead, 0);
    input.set(encodeScalar(s.id), prefixHead.length);
    bindingFactorInputs.push(input);
    bindingFactors.push(suite.H1(input));
    hidingSum = hidingSum.add(s.hiding);
  }
  // Hiding commitments all carry scalar 1: add them and keep only ρ_i·E_i in the MSM.
  const R = hidingSum.add(
    msm(
      sorted.map((s) => s.binding),
      bindingFactors,
    ),
  );
  if (R.is0()) throw new InvalidSessionError('group commitment is the identity');
  return {
    suite,
    key,
    signers: sorted,
    bindingFactors,
    bindingFactorInputs,
    groupCommitment: R,
    nonceNegated: suite.taproot && !hasEvenY(R),
    challenge: suite.challenge(R, key.groupKey, msg),
  };
}

/** Position of `id` in the session's sorted signer list, or −1. */
export function signerIndex(session: SigningSession, id: bigint): number {
  return session.signers.findIndex((s) => s.id === id);
}

/** A key share of a participant with its Lagrange coefficient over the signing key-id set. */
export type KeyShareTerm = { readonly lambda: bigint; readonly share: bigint };
/** A public verifying share of a participant with its Lagrange coefficient. */
export type VerifyingShareTerm = { readonly lambda: bigint; readonly verifyingShare: Point };

/** z_p = s_R·(d + ρ·e) + c·Σ λ_k·(keySign·x_k + tweakTerm). Secret inputs: constant-size bigint ops. */
export function computeShare(
  session: SigningSession,
  index: number,
  hiding: bigint,
  binding: bigint,
  keys: readonly KeyShareTerm[],
): bigint {
  const rho = session.bindingFactors[index];
  if (rho === undefined) throw new RangeError('signer index out of range');
  const { keySign, tweakTerm } = session.key;
  let nonce = add(hiding, mul(binding, rho));
  if (session.nonceNegated) nonce = neg(nonce);
  let keyPart = 0n;
  for (const k of keys) {
    const x = keySign === 1n ? k.share : neg(k.share);
    keyPart = add(keyPart, mul(k.lambda, add(x, tweakTerm)));
  }
  return add(nonce, mul(session.challenge, keyPart));
}

/** Points and scalars whose sum must equal z_p·G for participant `index` (see module doc). */
export type ShareEquation = { readonly points: Point[]; readonly scalars: bigint[] };

/** The right-hand side of the share check of participant `index`, as MSM terms. */
export function shareEquation(
  session: SigningSession,
  index: number,
  keys: readonly VerifyingShareTerm[],
): ShareEquation {
  const s = session.signers[index];
  const rho = session.bindingFactors[index];
  if (s === undefined || rho === undefined) throw new RangeError('signer index out of range');
  const sR = session.nonceNegated ? N - 1n : 1n;
  const c = session.challenge;
  const { keySign, tweakTerm } = session.key;
  const points: Point[] = [s.hiding, s.binding];
  const scalars: bigint[] = [sR, mul(sR, rho)];
  let lambdaSum = 0n;
  for (const k of keys) {
    points.push(k.verifyingShare);
    const cl = mul(c, k.lambda);
    scalars.push(keySign === 1n ? cl : neg(cl));
    lambdaSum = add(lambdaSum, k.lambda);
  }
  if (tweakTerm !== 0n) {
    points.push(G);
    scalars.push(mul(mul(c, tweakTerm), lambdaSum));
  }
  return { points, scalars };
}

/** z·G == Σ equation (z·G from noble's precomputed base table, the rest as one MSM). */
export function checkShare(equation: ShareEquation, z: bigint): boolean {
  return msm(equation.points, equation.scalars).equals(baseMul(z));
}

/** k·G for public k (variable time, precomputed table); 0 gives the identity. */
export const baseMul: (k: bigint) => Point = mulBasePublic;

/**
 * All shares at once: Σ_p w_p·(Σ equation_p − z_p·G) == 0 with 128-bit weights bound to the
 * transcript (see `math/batch.ts`). One MSM over every point; true iff every share is valid,
 * except with probability ≤ 2^-128.
 */
export function checkSharesBatch(
  equations: readonly ShareEquation[],
  zs: readonly bigint[],
  transcript: readonly Uint8Array[],
): boolean {
  if (equations.length !== zs.length) throw new RangeError('length mismatch');
  const weights = batchWeights(equations.length, [
    ...transcript,
    ...zs.map((z) => encodeScalar(z)),
  ]);
  const points: Point[] = [];
  const scalars: bigint[] = [];
  let gScalar = 0n;
  equations.forEach((eq, i) => {
    const w = weights[i]!;
    eq.points.forEach((p, j) => {
      if (p === G) gScalar = add(gScalar, mul(w, eq.scalars[j]!));
      else {
        points.push(p);
        scalars.push(mul(w, eq.scalars[j]!));
      }
    });
    gScalar = add(gScalar, neg(mul(w, zs[i]!)));
  });
  return msm(points, scalars).equals(baseMul(neg(gScalar)));
}

/** Indices of the shares that fail their individual check (to name culprits). */
export function invalidShares(
  equations: readonly ShareEquation[],
  zs: readonly bigint[],
): number[] {
  const bad: number[] = [];
  equations.forEach((eq, i) => {
    if (!checkShare(eq, zs[i]!)) bad.push(i);
  });
  return bad;
}

/** z = Σ z_i and the group-signature check z·G == R' + c·PK' (R' = even R in -TR). */
export function aggregateShares(
  session: SigningSession,
  zs: readonly bigint[],
): { z: bigint; valid: boolean } {
  let z = 0n;
  for (const zi of zs) z = add(z, zi);
  const R = session.nonceNegated ? session.groupCommitment.negate() : session.groupCommitment;
  const valid = mulPublic(session.key.groupKey, session.challenge).add(R).equals(baseMul(z));
  return { z, valid };
}
