/**
 * Round two (RFC 9591 §5.2) over key-id sets, for one or more messages at once: the signing
 * step of both the standard suites (one key id per signer, one message) and the weighted layer.
 * @module
 */
import { InvalidSessionError } from '../errors.ts';
import { mulBaseSecret } from '../math/point.ts';
import { type LagrangeCache, lagrangeCoefficients } from '../math/polynomial.ts';
import { N } from '../math/scalar.ts';
import type { NonceCommitment, NoncePair } from './round1.ts';
import { computeShare, createSession, type SigningKey, type SigningSession } from './session.ts';

/** One signer of a round: its identifier, key ids and one commitment pair per message. */
export type RoundSigner = {
  readonly id: bigint;
  readonly keyIds: readonly bigint[];
  readonly pairs: readonly NonceCommitment[];
};

/**
 * A signing round as every participant sees it: the signing key, the messages, and every
 * signer's key ids and commitments (sorted by id, one pair per message each).
 */
export type Round = {
  readonly key: SigningKey;
  readonly messages: readonly Uint8Array[];
  readonly signers: readonly RoundSigner[];
};

/** The session of message `i` (binding factors, R, challenge). */
export function messageSession(round: Round, i: number): SigningSession {
  const msg = round.messages[i];
  if (msg === undefined) throw new RangeError('message index out of range');
  return createSession(
    round.key,
    round.signers.map((s) => {
      const pair = s.pairs[i];
      if (pair === undefined)
        throw new InvalidSessionError(`signer has no commitments for message ${i}`);
      return { id: s.id, hiding: pair.hiding, binding: pair.binding };
    }),
    msg,
  );
}

/** Every key id of the signing set, ascending: the Lagrange set. */
export function roundKeyIds(round: Round): bigint[] {
  const out: bigint[] = [];
  for (const s of round.signers) out.push(...s.keyIds);
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A scalar in [1, n): what every nonce must be. */
function isNonce(k: unknown): k is bigint {
  return typeof k === 'bigint' && k > 0n && k < N;
}

/**
 * Checks a signer's own nonces against the round before any share is computed: one pair per
 * message, each nonce a scalar in [1, n) and matching the commitment the round assigns it
 * (d·G = D, e·G = E, constant time: RFC 9591 §5.2 "the signer's own commitments"). So a zero,
 * out-of-range or corrupted nonce, or a coordinator substituting commitments, never signs.
 * Messages name indices, never nonce values.
 */
export function checkOwnNonces(signer: RoundSigner, nonces: readonly NoncePair[]): void {
  if (nonces.length !== signer.pairs.length)
    throw new InvalidSessionError(
      `the round has ${signer.pairs.length} commitment pair(s) for this signer, the nonces ${nonces.length}`,
    );
  nonces.forEach((p, i) => {
    if (!isNonce(p?.hiding) || !isNonce(p?.binding))
      throw new RangeError(`nonce pair ${i} is not in [1, n)`);
    const c = signer.pairs[i]!;
    if (!mulBaseSecret(p.hiding).equals(c.hiding) || !mulBaseSecret(p.binding).equals(c.binding))
      throw new InvalidSessionError(`nonce pair ${i} does not match its commitments`);
  });
}

/**
 * z_p for every message of the round (RFC 9591 §5.2, generalised to a set of key ids):
 * z_p = s_R·(d + e·ρ_p) + c·Σ_{k∈K_p} λ_k·x_k' with λ over all key ids of the round and x_k' the
 * key-id secret mapped to the signing key (even y, tweak). The signer must be in the round once
 * with commitments that match its nonces (`checkOwnNonces`). `keyShares` gives x_k for every
 * key id of the signer; the caller marks the nonces used.
 */
export function signRound(
  round: Round,
  id: bigint,
  nonces: readonly NoncePair[],
  keyShares: ReadonlyMap<bigint, bigint>,
  lagrange?: LagrangeCache,
): bigint[] {
  const index = round.signers.findIndex((s) => s.id === id);
  if (index < 0) throw new InvalidSessionError('the round does not contain this signer');
  const me = round.signers[index]!;
  checkOwnNonces(me, nonces);
  for (const k of me.keyIds) {
    const x = keyShares.get(k);
    if (typeof x !== 'bigint' || x < 0n || x >= N)
      throw new RangeError(`the secret of key id ${k} is missing or not in [0, n)`);
  }
  const all = roundKeyIds(round);
  let lambdas: bigint[];
  if (lagrange) {
    const table = lagrange.get(all);
    lambdas = me.keyIds.map((k) => table.get(k)!);
  } else lambdas = lagrangeCoefficients(all, me.keyIds);
  const terms = me.keyIds.map((k, j) => ({ lambda: lambdas[j]!, share: keyShares.get(k)! }));
  return round.messages.map((_, i) => {
    const pair = nonces[i]!;
    return computeShare(messageSession(round, i), index, pair.hiding, pair.binding, terms);
  });
}
