/**
 * Randomness is passed in (noble `rng?: RNG`, ZF `R: CryptoRng`): one RNG type and the two
 * ways the package consumes it, both exactly as noble does.
 * @module
 */
import { randomBytes } from '@noble/hashes/utils.js';
import { afunction } from './assert.ts';
import { scalarFromRandom } from './math/scalar.ts';

/** Random byte source: returns `n` cryptographically secure random bytes. */
export type RNG = (n: number) => Uint8Array;

/** The caller's RNG, checked, or noble's `randomBytes` (WebCrypto) when none is given. */
export function rngOr(rng: RNG | undefined): RNG {
  if (rng === undefined) return randomBytes;
  afunction(rng, 'rng');
  return rng;
}

/** Calls `rng(n)` and checks that it returned n bytes. */
export function randomBytesFrom(rng: RNG, n: number): Uint8Array {
  const out = rng(n);
  if (!(out instanceof Uint8Array) || out.length !== n)
    throw new TypeError(`"rng" must return a Uint8Array of length ${n}`);
  return out;
}

/**
 * A random non-zero scalar from 48 RNG bytes: int(bytes) mod (n − 1) + 1, exactly noble's
 * `randomScalar` (bias below 2^-128), so both libraries derive identical keys from identical
 * RNG output.
 */
export function randomScalar(rng: RNG): bigint {
  return scalarFromRandom(randomBytesFrom(rng, 48));
}
