/**
 * The core of both DKGs (the ZF/RFC one of `keys/dkg.ts`, the weighted one of
 * `weighted/dkg.ts`): Pedersen VSS over key-id sets. A dealer samples a polynomial of
 * `threshold` coefficients, commits to it and proves knowledge of its constant term; a recipient
 * holding key ids K checks every share it received against the dealers' commitments with one
 * MSM, and names the dealers whose shares fail. The standard DKG is the case K = {own id}.
 * @module
 */
import { batchWeights, bisectFailures } from '../math/batch.ts';
import { sumCommitments } from '../math/commitment-sum.ts';
import { msm } from '../math/msm.ts';
import { hasEvenY, mulBasePublic, mulBaseSecret, mulPublic, type Point } from '../math/point.ts';
import { weightedPowers } from '../math/polynomial.ts';
import { encodeScalar, N } from '../math/scalar.ts';
import { type RNG, randomScalar } from '../random.ts';

/** Secret polynomial f(x) = a_0 + … + a_{t−1}·x^{t−1} and its commitments a_j·G. */
export type SecretPolynomial = { coefficients: bigint[]; commitment: Point[] };

/**
 * Samples f with `threshold` coefficients (a_0 = `a0` when given, else random; then t − 1 random
 * ones, in that order of RNG use, as noble and ZF) and commits to it (constant time).
 */
export function secretPolynomial(threshold: number, rng: RNG, a0?: bigint): SecretPolynomial {
  const coefficients = [a0 ?? randomScalar(rng)];
  for (let i = 1; i < threshold; i++) coefficients.push(randomScalar(rng));
  return commitPolynomial(coefficients);
}

/** The commitments a_j·G of given secret coefficients (constant-time base multiplication). */
export function commitPolynomial(coefficients: bigint[]): SecretPolynomial {
  return { coefficients, commitment: coefficients.map((c) => mulBaseSecret(c)) };
}

/** A Schnorr proof of knowledge of the discrete log of a public key: R = k·G, μ = k + c·a. */
export type KnowledgeProof = { readonly R: Point; readonly mu: bigint };

/**
 * Proves knowledge of `secret` (constant time): a random nonce k, R = k·G (made even by negating
 * k when `evenR`, as the -TR suite does), c = challenge(R), μ = k + c·secret.
 */
export function proveKnowledge(
  secret: bigint,
  rng: RNG,
  challenge: (R: Point) => bigint,
  evenR = false,
): KnowledgeProof {
  let k = randomScalar(rng);
  let R = mulBaseSecret(k);
  if (evenR && !hasEvenY(R)) {
    k = N - k;
    R = R.negate();
  }
  return { R, mu: (k + challenge(R) * secret) % N };
}

/** A proof to check: the public key, the proof, and its challenge c. */
export type KnowledgeClaim = {
  readonly pub: Point;
  readonly proof: KnowledgeProof;
  readonly c: bigint;
};

/**
 * Indices of the invalid proofs. All at once: Σ w_i·(R_i + c_i·pub_i) == (Σ w_i·μ_i)·G with
 * independent 128-bit weights bound to `transcript` (one MSM; a plain sum could be bypassed);
 * only if that fails is each proof checked alone, to name the bad ones. Public data only.
 */
export function invalidProofs(
  claims: readonly KnowledgeClaim[],
  transcript: readonly Uint8Array[],
): number[] {
  if (claims.length === 0) return [];
  const weights = batchWeights(claims.length, transcript);
  const points: Point[] = [];
  const scalars: bigint[] = [];
  let muSum = 0n;
  claims.forEach(({ pub, proof, c }, i) => {
    const w = weights[i]!;
    muSum = (muSum + w * proof.mu) % N;
    points.push(proof.R, pub);
    scalars.push(w, (w * c) % N);
  });
  if (msm(points, scalars).equals(mulBasePublic(muSum))) return [];
  const bad: number[] = [];
  claims.forEach(({ pub, proof, c }, i) => {
    if (!mulPublic(pub, c).add(proof.R).equals(mulBasePublic(proof.mu))) bad.push(i);
  });
  return bad;
}

/** What one dealer gave a recipient: its commitments, and f(k) for each of the recipient's key ids. */
export type Dealt = {
  readonly commitment: readonly Point[];
  readonly shares: readonly bigint[];
};

/**
 * Checks every share a recipient holding `keyIds` got, against the dealers' commitments, with
 * ONE MSM: Σ_k r_k·(Σ_p f_p(k))·G == Σ_i w_i·A_i with A_i = Σ_p A_{p,i} (the group polynomial's
 * commitments, summed batch-affine) and w_i = Σ_k r_k·k^i, r_k independent 128-bit weights bound
 * to `transcript` (errors on two key ids cannot cancel). The left side holds the received
 * shares: secret, so it is a constant-time base multiplication; the MSM sees public data only.
 *
 * Returns whether everything checks out, A (the group commitments) and, if not, the dealers
 * (indices into `dealt`, among `suspects`: default all) whose shares fail, found by bisection with the same weights: a group passes or
 * fails as a whole (its commitments summed, one MSM), so one bad dealer costs ~log2(P) MSMs of
 * t points instead of P.
 */
export function verifyDealt(
  dealt: readonly Dealt[],
  keyIds: readonly bigint[],
  transcript: readonly Uint8Array[],
  suspects?: readonly number[],
): { ok: boolean; groupCommitments: Point[]; culprits: number[] } {
  const t = dealt[0]?.commitment.length ?? 0;
  const r = batchWeights(keyIds.length, [...transcript, ...keyIds.map((k) => encodeScalar(k))]);
  const w = weightedPowers(keyIds, r, t);
  const secretSide = (group: readonly number[]): Point => {
    let s = 0n;
    for (const p of group) {
      const shares = dealt[p]!.shares;
      for (let j = 0; j < keyIds.length; j++) s += r[j]! * shares[j]!;
    }
    return mulBaseSecret(s % N);
  };
  const commitmentsOf = (group: readonly number[]): Point[] =>
    group.length === 1
      ? [...dealt[group[0]!]!.commitment]
      : sumCommitments(
          group.map((p) => dealt[p]!.commitment),
          t,
        );
  const all = dealt.map((_, p) => p);
  const groupCommitments = commitmentsOf(all);
  if (msm(groupCommitments, w).equals(secretSide(all)))
    return { ok: true, groupCommitments, culprits: [] };
  const fails = (group: readonly number[]): boolean =>
    !msm(commitmentsOf(group), w).equals(secretSide(group));
  // The bisection's rule (left passes, so right fails) needs a failing start.
  const candidates = suspects ?? all;
  const culprits =
    suspects === undefined || fails(candidates) ? bisectFailures(candidates, fails) : [];
  return { ok: false, groupCommitments, culprits };
}
