import {
  concat,
  type Point,
  Point as PointCons,
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

/**
 * Nonce commitments travel uncompressed (65 bytes): decoding checks the curve equation
 * (~3.5 µs) instead of taking a square root (~76 µs), and a coordinator or party at 150 parties
 * decodes hundreds per message. The compressed form the binding factors hash is derived from
 * the same bytes (prefix 02/03 by the parity of y, then x), so nothing is re-encoded.
 */
function decodeCommitmentPoint(bytes: Uint8Array, what: string): Point {
  if (bytes.length !== 65 || bytes[0] !== 4)
    throw new WeightedError('MALFORMED_ELEMENT', `${what}: expected a 65-byte uncompressed point`);
  let p: Point;
  try {
    p = PointCons.fromBytes(bytes);
  } catch {
    throw new WeightedError('MALFORMED_ELEMENT', `${what}: not a point on secp256k1`);
  }
  const compressed = new Uint8Array(33);
  compressed[0] = ((bytes[64] as number) & 1) === 1 ? 3 : 2;
  compressed.set(bytes.subarray(1, 33), 1);
  encoded.set(p, compressed);
  return p;
}

/** partyId(u32) ‖ m(u32) ‖ m × (D(65) ‖ E(65)), points uncompressed. */
export function encodePartyCommitments(c: PartyCommitments): Uint8Array {
  const parts = [u32(c.partyId), u32(c.pairs.length)];
  for (const p of c.pairs) parts.push(uncompressed(p.hiding), uncompressed(p.binding));
  return concat(...parts);
}

function uncompressed(p: Point): Uint8Array {
  if (p.is0()) throw new WeightedError('MALFORMED_ELEMENT', 'cannot encode the identity');
  return p.toBytes(false);
}

export function decodePartyCommitments(bytes: Uint8Array): PartyCommitments {
  if (!(bytes instanceof Uint8Array) || bytes.length < 8)
    throw new WeightedError('INVALID_INPUT', 'commitments: too short');
  const partyId = readU32(bytes, 0);
  const m = readU32(bytes, 4);
  if (bytes.length !== 8 + 130 * m)
    throw new WeightedError('INVALID_INPUT', `commitments of party ${partyId}: wrong size`);
  const pairs: NonceCommitment[] = [];
  for (let i = 0, o = 8; i < m; i++, o += 130) {
    pairs.push({
      hiding: decodeCommitmentPoint(
        bytes.subarray(o, o + 65),
        `commitments of party ${partyId}: D[${i}]`,
      ),
      binding: decodeCommitmentPoint(
        bytes.subarray(o + 65, o + 130),
        `commitments of party ${partyId}: E[${i}]`,
      ),
    });
  }
  return { partyId, pairs };
}

/**
 * m(u32) ‖ m × (len(u32) ‖ message) ‖ count(u32) ‖ count × encodePartyCommitments (each
 * 8 + 130·m bytes).
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
  const size = 8 + 130 * m;
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
