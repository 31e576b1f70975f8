import { msm } from '../math/msm.ts';
import { mulBasePublic, mulBaseSecret, mulPublic } from '../math/point.ts';
import {
  concat,
  G,
  N,
  type Point,
  pointFromBytes,
  pointToBytes,
  type RandomBytes,
  randomScalar,
  randomWeight,
  scalarFromBytes,
  scalarToBytes,
  u32,
} from './encoding.ts';
import { WeightedError } from './errors.ts';
import { hashToScalar } from './hash.ts';

/**
 * Schnorr proof of knowledge of the discrete log of `pub`, bound to a DKG id and a party id
 * (rogue-key defence: a party cannot pick its constant-term commitment as a function of others').
 * Encoded as R (33 bytes compressed) ‖ mu (32 bytes): 65 bytes.
 */
export interface SchnorrPok {
  readonly R: Point;
  readonly mu: bigint;
}

function challenge(dst: string, dkgId: Uint8Array, partyId: number, pub: Point, R: Point): bigint {
  return hashToScalar(dst, dkgId, u32(partyId), pointToBytes(pub), pointToBytes(R));
}

export function provePok(
  dst: string,
  dkgId: Uint8Array,
  partyId: number,
  secret: bigint,
  pub: Point,
  random: RandomBytes,
): SchnorrPok {
  const k = randomScalar(random);
  const R = mulBaseSecret(k);
  const c = challenge(dst, dkgId, partyId, pub, R);
  return { R, mu: (k + c * secret) % N };
}

function verifyPok(
  dst: string,
  dkgId: Uint8Array,
  partyId: number,
  pub: Point,
  proof: SchnorrPok,
): boolean {
  const c = challenge(dst, dkgId, partyId, pub, proof.R);
  // mu·G − c·pub == R
  return mulBasePublic(proof.mu).add(mulPublic(pub, c).negate()).equals(proof.R);
}

export interface PokItem {
  readonly dst: string;
  readonly partyId: number;
  readonly pub: Point;
  readonly proof: SchnorrPok;
}

/**
 * Checks many proofs at once: Σ w_i·(mu_i·G − c_i·pub_i − R_i) == 0 with an independent random
 * 128-bit weight per proof, so errors cannot cancel (a plain sum could be bypassed). Returns the
 * indices of bad proofs: on a failed batch every proof is re-checked alone to find them.
 */
export function batchVerifyPoks(
  dkgId: Uint8Array,
  items: readonly PokItem[],
  random: RandomBytes,
): number[] {
  if (items.length === 0) return [];
  const points: Point[] = [G];
  const scalars: bigint[] = [0n];
  let gs = 0n;
  for (const it of items) {
    const w = randomWeight(random);
    const c = challenge(it.dst, dkgId, it.partyId, it.pub, it.proof.R);
    gs = (gs + w * it.proof.mu) % N;
    points.push(it.pub, it.proof.R);
    scalars.push((N - ((w * c) % N)) % N, N - w);
  }
  scalars[0] = gs;
  if (msm(points, scalars).is0()) return [];
  const bad: number[] = [];
  items.forEach((it, i) => {
    if (!verifyPok(it.dst, dkgId, it.partyId, it.pub, it.proof)) bad.push(i);
  });
  return bad;
}

export function encodePok(p: SchnorrPok): Uint8Array {
  return concat(pointToBytes(p.R), scalarToBytes(p.mu));
}

export function decodePok(bytes: Uint8Array, what: string): SchnorrPok {
  if (!(bytes instanceof Uint8Array) || bytes.length !== 65) {
    throw new WeightedError('INVALID_PROOF', `${what}: expected 65 bytes`);
  }
  return {
    R: pointFromBytes(bytes.subarray(0, 33), `${what}.R`),
    mu: scalarFromBytes(bytes.subarray(33), `${what}.mu`, true),
  };
}
