import {
  concat,
  type Point,
  pointFromBytes,
  pointToBytes,
  readU32,
  scalarFromBytes,
  scalarToBytes,
  u32,
} from './encoding.ts';
import { WeightedError } from './errors.ts';

/**
 * Signing-round payloads of the weighted scheme (docs/protocol/crypto.md, "Signing").
 * A round signs m messages at once; each party commits one nonce pair per message.
 */
export interface NonceCommitment {
  readonly hiding: Point;
  readonly binding: Point;
}

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

// Encoding a point costs an inversion and decoding one a square root, so the compressed bytes
// of every commitment that came off the wire (or was made here) are remembered for hashing.
const encoded = new WeakMap<Point, Uint8Array>();

export function commitmentBytes(p: Point): Uint8Array {
  let b = encoded.get(p);
  if (b === undefined) {
    b = pointToBytes(p);
    encoded.set(p, b);
  }
  return b;
}

function decodeCommitmentPoint(bytes: Uint8Array, what: string): Point {
  const p = pointFromBytes(bytes, what);
  encoded.set(p, bytes.slice());
  return p;
}

/**
 * partyId(u32) ‖ m(u32) ‖ m × (D(33) ‖ E(33)), compressed like every point outside DKG
 * commitment vectors. (Uncompressed nonces would save the square root of each decoding, about
 * 1/15 of a verify per point: ~14 verifies per message at 105 signing parties; see
 * docs/benchmarks.md.)
 */
export function encodePartyCommitments(c: PartyCommitments): Uint8Array {
  const parts = [u32(c.partyId), u32(c.pairs.length)];
  for (const p of c.pairs) parts.push(commitmentBytes(p.hiding), commitmentBytes(p.binding));
  return concat(...parts);
}

export function decodePartyCommitments(bytes: Uint8Array): PartyCommitments {
  if (!(bytes instanceof Uint8Array) || bytes.length < 8)
    throw new WeightedError('INVALID_INPUT', 'commitments: too short');
  const partyId = readU32(bytes, 0);
  const m = readU32(bytes, 4);
  if (bytes.length !== 8 + 66 * m)
    throw new WeightedError('INVALID_INPUT', `commitments of party ${partyId}: wrong size`);
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
  return concat(...parts);
}

export function decodeSigningPackage(bytes: Uint8Array): SigningPackage {
  const need = (o: number, n: number): void => {
    if (o + n > bytes.length)
      throw new WeightedError('INVALID_INPUT', 'signing package: truncated');
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
    throw new WeightedError('INVALID_INPUT', 'signing package: wrong size');
  const commitments: PartyCommitments[] = [];
  for (let i = 0; i < count; i++, o += size)
    commitments.push(decodePartyCommitments(bytes.subarray(o, o + size)));
  return { messages, commitments };
}

/** partyId(u32) ‖ m(u32) ‖ m × z(32). */
export function encodeSignatureShares(s: SignatureShares): Uint8Array {
  return concat(u32(s.partyId), u32(s.shares.length), ...s.shares.map(scalarToBytes));
}

export function decodeSignatureShares(bytes: Uint8Array): SignatureShares {
  if (!(bytes instanceof Uint8Array) || bytes.length < 8)
    throw new WeightedError('INVALID_INPUT', 'signature shares: too short');
  const partyId = readU32(bytes, 0);
  const m = readU32(bytes, 4);
  if (bytes.length !== 8 + 32 * m)
    throw new WeightedError('INVALID_INPUT', `signature shares of party ${partyId}: wrong size`);
  const shares: bigint[] = [];
  for (let i = 0; i < m; i++)
    shares.push(
      scalarFromBytes(
        bytes.subarray(8 + 32 * i, 40 + 32 * i),
        `share ${i} of party ${partyId}`,
        true,
      ),
    );
  return { partyId, shares };
}
