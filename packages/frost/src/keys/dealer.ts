/**
 * Trusted-dealer key generation, share validation and secret recombination
 * (RFC 9591 Appendix C). Randomness is consumed exactly as `@noble/curves` does, so both
 * libraries produce identical keys from identical RNG output.
 * @module
 */
import { aarray } from '../assert.ts';
import { type Identifier, InvalidSecretShareError, InvalidSessionError } from '../errors.ts';
import { identifierFromNumber, identifierToHex, parseIdentifier } from '../identifier.ts';
import { decodePoint, encodePoint, mulBaseSecret } from '../math/point.ts';
import { evaluate, evaluateInExponent, lagrangeCoefficients } from '../math/polynomial.ts';
import { add, decodeScalar, encodeScalar, mul } from '../math/scalar.ts';
import type { RNG } from '../random.ts';
import { parsePublic, parseSecret, validateSigners } from './packages.ts';
import type { DealerShares, FrostPublic, FrostSecret, Signers } from './types.ts';
import { type SecretPolynomial, secretPolynomial } from './vss.ts';

export type { SecretPolynomial };

/** Samples the polynomial: a_0 = secret or random, then min−1 random coefficients. */
export function generateSecretPolynomial(
  signers: Signers,
  secret: Uint8Array | undefined,
  rng: RNG,
): SecretPolynomial {
  // Exported on its own: min 0 or 1 would otherwise yield a constant "polynomial".
  const { min } = validateSigners(signers);
  return secretPolynomial(
    min,
    rng,
    secret === undefined ? undefined : decodeScalar(secret, 'secret', true),
  );
}

/** RFC 9591 Appendix C: shares f(id) for `max` participants (default ids 1..max). */
export function trustedDealer(
  signersIn: Signers,
  identifiers: readonly Identifier[] | undefined,
  secret: Uint8Array | undefined,
  rng: RNG,
): DealerShares {
  const signers = validateSigners(signersIn);
  let ids: Identifier[];
  if (identifiers === undefined)
    ids = Array.from({ length: signers.max }, (_, i) => identifierFromNumber(i + 1));
  else {
    aarray(identifiers, 'identifiers');
    if (identifiers.length !== signers.max)
      throw new RangeError(
        `"identifiers" expected ${signers.max} entries, got ${identifiers.length}`,
      );
    ids = [...identifiers];
  }
  const nums = new Map<Identifier, bigint>();
  ids.forEach((id, i) => {
    const n = parseIdentifier(id, `identifiers[${i}]`);
    if (nums.has(id)) throw new InvalidSessionError(`duplicate identifier ${id}`);
    nums.set(id, n);
  });
  const poly = generateSecretPolynomial(signers, secret, rng);
  const secretShares: Record<Identifier, FrostSecret> = {};
  const verifyingShares: Record<Identifier, Uint8Array> = {};
  for (const id of ids) {
    const share = evaluate(poly.coefficients, nums.get(id)!);
    secretShares[id] = { identifier: id, signingShare: encodeScalar(share) };
    verifyingShares[id] = encodePoint(mulBaseSecret(share));
  }
  return {
    public: {
      signers,
      commitments: poly.commitment.map(encodePoint),
      verifyingShares,
    },
    secretShares,
  };
}

/** vss_verify: s_i·G == Σ_j id^j·C_j; throws `InvalidSecretShareError` otherwise. */
export function validateSecret(secret: FrostSecret, pub: FrostPublic): void {
  const s = parseSecret(secret);
  parsePublic(pub);
  const commitments = pub.commitments.map((c, i) => decodePoint(c, `pub.commitments[${i}]`));
  if (!mulBaseSecret(s.share).equals(evaluateInExponent(commitments, s.id)))
    throw new InvalidSecretShareError([]);
}

/** Recombines the group secret from ≥ min shares by Lagrange interpolation at 0. */
export function combineSecret(shares: readonly FrostSecret[], signersIn: Signers): Uint8Array {
  aarray(shares, 'shares');
  const signers = validateSigners(signersIn);
  if (shares.length < signers.min || shares.length > signers.max)
    throw new RangeError(
      `"shares" expected ${signers.min}..${signers.max} entries, got ${shares.length}`,
    );
  const parsed = shares.map((s, i) => parseSecret(s, `shares[${i}]`));
  const seen = new Set<bigint>();
  for (const p of parsed) {
    if (seen.has(p.id))
      throw new InvalidSessionError(`duplicate identifier ${identifierToHex(p.id)}`);
    seen.add(p.id);
  }
  const lambdas = lagrangeCoefficients(parsed.map((p) => p.id));
  let secret = 0n;
  parsed.forEach((p, i) => {
    secret = add(secret, mul(lambdas[i]!, p.share));
  });
  return encodeScalar(secret);
}
