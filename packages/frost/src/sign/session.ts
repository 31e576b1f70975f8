/**
 * One signing session (RFC 9591 §4.4–§4.6, §5.2–§5.4) over each signer's SET of key ids: the
 * common core of the standard suites (one key id per signer, `src/frost.ts`) and the weighted
 * layer (`src/weighted/`).
 *
 * Signer p holds shares x_k for the key ids k ∈ K_p (the standard suites: K_p = {p}). With the
 * Lagrange coefficients λ_k at 0 over all key ids of the signing set:
 *
 *   z_p = s_R·(d_p + ρ_p·e_p) + c·Σ_{k∈K_p} λ_k·(keySign·x_k + tweakTerm)
 *   z_p·G == s_R·(D_p + ρ_p·E_p) + Σ_k (c·λ_k·keySign)·Y_k + (c·tweakTerm·Σ_k λ_k)·G
 *
 * where s_R = −1 only in the -TR suite when R has odd y, and (keySign, tweakTerm) encode the
 * -TR even-y normalisation and optional BIP341 tweak of the group key:
 * x' = s_Q·(s_P·x + t), i.e. keySign = s_Q·s_P and tweakTerm = s_Q·t. Binding factors and R are
 * over signers (their identifiers), exactly as RFC 9591; the key-id sets enter only the shares.
 * @module
 */
import { bytesToHex } from '@noble/hashes/utils.js';
import type { Ciphersuite } from '../ciphersuite.ts';
import { InvalidSessionError } from '../errors.ts';
import { bisectFailures } from '../math/batch.ts';
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
import { taprootTweak } from '../taproot.ts';

/** The group key as used for signing, after -TR normalisation and tweak. */
export type SigningKey = {
  readonly suite: Ciphersuite;
  /** Key that enters binding factors and the challenge (even y in -TR). */
  readonly groupKey: Point;
  /** ±1 applied to every signing share and verifying share. */
  readonly keySign: 1n | -1n;
  /** Scalar added (after keySign) to every signing share: s_Q·t (0 without tweak). */
  readonly tweakTerm: bigint;
};

const keys = new Map<string, SigningKey>();
const KEYS_MAX = 64;

/**
 * The signing key for a raw group public key P. Without `merkleRoot` the -TR suite only
 * normalises to even y; with it (an empty root = key-path-only), Q = even(P) + t·G.
 * Cached per (suite, P, root): every round of a key derives the same one.
 */
export function signingKey(suite: Ciphersuite, P: Point, merkleRoot?: Uint8Array): SigningKey {
  if (P.is0()) throw new InvalidSessionError('group key is the identity');
  if (!suite.taproot && merkleRoot !== undefined)
    throw new TypeError('merkleRoot is only for the taproot suite');
  const id = `${suite.contextString}/${bytesToHex(pointBytes(P))}/${merkleRoot ? bytesToHex(merkleRoot) : '-'}`;
  const hit = keys.get(id);
  if (hit) return hit;
  let key: SigningKey;
  if (!suite.taproot) key = { suite, groupKey: P, keySign: 1n, tweakTerm: 0n };
  else {
    let Q = P;
    let sP: 1n | -1n = 1n;
    let t = 0n;
    if (merkleRoot !== undefined) {
      const tw = taprootTweak(P, merkleRoot);
      ({ Q, t } = tw);
      sP = tw.negate ? -1n : 1n;
      if (Q.is0()) throw new InvalidSessionError('tweaked key is the identity');
    }
    const sQ: 1n | -1n = hasEvenY(Q) ? 1n : -1n;
    key = {
      suite,
      groupKey: sQ === 1n ? Q : Q.negate(),
      keySign: (sQ * sP) as 1n | -1n,
      tweakTerm: sQ === 1n ? t : neg(t),
    };
  }
  if (keys.size >= KEYS_MAX) keys.delete(keys.keys().next().value as string);
  keys.set(id, key);
  return key;
}

const tabled = new WeakSet<Point>();

/**
 * The signing key with a precomputed window table (W = 8, a few tens of ms once per key), so a
 * final-signature check costs about a third of a plain verify. Built on first use by a verifier
 * (the coordinator), never by signers, which do not verify.
 */
function keyTable(key: SigningKey): Point {
  if (!tabled.has(key.groupKey)) {
    key.groupKey.precompute(8, false);
    tabled.add(key.groupKey);
  }
  return key.groupKey;
}

// Encoding a point costs an inversion, and every session hashes the group key and every
// commitment: the compressed bytes of points that came off the wire (strict decoding makes them
// canonical) or were encoded once are remembered.
const encoded = new WeakMap<Point, Uint8Array>();

/** SerializeElement of `p`, cached per point object. */
export function pointBytes(p: Point): Uint8Array {
  let b = encoded.get(p);
  if (b === undefined) {
    b = encodePoint(p);
    encoded.set(p, b);
  }
  return b;
}

/** Remembers `bytes` as the canonical encoding of `p` (call only with its strict decoding). */
export function rememberBytes(p: Point, bytes: Uint8Array): Point {
  encoded.set(p, bytes.slice());
  return p;
}

/** One entry of the commitment list of one message, parsed and validated. */
export type SignerCommitment = {
  /** Signer identifier as a scalar. */
  readonly id: bigint;
  /** Hiding nonce commitment D = d·G. */
  readonly hiding: Point;
  /** Binding nonce commitment E = e·G. */
  readonly binding: Point;
};

/** encode_group_commitment_list: Σ SerializeScalar(id) ‖ D ‖ E over the sorted list. */
export function encodeCommitmentList(signers: readonly SignerCommitment[]): Uint8Array {
  const out = new Uint8Array(signers.length * 98);
  signers.forEach((s, i) => {
    out.set(encodeScalar(s.id), i * 98);
    out.set(pointBytes(s.hiding), i * 98 + 32);
    out.set(pointBytes(s.binding), i * 98 + 65);
  });
  return out;
}

/** Throws unless the signers are sorted ascending by id without duplicates. */
export function assertSorted(signers: readonly { readonly id: bigint }[]): void {
  for (let i = 1; i < signers.length; i++) {
    if (signers[i]!.id === signers[i - 1]!.id)
      throw new InvalidSessionError('commitment list contains an identifier twice');
    if (signers[i]!.id < signers[i - 1]!.id)
      throw new InvalidSessionError('commitment list is not sorted by identifier');
  }
}

/** Sorts by id and rejects duplicates (the points must already be strictly decoded). */
export function sortSigners<T extends { readonly id: bigint }>(signers: readonly T[]): T[] {
  const sorted = [...signers].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  assertSorted(sorted);
  return sorted;
}

/** Everything public that a signer, a share verifier and the aggregator derive alike. */
export type SigningSession = {
  readonly key: SigningKey;
  readonly msg: Uint8Array;
  /** Commitment list sorted ascending by id. */
  readonly signers: readonly SignerCommitment[];
  /** ρ_i, aligned with `signers`. */
  readonly bindingFactors: readonly bigint[];
  /** binding_factor_input of each signer (vectors, and the transcript of batch weights). */
  readonly bindingFactorInputs: readonly Uint8Array[];
  /** R = Σ D_i + ρ_i·E_i, before -TR normalisation. */
  readonly groupCommitment: Point;
  /** -TR: R has odd y, so nonces and commitment shares are negated (s_R = −1). */
  readonly nonceNegated: boolean;
  /** Challenge c. */
  readonly challenge: bigint;
};

/**
 * Builds the session of one message: binding factors, group commitment (one MSM) and
 * challenge. `signers` are sorted by id (RFC 9591 sorts the commitment list); a duplicate id
 * is refused.
 */
export function createSession(
  key: SigningKey,
  unsorted: readonly SignerCommitment[],
  msg: Uint8Array,
): SigningSession {
  const signers = sortSigners(unsorted);
  const { suite } = key;
  const prefixHead = new Uint8Array(33 + 64);
  prefixHead.set(pointBytes(key.groupKey), 0);
  prefixHead.set(suite.H4(msg), 33);
  prefixHead.set(suite.H5(encodeCommitmentList(signers)), 65);
  const bindingFactorInputs: Uint8Array[] = [];
  const bindingFactors: bigint[] = [];
  let hidingSum = ZERO;
  for (const s of signers) {
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
      signers.map((s) => s.binding),
      bindingFactors,
    ),
  );
  if (R.is0()) throw new InvalidSessionError('group commitment is the identity');
  return {
    key,
    msg,
    signers,
    bindingFactors,
    bindingFactorInputs,
    groupCommitment: R,
    nonceNegated: suite.taproot && !hasEvenY(R),
    challenge: suite.challenge(R, key.groupKey, msg),
  };
}

/** A key share of a signer with its Lagrange coefficient over the signing key-id set. */
export type KeyShareTerm = { readonly lambda: bigint; readonly share: bigint };
/** A public verifying share of a signer with its Lagrange coefficient. */
export type VerifyingShareTerm = { readonly lambda: bigint; readonly verifyingShare: Point };

/** z_p = s_R·(d + ρ·e) + c·Σ λ_k·(keySign·x_k + tweakTerm). Secret inputs: bigint arithmetic only. */
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
  // Σ λ_k·(±x_k + t) = ±Σ λ_k·x_k + t·Σ λ_k, reduced once.
  let lx = 0n;
  let l = 0n;
  for (const k of keys) {
    lx += k.lambda * k.share;
    l += k.lambda;
  }
  const keyPart = add(keySign === 1n ? lx % N : neg(lx % N), mul(tweakTerm, l % N));
  return add(nonce, mul(session.challenge, keyPart));
}

/** Points and scalars whose sum must equal z_p·G for signer `index` (see module doc). */
export type ShareEquation = { readonly points: Point[]; readonly scalars: bigint[] };

/** The right-hand side of the share check of signer `index`, as MSM terms. */
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
  return msm(equation.points, equation.scalars).equals(mulBasePublic(z));
}

/**
 * Indices of the invalid shares among `equations` / `zs`, with independent 128-bit `weights`:
 * Σ_p w_p·(Σ equation_p − z_p·G) == 0 over any subset is one MSM (a plain sum would let two bad
 * shares cancel). All of them first; on failure a bisection with the same weights
 * (`bisectFailures`): one bad share costs about two MSMs of the full size instead of one small
 * MSM per signer.
 */
export function invalidShares(
  equations: readonly ShareEquation[],
  zs: readonly bigint[],
  weights: readonly bigint[],
): number[] {
  // Each signer's weighted terms once: w_i·(Σ equation_i − z_i·G), the G parts folded into one
  // scalar; a subset is then one MSM over the concatenated terms.
  const terms = equations.map((eq, i) => {
    const w = weights[i]!;
    const points: Point[] = [];
    const scalars: bigint[] = [];
    let g = -w * zs[i]!;
    eq.points.forEach((p, j) => {
      if (p === G) g += w * eq.scalars[j]!;
      else {
        points.push(p);
        scalars.push(mul(w, eq.scalars[j]!));
      }
    });
    return { points, scalars, g };
  });
  const fails = (idx: readonly number[]): boolean => {
    const points: Point[] = [G];
    const scalars: bigint[] = [0n];
    let g = 0n;
    for (const i of idx) {
      const t = terms[i]!;
      points.push(...t.points);
      scalars.push(...t.scalars);
      g += t.g;
    }
    scalars[0] = ((g % N) + N) % N;
    return !msm(points, scalars).is0();
  };
  const all = equations.map((_, i) => i);
  return fails(all) ? bisectFailures(all, fails) : [];
}

/**
 * The final check of a signature z of this session: z·G == R' + c·PK' (R' = even R in -TR),
 * with the key's precomputed table.
 */
export function verifySignature(session: SigningSession, z: bigint): boolean {
  const R = session.nonceNegated ? session.groupCommitment.negate() : session.groupCommitment;
  return mulBasePublic(z)
    .add(mulPublic(keyTable(session.key), N - session.challenge))
    .equals(R);
}
