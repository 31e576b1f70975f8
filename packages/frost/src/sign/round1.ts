/**
 * Round one (RFC 9591 §5.1): fresh nonces d, e = H3(random(32) ‖ SerializeScalar(s)) and their
 * commitments D = d·G, E = e·G; one pair per message to sign (the standard suites sign one).
 * @module
 */
import type { Ciphersuite } from '../ciphersuite.ts';
import { mulBaseSecret, type Point } from '../math/point.ts';
import { encodeScalar, N } from '../math/scalar.ts';
import { type RNG, randomBytesFrom } from '../random.ts';

/** Secret single-use nonces of one message. */
export type NoncePair = { readonly hiding: bigint; readonly binding: bigint };
/** Their public commitments D = d·G, E = e·G. */
export type NonceCommitment = { readonly hiding: Point; readonly binding: Point };

/** nonce_generate(secret): H3(random_bytes(32) ‖ SerializeScalar(secret)). */
export function nonceGenerate(suite: Ciphersuite, secret: bigint, rng: RNG): bigint {
  // Checked here: noble's range error prints the value, and it is a secret.
  if (typeof secret !== 'bigint' || secret < 0n || secret >= N)
    throw new RangeError('"secret" expected a scalar in [0, n)');
  const buf = new Uint8Array(64);
  buf.set(randomBytesFrom(rng, 32), 0);
  buf.set(encodeScalar(secret), 32);
  const k = suite.H3(buf);
  buf.fill(0);
  // H3 yields 0 with probability 2^-256; a zero nonce would commit to the identity.
  if (k === 0n) throw new RangeError('nonce is zero');
  return k;
}

/**
 * `count` nonce pairs and their commitments (constant-time base multiplications). RNG use per
 * pair: 32 bytes for the hiding nonce, then 32 for the binding nonce (as RFC 9591 and noble).
 */
export function commitNonces(
  suite: Ciphersuite,
  secret: bigint,
  count: number,
  rng: RNG,
): { pairs: NoncePair[]; commitments: NonceCommitment[] } {
  const pairs: NoncePair[] = [];
  const commitments: NonceCommitment[] = [];
  for (let i = 0; i < count; i++) {
    const hiding = nonceGenerate(suite, secret, rng);
    const binding = nonceGenerate(suite, secret, rng);
    pairs.push({ hiding, binding });
    commitments.push({ hiding: mulBaseSecret(hiding), binding: mulBaseSecret(binding) });
  }
  return { pairs, commitments };
}
