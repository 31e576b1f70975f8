/**
 * Round one (RFC 9591 §5.1): fresh nonces d, e = H3(random(32) ‖ SerializeScalar(s)) and their
 * commitments D = d·G, E = e·G.
 * @module
 */
import { abytes } from '../assert.ts';
import type { Ciphersuite } from '../ciphersuite.ts';
import { parseSecret, randomBytesFrom } from '../keys/packages.ts';
import type { FrostSecret, GenNonce, RNG } from '../keys/types.ts';
import { encodePoint, mulBaseSecret } from '../math/point.ts';
import { encodeScalar } from '../math/scalar.ts';

/** nonce_generate(secret): H3(random_bytes(32) ‖ SerializeScalar(secret)). */
export function nonceGenerate(suite: Ciphersuite, secret: Uint8Array, rng: RNG): bigint {
  // A shorter secret would be hashed silently; the message names the field, never its bytes.
  abytes(secret, 'secret', 32);
  const buf = new Uint8Array(64);
  buf.set(randomBytesFrom(rng, 32), 0);
  buf.set(secret, 32);
  const k = suite.H3(buf);
  buf.fill(0);
  // H3 yields 0 with probability 2^-256; a zero nonce would commit to the identity.
  if (k === 0n) throw new RangeError('nonce is zero');
  return k;
}

export function commit(suite: Ciphersuite, secret: FrostSecret, rng: RNG): GenNonce {
  const s = parseSecret(secret);
  const shareBytes = encodeScalar(s.share);
  const hiding = nonceGenerate(suite, shareBytes, rng);
  const binding = nonceGenerate(suite, shareBytes, rng);
  shareBytes.fill(0);
  return {
    nonces: { hiding: encodeScalar(hiding), binding: encodeScalar(binding) },
    commitments: {
      identifier: s.idHex,
      hiding: encodePoint(mulBaseSecret(hiding)),
      binding: encodePoint(mulBaseSecret(binding)),
    },
  };
}
