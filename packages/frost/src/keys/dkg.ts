/**
 * Pedersen DKG with Schnorr proofs of knowledge (FROST paper Fig. 1; ZF `keys::dkg`), in the
 * split-round API of noble / ZF: round1 → broadcast, round2 → one private message per peer,
 * round3 → key package. All n participants take part; no complaint round. Channels are the
 * caller's job: round-1 packages need an authenticated broadcast channel with echo, round-2
 * messages need encryption and authentication.
 *
 * Speed: the proofs of knowledge of round 2 are checked with ONE random-linear-combination
 * MSM, and the received shares of round 3 with one more (after evaluating each sender's VSS
 * commitment at our id by Horner's rule); individual checks run only to name culprits.
 * @module
 */
import { normalizeZ } from '@noble/curves/abstract/curve.js';
import { aarray, abytes, aobject } from '../assert.ts';
import type { Ciphersuite } from '../ciphersuite.ts';
import {
  type Identifier,
  InvalidProofOfKnowledgeError,
  InvalidSecretShareError,
  InvalidSessionError,
} from '../errors.ts';
import { identifierToHex, parseIdentifier } from '../identifier.ts';
import { batchWeights } from '../math/batch.ts';
import { msm } from '../math/msm.ts';
import {
  decodePoint,
  decodeXOnly,
  encodePoint,
  encodeXOnly,
  hasEvenY,
  mulBasePublic,
  mulBaseSecret,
  mulPublic,
  type Point,
  Point as PointClass,
} from '../math/point.ts';
import { evaluate, evaluateInExponent } from '../math/polynomial.ts';
import { add, decodeScalar, encodeScalar, mul, neg } from '../math/scalar.ts';
import { tapTweak } from '../taproot.ts';
import { generateSecretPolynomial, randomScalar } from './dealer.ts';
import { validateSigners } from './packages.ts';
import type { DKG_Round1, DKG_Round2, DKG_Secret, Key, RNG, Signers } from './types.ts';

/** What round2 learnt and round3 needs, kept off the caller-visible secret object. */
type Received = {
  /** Canonical (sorted) round-1 transcript bytes, compared again in round3. */
  transcript: Uint8Array;
  /** Sender ids ascending, and their parsed commitments. */
  senders: { id: bigint; idHex: Identifier; commitment: Point[] }[];
  round2: Record<Identifier, DKG_Round2>;
};
const received = new WeakMap<DKG_Secret, Received>();
/** Our own commitment points from round1 (saves decoding them again in round3). */
const ownCommitment = new WeakMap<DKG_Secret, Point[]>();

/** The proof-of-knowledge challenge H_DKG(id ‖ φ_0 ‖ R) (R is even in -TR, encoded 02‖x). */
function pokChallenge(suite: Ciphersuite, id: bigint, phi0: Point, R: Point): bigint {
  const buf = new Uint8Array(32 + 33 + 33);
  buf.set(encodeScalar(id), 0);
  buf.set(encodePoint(phi0), 32);
  buf.set(encodePoint(R), 65);
  return suite.HDKG(buf);
}

function encodeProof(suite: Ciphersuite, R: Point, mu: bigint): Uint8Array {
  const r = suite.taproot ? encodeXOnly(R) : encodePoint(R);
  const out = new Uint8Array(r.length + 32);
  out.set(r, 0);
  out.set(encodeScalar(mu), r.length);
  return out;
}

function decodeProof(suite: Ciphersuite, bytes: unknown, field: string): { R: Point; mu: bigint } {
  const len = suite.taproot ? 64 : 65;
  abytes(bytes, field, len);
  const b = bytes as Uint8Array;
  const rLen = len - 32;
  const R = suite.taproot
    ? decodeXOnly(b.subarray(0, rLen), `${field}.R`)
    : decodePoint(b.subarray(0, rLen), `${field}.R`);
  return { R, mu: decodeScalar(b.subarray(rLen), `${field}.mu`) };
}

/** Round 1: sample f, commit to it, prove knowledge of f(0). */
export function round1(
  suite: Ciphersuite,
  idHex: Identifier,
  signersIn: Signers,
  secret: Uint8Array | undefined,
  rng: RNG,
): { public: DKG_Round1; secret: DKG_Secret } {
  const id = parseIdentifier(idHex, 'id');
  const signers = validateSigners(signersIn);
  const poly = generateSecretPolynomial(signers, secret, rng);
  // PoK nonce: in -TR it is negated when k·G has odd y, so R is even (noble adjustScalar).
  let k = randomScalar(rng);
  let R = mulBaseSecret(k);
  if (suite.taproot && !hasEvenY(R)) {
    k = neg(k);
    R = R.negate();
  }
  const phi0 = poly.commitment[0]!;
  const c = pokChallenge(suite, id, phi0, R);
  const mu = add(k, mul(poly.coefficients[0]!, c));
  const commitment = poly.commitment.map(encodePoint);
  const secretPackage: DKG_Secret = {
    identifier: id,
    coefficients: poly.coefficients,
    commitment,
    signers,
    step: 1,
  };
  ownCommitment.set(secretPackage, poly.commitment);
  return {
    public: {
      identifier: identifierToHex(id),
      commitment,
      proofOfKnowledge: encodeProof(suite, R, mu),
    },
    secret: secretPackage,
  };
}

function sortedRound1(packages: readonly DKG_Round1[]): { id: bigint; pkg: DKG_Round1 }[] {
  return packages
    .map((pkg, i) => {
      aobject(pkg, `round1[${i}]`);
      return { id: parseIdentifier(pkg.identifier, `round1[${i}].identifier`), pkg };
    })
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function transcriptBytes(sorted: { id: bigint; pkg: DKG_Round1 }[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const { id, pkg } of sorted) {
    parts.push(encodeScalar(id), Uint8Array.of(pkg.commitment.length));
    for (const c of pkg.commitment) parts.push(c instanceof Uint8Array ? c : new Uint8Array(0));
    parts.push(
      pkg.proofOfKnowledge instanceof Uint8Array ? pkg.proofOfKnowledge : new Uint8Array(0),
    );
  }
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function validateSecretPackage(secret: DKG_Secret): Signers {
  aobject(secret, 'secret');
  if (typeof secret.identifier !== 'bigint')
    throw new TypeError('"secret.identifier" expected bigint');
  return validateSigners(secret.signers, 'secret.signers');
}

/**
 * Round 2: check every peer's round-1 package (encodings, counts, proofs of knowledge, in one
 * batch) and compute the share f(id_j) for each peer j.
 */
export function round2(
  suite: Ciphersuite,
  secret: DKG_Secret,
  others: readonly DKG_Round1[],
): Record<Identifier, DKG_Round2> {
  const signers = validateSecretPackage(secret);
  aarray(others, 'others');
  if (others.length !== signers.max - 1)
    throw new InvalidSessionError(
      `expected ${signers.max - 1} round1 packages, got ${others.length}`,
    );
  const sorted = sortedRound1(others);
  const transcript = transcriptBytes(sorted);
  const prior = received.get(secret);
  if (prior) {
    // Retrying round2 is allowed only with the identical transcript (same answer).
    if (secret.step !== 2 || !equalBytes(prior.transcript, transcript))
      throw new InvalidSessionError('round2 already ran with different round1 packages');
    return prior.round2;
  }
  if (secret.step !== 1 || !secret.coefficients)
    throw new InvalidSessionError('round2 called out of order');
  const myHex = identifierToHex(secret.identifier);
  const senders: Received['senders'] = [];
  const proofs: { R: Point; mu: bigint; c: bigint }[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const { id, pkg } = sorted[i]!;
    const idHex = identifierToHex(id);
    if (id === secret.identifier)
      throw new InvalidSessionError(`round1 package from ourselves (${idHex})`);
    if (i > 0 && sorted[i - 1]!.id === id)
      throw new InvalidSessionError(`duplicate identifier ${idHex}`);
    aarray(pkg.commitment, `round1[${idHex}].commitment`);
    if (pkg.commitment.length !== signers.min)
      throw new InvalidSessionError(
        `round1[${idHex}] has ${pkg.commitment.length} commitments, expected ${signers.min}`,
      );
    const commitment = pkg.commitment.map((c, k) =>
      decodePoint(c, `round1[${idHex}].commitment[${k}]`),
    );
    const { R, mu } = decodeProof(suite, pkg.proofOfKnowledge, `round1[${idHex}].proofOfKnowledge`);
    proofs.push({ R, mu, c: pokChallenge(suite, id, commitment[0]!, R) });
    senders.push({ id, idHex, commitment });
  }
  // Σ w_j·(R_j + c_j·φ_j0) == (Σ w_j·μ_j)·G, one MSM; on failure, check each to name culprits.
  const weights = batchWeights(proofs.length, [transcript]);
  const points: Point[] = [];
  const scalars: bigint[] = [];
  let muSum = 0n;
  proofs.forEach((p, j) => {
    const w = weights[j]!;
    muSum = add(muSum, mul(w, p.mu));
    points.push(p.R, senders[j]!.commitment[0]!);
    scalars.push(w, mul(w, p.c));
  });
  if (!msm(points, scalars).equals(mulBasePublic(muSum))) {
    const culprits = senders
      .filter((s, j) => {
        const p = proofs[j]!;
        return !mulPublic(s.commitment[0]!, p.c).add(p.R).equals(mulBasePublic(p.mu));
      })
      .map((s) => s.idHex);
    throw new InvalidProofOfKnowledgeError(culprits);
  }
  const out: Record<Identifier, DKG_Round2> = {};
  for (const s of senders)
    out[s.idHex] = {
      identifier: myHex,
      signingShare: encodeScalar(evaluate(secret.coefficients, s.id)),
    };
  received.set(secret, { transcript, senders, round2: out });
  secret.step = 2;
  return out;
}

/**
 * Round 3: check the shares received from every peer against their commitments (batched),
 * then output the key package. The -TR suite applies the BIP341 key-path tweak with an empty
 * merkle root here, as ZF `post_dkg` and noble do.
 */
export function round3(
  suite: Ciphersuite,
  secret: DKG_Secret,
  round1In: readonly DKG_Round1[],
  round2In: readonly DKG_Round2[],
): Key {
  const signers = validateSecretPackage(secret);
  aarray(round1In, 'round1');
  aarray(round2In, 'round2');
  const state = received.get(secret);
  if (secret.step !== 2 || !state || !secret.coefficients)
    throw new InvalidSessionError('round3 called out of order');
  if (!equalBytes(state.transcript, transcriptBytes(sortedRound1(round1In))))
    throw new InvalidSessionError('round1 packages differ from those checked in round2');
  if (round2In.length !== state.senders.length)
    throw new InvalidSessionError(
      `expected ${state.senders.length} round2 packages, got ${round2In.length}`,
    );
  const shareBy = new Map<bigint, bigint>();
  round2In.forEach((r, i) => {
    aobject(r, `round2[${i}]`);
    const from = parseIdentifier(r.identifier, `round2[${i}].identifier`);
    if (shareBy.has(from))
      throw new InvalidSessionError(`duplicate round2 package from ${r.identifier}`);
    shareBy.set(from, decodeScalar(r.signingShare, `round2[${i}].signingShare`));
  });
  const me = secret.identifier;
  const shares: bigint[] = [];
  const evaluations: Point[] = [];
  for (const s of state.senders) {
    const share = shareBy.get(s.id);
    if (share === undefined)
      throw new InvalidSessionError(`missing round2 package from ${s.idHex}`);
    shares.push(share);
    evaluations.push(evaluateInExponent(s.commitment, me));
  }
  // Σ w_j·V_j == (Σ w_j·s_j)·G with V_j = Σ_k me^k·C_jk; individual checks only to name culprits.
  // The received shares and their weighted sum are secret: constant-time base multiplication
  // (the MSM side is public: commitments and weights).
  const weights = batchWeights(shares.length, [state.transcript, ...shares.map(encodeScalar)]);
  let shareSum = 0n;
  shares.forEach((s, j) => {
    shareSum = add(shareSum, mul(weights[j]!, s));
  });
  if (!msm(evaluations, weights).equals(mulBaseSecret(shareSum))) {
    const culprits = state.senders
      .filter((_, j) => !mulBaseSecret(shares[j]!).equals(evaluations[j]!))
      .map((s) => s.idHex);
    throw new InvalidSecretShareError(culprits);
  }
  // Group commitment Σ_j C_j (ours included) and every participant's verifying share.
  const mine = secret.coefficients;
  const own =
    ownCommitment.get(secret) ??
    secret.commitment.map((c, k) => decodePoint(c, `secret.commitment[${k}]`));
  const merged: Point[] = [...own];
  for (const s of state.senders)
    for (let k = 0; k < merged.length; k++) merged[k] = merged[k]!.add(s.commitment[k]!);
  let signingShare = evaluate(mine, me);
  for (const s of shares) signingShare = add(signingShare, s);
  const ids = [me, ...state.senders.map((s) => s.id)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let ys = ids.map((id) => evaluateInExponent(merged, id));
  if (suite.taproot) {
    // ZF post_dkg / noble adjustDKG: BIP341 key-path tweak (empty merkle root) of the whole
    // package, applied to the points before encoding: even(P), then Q = P + t·G, Y_i += t·G.
    const P = merged[0]!;
    if (P.is0()) throw new InvalidSessionError('DKG produced the identity');
    const odd = !hasEvenY(P);
    const t = tapTweak(P, new Uint8Array(0));
    const tG = mulBasePublic(t);
    if (odd) {
      for (let k = 0; k < merged.length; k++) merged[k] = merged[k]!.negate();
      ys = ys.map((y) => y.negate());
      signingShare = neg(signingShare);
    }
    merged[0] = merged[0]!.add(tG);
    ys = ys.map((y) => y.add(tG));
    signingShare = add(signingShare, t);
  }
  const encoded = encodePoints([...merged, ...ys]);
  const verifyingShares: Record<Identifier, Uint8Array> = {};
  ids.forEach((id, i) => {
    verifyingShares[identifierToHex(id)] = encoded[merged.length + i]!;
  });
  const key: Key = {
    public: { signers, commitments: encoded.slice(0, merged.length), verifyingShares },
    secret: { identifier: identifierToHex(me), signingShare: encodeScalar(signingShare) },
  };
  // Best-effort erasure of the polynomial (bigints cannot be wiped reliably).
  mine.fill(0n);
  delete secret.coefficients;
  received.delete(secret);
  ownCommitment.delete(secret);
  secret.step = 3;
  return key;
}

/** Compressed encodings of many points with one batched inversion (Point.normalizeZ). */
function encodePoints(points: readonly Point[]): Uint8Array[] {
  for (const p of points) if (p.is0()) throw new InvalidSessionError('DKG produced the identity');
  return normalizeZ(PointClass, [...points]).map((p) => encodePoint(p));
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}
