/**
 * Schnorr proof of knowledge of the discrete log of `pub`, bound to a DKG id and a party id
 * (rogue-key defence: a party cannot pick its constant-term commitment as a function of others').
 * The proof and its batch check are the VSS core's (`keys/vss.ts`); this module gives the
 * weighted layer's challenge and encoding: R (33 bytes compressed) ‖ mu (32 bytes), 65 bytes.
 * @module
 */
import { concatBytes } from '@noble/hashes/utils.js';
import { InvalidEncodingError } from '../errors.ts';
import { hashToScalar } from '../hash.ts';
import { invalidProofs, type KnowledgeProof, proveKnowledge } from '../keys/vss.ts';
import { decodePoint, encodePoint, type Point } from '../math/point.ts';
import { decodeScalar, encodeScalar } from '../math/scalar.ts';
import { type RNG, randomBytesFrom } from '../random.ts';
import { u32 } from './encoding.ts';

/** A proof of knowledge: R = k·G and mu = k + c·secret. */
export type SchnorrPok = KnowledgeProof;

function challenge(dst: string, dkgId: Uint8Array, partyId: number, pub: Point, R: Point): bigint {
  return hashToScalar(dst, dkgId, u32(partyId), encodePoint(pub), encodePoint(R));
}

/** Proves knowledge of `secret` (pub = secret·G) for party `partyId` of DKG `dkgId`. */
export function provePok(
  dst: string,
  dkgId: Uint8Array,
  partyId: number,
  secret: bigint,
  pub: Point,
  random: RNG,
): SchnorrPok {
  return proveKnowledge(secret, random, (R) => challenge(dst, dkgId, partyId, pub, R));
}

/** A proof to check: its domain tag, the party it binds, the public key and the proof. */
export interface PokItem {
  readonly dst: string;
  readonly partyId: number;
  readonly pub: Point;
  readonly proof: SchnorrPok;
}

/**
 * Checks many proofs at once (one random-weight MSM, `invalidProofs`) and returns the indices
 * of the bad ones (each re-checked alone only when the batch fails).
 */
export function batchVerifyPoks(
  dkgId: Uint8Array,
  items: readonly PokItem[],
  random: RNG,
): number[] {
  return invalidProofs(
    items.map((it) => ({
      pub: it.pub,
      proof: it.proof,
      c: challenge(it.dst, dkgId, it.partyId, it.pub, it.proof.R),
    })),
    [randomBytesFrom(random, 32), dkgId],
  );
}

export function encodePok(p: SchnorrPok): Uint8Array {
  return concatBytes(encodePoint(p.R), encodeScalar(p.mu));
}

export function decodePok(bytes: Uint8Array, what: string): SchnorrPok {
  if (!(bytes instanceof Uint8Array) || bytes.length !== 65)
    throw new InvalidEncodingError(what, 'expected 65 bytes');
  return {
    R: decodePoint(bytes.subarray(0, 33), `${what}.R`),
    mu: decodeScalar(bytes.subarray(33), `${what}.mu`),
  };
}
