/**
 * Chaum-Pedersen proof that log_G(A) == log_B(K): the prover knows `a` with A = a·G and
 * K = a·B. In a complaint, A is the complainer's key-exchange public key, B the accused's, and
 * K their ECDH point; the proof lets anyone check K without learning `a`.
 * Encoded as c (32 bytes) ‖ z (32 bytes): 64 bytes.
 * @module
 */
import { concatBytes } from '@noble/hashes/utils.js';
import { InvalidEncodingError } from '../errors.ts';
import { hashToScalar } from '../hash.ts';
import {
  encodePoint,
  mulBasePublic,
  mulBaseSecret,
  mulPublic,
  mulSecret,
  type Point,
} from '../math/point.ts';
import { decodeScalar, encodeScalar, N } from '../math/scalar.ts';
import { type RNG, randomScalar } from '../random.ts';
import { TAG } from './tags.ts';

export interface DleqProof {
  readonly c: bigint;
  readonly z: bigint;
}

function challenge(
  context: Uint8Array,
  A: Point,
  B: Point,
  K: Point,
  R1: Point,
  R2: Point,
): bigint {
  return hashToScalar(
    TAG.dleq,
    context,
    encodePoint(A),
    encodePoint(B),
    encodePoint(K),
    encodePoint(R1),
    encodePoint(R2),
  );
}

/** Proves K = a·B for A = a·G (constant time in `a` and the nonce). */
export function proveDleq(
  context: Uint8Array,
  a: bigint,
  B: Point,
  random: RNG,
): { K: Point; proof: DleqProof } {
  // Checked here: noble's range error prints the scalar, and `a` is a secret key.
  if (typeof a !== 'bigint' || a <= 0n || a >= N)
    throw new RangeError('DLEQ secret is not in [1, n)');
  const A = mulBaseSecret(a);
  const K = mulSecret(B, a);
  const r = randomScalar(random);
  const c = challenge(context, A, B, K, mulBaseSecret(r), mulSecret(B, r));
  return { K, proof: { c, z: (r + c * a) % N } };
}

export function verifyDleq(
  context: Uint8Array,
  A: Point,
  B: Point,
  K: Point,
  proof: DleqProof,
): boolean {
  if (A.is0() || B.is0() || K.is0()) return false;
  const inRange = (x: unknown): boolean => typeof x === 'bigint' && x >= 0n && x < N;
  if (!inRange(proof?.c) || !inRange(proof?.z)) return false;
  const negC = (N - proof.c) % N;
  const R1 = mulBasePublic(proof.z).add(mulPublic(A, negC));
  const R2 = mulPublic(B, proof.z).add(mulPublic(K, negC));
  if (R1.is0() || R2.is0()) return false;
  return challenge(context, A, B, K, R1, R2) === proof.c;
}

export function encodeDleq(p: DleqProof): Uint8Array {
  return concatBytes(encodeScalar(p.c), encodeScalar(p.z));
}

export function decodeDleq(bytes: Uint8Array): DleqProof {
  if (!(bytes instanceof Uint8Array) || bytes.length !== 64)
    throw new InvalidEncodingError('DLEQ proof', 'expected 64 bytes');
  return {
    c: decodeScalar(bytes.subarray(0, 32), 'DLEQ proof c'),
    z: decodeScalar(bytes.subarray(32), 'DLEQ proof z'),
  };
}
