/**
 * Signing-round payloads of the weighted scheme (docs/protocol/crypto.md, "Signing").
 * A round signs m messages at once; each party commits one nonce pair per message.
 * @module
 */
import { concatBytes } from '@noble/hashes/utils.js';
import { InvalidEncodingError } from '../errors.ts';
import { decodePoint, type Point } from '../math/point.ts';
import { decodeScalar, encodeScalar } from '../math/scalar.ts';
import type { NonceCommitment } from '../sign/round1.ts';
import { pointBytes, rememberBytes } from '../sign/session.ts';
import { readU32, u32 } from './encoding.ts';

export type { NonceCommitment };

/** A party's round-1 answer: one (D, E) per message. */
export interface PartyCommitments {
  readonly partyId: number;
  readonly pairs: readonly NonceCommitment[];
}

/** What the coordinator sends: the messages and every chosen party's commitments. */
export interface SigningPackage {
  readonly messages: readonly Uint8Array[];
  /** Sorted by party id, each with exactly messages.length pairs. */
  readonly commitments: readonly PartyCommitments[];
}

/** A party's round-2 answer: z_p for each message, in message order. */
export interface SignatureShares {
  readonly partyId: number;
  readonly shares: readonly bigint[];
}

function decodeCommitmentPoint(bytes: Uint8Array, what: string): Point {
  return rememberBytes(decodePoint(bytes, what), bytes);
}

/**
 * partyId(u32) ‖ m(u32) ‖ m × (D(33) ‖ E(33)), compressed like every point outside DKG
 * commitment vectors. (Uncompressed nonces would save the square root of each decoding, about
 * 1/15 of a verify per point: ~14 verifies per message at 105 signing parties; see
 * docs/benchmarks.md.)
 */
export function encodePartyCommitments(c: PartyCommitments): Uint8Array {
  const parts = [u32(c.partyId), u32(c.pairs.length)];
  for (const p of c.pairs) parts.push(pointBytes(p.hiding), pointBytes(p.binding));
  return concatBytes(...parts);
}

export function decodePartyCommitments(bytes: Uint8Array): PartyCommitments {
  if (!(bytes instanceof Uint8Array) || bytes.length < 8)
    throw new InvalidEncodingError('commitments', 'too short');
  const partyId = readU32(bytes, 0);
  const m = readU32(bytes, 4);
  if (bytes.length !== 8 + 66 * m)
    throw new InvalidEncodingError(`commitments of party ${partyId}`, 'wrong size');
  const pairs: NonceCommitment[] = [];
  for (let i = 0, o = 8; i < m; i++, o += 66) {
    pairs.push({
      hiding: decodeCommitmentPoint(
        bytes.subarray(o, o + 33),
        `commitments of party ${partyId}: D[${i}]`,
      ),
      binding: decodeCommitmentPoint(
        bytes.subarray(o + 33, o + 66),
        `commitments of party ${partyId}: E[${i}]`,
      ),
    });
  }
  return { partyId, pairs };
}

/**
 * m(u32) ‖ m × (len(u32) ‖ message) ‖ count(u32) ‖ count × encodePartyCommitments (each
 * 8 + 66·m bytes).
 */
export function encodeSigningPackage(pkg: SigningPackage): Uint8Array {
  const parts: Uint8Array[] = [u32(pkg.messages.length)];
  for (const msg of pkg.messages) parts.push(u32(msg.length), msg);
  parts.push(u32(pkg.commitments.length));
  for (const c of pkg.commitments) parts.push(encodePartyCommitments(c));
  return concatBytes(...parts);
}

export function decodeSigningPackage(bytes: Uint8Array): SigningPackage {
  const need = (o: number, n: number): void => {
    if (o + n > bytes.length) throw new InvalidEncodingError('signing package', 'truncated');
  };
  need(0, 4);
  const m = readU32(bytes, 0);
  let o = 4;
  const messages: Uint8Array[] = [];
  for (let i = 0; i < m; i++) {
    need(o, 4);
    const len = readU32(bytes, o);
    need(o + 4, len);
    messages.push(bytes.slice(o + 4, o + 4 + len));
    o += 4 + len;
  }
  need(o, 4);
  const count = readU32(bytes, o);
  o += 4;
  const size = 8 + 66 * m;
  if (bytes.length !== o + count * size)
    throw new InvalidEncodingError('signing package', 'wrong size');
  const commitments: PartyCommitments[] = [];
  for (let i = 0; i < count; i++, o += size)
    commitments.push(decodePartyCommitments(bytes.subarray(o, o + size)));
  return { messages, commitments };
}

/** partyId(u32) ‖ m(u32) ‖ m × z(32). */
export function encodeSignatureShares(s: SignatureShares): Uint8Array {
  return concatBytes(u32(s.partyId), u32(s.shares.length), ...s.shares.map((z) => encodeScalar(z)));
}

export function decodeSignatureShares(bytes: Uint8Array): SignatureShares {
  if (!(bytes instanceof Uint8Array) || bytes.length < 8)
    throw new InvalidEncodingError('signature shares', 'too short');
  const partyId = readU32(bytes, 0);
  const m = readU32(bytes, 4);
  if (bytes.length !== 8 + 32 * m)
    throw new InvalidEncodingError(`signature shares of party ${partyId}`, 'wrong size');
  const shares: bigint[] = [];
  for (let i = 0; i < m; i++)
    shares.push(
      decodeScalar(bytes.subarray(8 + 32 * i, 40 + 32 * i), `share ${i} of party ${partyId}`),
    );
  return { partyId, shares };
}
