/**
 * Coordinator side (RFC 9591 §5.3, §5.4) over key-id sets: share verification and aggregation
 * with cheater detection, for the standard suites and the weighted layer alike, and the final
 * signature check.
 *
 * `aggregateRound` is optimistic like ZF and noble: per message it checks the final signature
 * once and only on failure checks shares, all of them in one random-linear-combination MSM and
 * then by bisection to name the culprits. With `verifyShares` it checks every share even when
 * the signature verifies (still one MSM).
 * @module
 */

import type { Ciphersuite } from '../ciphersuite.ts';
import { FrostError } from '../errors.ts';
import { batchWeights } from '../math/batch.ts';
import { mulBasePublic, mulPublic, type Point } from '../math/point.ts';
import { type LagrangeCache, lagrangeCoefficients } from '../math/polynomial.ts';
import { encodeScalar, N } from '../math/scalar.ts';
import { messageSession, type Round, roundKeyIds } from './round2.ts';
import {
  invalidShares,
  type ShareEquation,
  type SigningSession,
  shareEquation,
  verifySignature,
} from './session.ts';

/** Outcome of a round's aggregation: every signature, or the signers at fault. */
export type RoundOutcome =
  | { readonly ok: true; readonly signatures: readonly Uint8Array[] }
  | {
      readonly ok: false;
      /**
       * The signers whose shares are invalid (or missing), ascending: indices into
       * `round.signers` from `aggregateRound`, party ids from the weighted `aggregate`.
       */
      readonly culprits: readonly number[];
      /** Indices of the messages whose signature failed. */
      readonly failedMessages: readonly number[];
    };

/** What `aggregateRound` needs besides the round and the shares. */
export type RoundAggregateOptions = {
  /** Y_k = x_k·G of a key id (needed only when shares are checked). */
  readonly verifyingShare: (keyId: bigint) => Point;
  /** Check every share even when the signature verifies. */
  readonly verifyShares?: boolean;
  /** Caller randomness mixed into the batch weights (they are bound to the transcript anyway). */
  readonly entropy?: Uint8Array;
  /** λ per signing set, reused across rounds. */
  readonly lagrange?: LagrangeCache;
};

/** The share equations of every signer of one message (λ over all key ids of the round). */
export function roundEquations(
  round: Round,
  session: SigningSession,
  verifyingShare: (keyId: bigint) => Point,
  lagrange?: LagrangeCache,
): ShareEquation[] {
  const all = roundKeyIds(round);
  const lambdas = lagrange?.get(all) ?? lagrangeMap(all);
  return round.signers.map((s, i) =>
    shareEquation(
      session,
      i,
      s.keyIds.map((k) => ({ lambda: lambdas.get(k)!, verifyingShare: verifyingShare(k) })),
    ),
  );
}

function lagrangeMap(ids: readonly bigint[]): ReadonlyMap<bigint, bigint> {
  const l = lagrangeCoefficients(ids);
  return new Map(ids.map((k, i) => [k, l[i]!]));
}

/**
 * Aggregates a round: `zs[p][i]` is signer p's share for message i (each in [0, n)). Per
 * message z = Σ_p z_p; the signature is checked once; shares are checked only if it fails (or
 * with `verifyShares`). Returns the signatures, or the culprits: signers whose share fails its
 * check for some message (empty when the signature fails but every share verifies, i.e. the
 * verifying shares do not match the group key).
 */
export function aggregateRound(
  round: Round,
  zs: readonly (readonly bigint[])[],
  opts: RoundAggregateOptions,
): RoundOutcome {
  const { suite } = round.key;
  const signatures: Uint8Array[] = [];
  const culprits = new Set<number>();
  const failed: number[] = [];
  round.messages.forEach((_, i) => {
    const session = messageSession(round, i);
    let z = 0n;
    for (const shares of zs) z += shares[i]!;
    z %= N;
    const good = verifySignature(session, z);
    if (good && !opts.verifyShares) {
      signatures.push(suite.encodeSignature(session.groupCommitment, z));
      return;
    }
    const mine = zs.map((shares) => shares[i]!);
    const weights = batchWeights(mine.length, [
      ...(opts.entropy ? [opts.entropy] : []),
      ...session.bindingFactorInputs,
      ...mine.map((zi) => encodeScalar(zi)),
    ]);
    const bad = invalidShares(
      roundEquations(round, session, opts.verifyingShare, opts.lagrange),
      mine,
      weights,
    );
    if (good && bad.length === 0) {
      signatures.push(suite.encodeSignature(session.groupCommitment, z));
      return;
    }
    for (const p of bad) culprits.add(p);
    failed.push(i);
  });
  if (failed.length > 0)
    return { ok: false, culprits: [...culprits].sort((a, b) => a - b), failedMessages: failed };
  return { ok: true, signatures };
}

/**
 * Verifies a final signature: z·G == R + c·PK. For -TR this is BIP340 verification against the
 * x-only key (a 33-byte key is accepted and its x used). Malformed signatures or keys give false.
 */
export function verifyFinal(
  suite: Ciphersuite,
  sig: Uint8Array,
  msg: Uint8Array,
  publicKey: Uint8Array,
): boolean {
  let R: Point;
  let z: bigint;
  let PK: Point;
  try {
    ({ R, z } = suite.decodeSignature(sig));
    PK = suite.decodePublicKey(publicKey);
  } catch (err) {
    if (err instanceof FrostError) return false;
    throw err;
  }
  const c = suite.challenge(R, PK, msg);
  return mulPublic(PK, c).add(R).equals(mulBasePublic(z));
}
