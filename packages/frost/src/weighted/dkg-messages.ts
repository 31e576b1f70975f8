/**
 * DKG messages of the weighted scheme and their byte formats (docs/protocol/crypto.md).
 * Round 1 is broadcast; round 2 goes to one recipient (encrypted); complaints are broadcast.
 * A malformed message is an `InvalidEncodingError` naming it.
 * @module
 */
import { normalizeZ } from '@noble/curves/abstract/curve.js';
import { concatBytes } from '@noble/hashes/utils.js';
import { InvalidEncodingError } from '../errors.ts';
import { fadd, red } from '../math/field.ts';
import { decodePoint, encodePoint, Point, type Point as PointT } from '../math/point.ts';
import { type DleqProof, decodeDleq, encodeDleq } from './dleq.ts';
import { readU32, u32 } from './encoding.ts';
import { decodePok, encodePok, type SchnorrPok } from './pok.ts';
import { SHARE_CIPHERTEXT_LENGTH } from './share-cipher.ts';

export const DKG_ID_LENGTH = 32;

/** Round 1: one polynomial per party, whatever its weight. */
export interface DkgRound1 {
  readonly dkgId: Uint8Array;
  readonly partyId: number;
  /** A_j = a_j·G for j < threshold (the constant term first). */
  readonly commitments: readonly PointT[];
  /** Proof of knowledge of a_0, bound to dkgId and partyId. */
  readonly pok: SchnorrPok;
  /** Fresh key-exchange public key of this DKG, with its own proof of possession. */
  readonly kexPublic: PointT;
  readonly kexPok: SchnorrPok;
  /** The canonical encoding; the echo hash covers exactly these bytes. */
  readonly bytes: Uint8Array;
}

/** Round 2: the sender's shares f_sender(k) for every key id k of one recipient, encrypted. */
export interface DkgRound2 {
  readonly dkgId: Uint8Array;
  readonly sender: number;
  readonly recipient: number;
  readonly shares: readonly { readonly keyId: number; readonly ciphertext: Uint8Array }[];
}

/** A recipient's complaint: the pair's ECDH point and a DLEQ proof that it is correct. */
export interface DkgComplaint {
  readonly dkgId: Uint8Array;
  readonly complainer: number;
  readonly accused: number;
  readonly ecdh: PointT;
  readonly proof: DleqProof;
}

function assertDkgId(dkgId: Uint8Array): void {
  if (!(dkgId instanceof Uint8Array) || dkgId.length !== DKG_ID_LENGTH)
    throw new RangeError('dkgId must be 32 bytes');
}

const UNCOMPRESSED = 65;

/**
 * dkgId(32) ‖ partyId(u32) ‖ T(u32) ‖ T × commitment (65-byte uncompressed SEC1) ‖ pok(65) ‖
 * kexPublic(33) ‖ kexPok(65). Commitments are uncompressed on purpose: decoding a compressed
 * point costs a square root (~76 µs), 22x an on-curve check, and a party at 150 x 2800 decodes
 * 420,000 of them (docs/protocol/crypto.md).
 */
export function encodeRound1(m: Omit<DkgRound1, 'bytes'>): Uint8Array {
  assertDkgId(m.dkgId);
  const T = m.commitments.length;
  const out = new Uint8Array(32 + 8 + T * UNCOMPRESSED + 65 + 33 + 65);
  out.set(m.dkgId, 0);
  out.set(u32(m.partyId), 32);
  out.set(u32(T), 36);
  let o = 40;
  for (const A of normalizeZ(Point, [...m.commitments])) {
    if (A.is0()) throw new InvalidEncodingError('commitment', 'is the identity');
    out.set(A.toBytes(false), o);
    o += UNCOMPRESSED;
  }
  out.set(encodePok(m.pok), o);
  out.set(encodePoint(m.kexPublic), o + 65);
  out.set(encodePok(m.kexPok), o + 98);
  return out;
}

export function decodeRound1(bytes: Uint8Array, maxLength: number): DkgRound1 {
  if (!(bytes instanceof Uint8Array) || bytes.length < 40)
    throw new InvalidEncodingError('round 1', 'too short');
  const partyId = readU32(bytes, 32);
  const T = readU32(bytes, 36);
  if (T < 1 || T > maxLength)
    throw new InvalidEncodingError(`round 1 of party ${partyId}`, 'bad polynomial length');
  if (bytes.length !== 40 + T * UNCOMPRESSED + 163)
    throw new InvalidEncodingError(`round 1 of party ${partyId}`, 'wrong size');
  const commitments = decodeUncompressedPoints(
    bytes.subarray(40, 40 + T * UNCOMPRESSED),
    `round 1 of party ${partyId}`,
  );
  const o = 40 + T * UNCOMPRESSED;
  return {
    dkgId: bytes.slice(0, 32),
    partyId,
    commitments,
    pok: decodePok(bytes.subarray(o, o + 65), `round 1 of party ${partyId}: pok`),
    kexPublic: decodePoint(
      bytes.subarray(o + 65, o + 98),
      `round 1 of party ${partyId}: kexPublic`,
    ),
    kexPok: decodePok(bytes.subarray(o + 98, o + 163), `round 1 of party ${partyId}: kexPok`),
    // A copy: the echo hash covers these bytes, and the caller may reuse its buffer.
    bytes: bytes.slice(),
  };
}

const FP = Point.Fp.ORDER;

function read256(view: DataView, o: number): bigint {
  return (
    (((view.getBigUint64(o) << 64n) | view.getBigUint64(o + 8)) << 128n) |
    (view.getBigUint64(o + 16) << 64n) |
    view.getBigUint64(o + 24)
  );
}

/**
 * Strict: 0x04 prefix, x and y < p, y² = x³ + 7. Hot path (420,000 points per party at
 * 150 x 2800): read with DataView and check the curve equation directly, ~4x faster than
 * noble's generic decoder; the checks are the same.
 */
export function decodeUncompressedPoints(bytes: Uint8Array, what: string): PointT[] {
  const out: PointT[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let o = 0; o < bytes.length; o += UNCOMPRESSED) {
    const i = o / UNCOMPRESSED;
    if (bytes[o] !== 4)
      throw new InvalidEncodingError(`${what}: commitment ${i}`, 'is not uncompressed');
    const x = read256(view, o + 1);
    const y = read256(view, o + 33);
    if (x >= FP || y >= FP || red(y * y) !== fadd(red(red(x * x) * x), 7n)) {
      throw new InvalidEncodingError(`${what}: commitment ${i}`, 'is not on secp256k1');
    }
    out.push(new Point(x, y, 1n));
  }
  return out;
}

/** dkgId(32) ‖ sender(u32) ‖ recipient(u32) ‖ count(u32) ‖ count × (keyId(u32) ‖ ciphertext(48)). */
export function encodeRound2(m: DkgRound2): Uint8Array {
  assertDkgId(m.dkgId);
  const parts: Uint8Array[] = [m.dkgId, u32(m.sender), u32(m.recipient), u32(m.shares.length)];
  for (const s of m.shares) {
    if (s.ciphertext.length !== SHARE_CIPHERTEXT_LENGTH)
      throw new RangeError('round 2: bad ciphertext length');
    parts.push(u32(s.keyId), s.ciphertext);
  }
  return concatBytes(...parts);
}

export function decodeRound2(bytes: Uint8Array): DkgRound2 {
  if (!(bytes instanceof Uint8Array) || bytes.length < 44)
    throw new InvalidEncodingError('round 2', 'too short');
  const count = readU32(bytes, 40);
  const item = 4 + SHARE_CIPHERTEXT_LENGTH;
  if (bytes.length !== 44 + count * item) throw new InvalidEncodingError('round 2', 'wrong size');
  const shares: { keyId: number; ciphertext: Uint8Array }[] = [];
  for (let i = 0, o = 44; i < count; i++, o += item) {
    shares.push({ keyId: readU32(bytes, o), ciphertext: bytes.slice(o + 4, o + item) });
  }
  return {
    dkgId: bytes.slice(0, 32),
    sender: readU32(bytes, 32),
    recipient: readU32(bytes, 36),
    shares,
  };
}

/** dkgId(32) ‖ complainer(u32) ‖ accused(u32) ‖ ecdh(33) ‖ proof c(32) ‖ z(32): 137 bytes. */
export function encodeComplaint(c: DkgComplaint): Uint8Array {
  assertDkgId(c.dkgId);
  return concatBytes(
    c.dkgId,
    u32(c.complainer),
    u32(c.accused),
    encodePoint(c.ecdh),
    encodeDleq(c.proof),
  );
}

export function decodeComplaint(bytes: Uint8Array): DkgComplaint {
  if (!(bytes instanceof Uint8Array) || bytes.length !== 137)
    throw new InvalidEncodingError('complaint', 'expected 137 bytes');
  return {
    dkgId: bytes.slice(0, 32),
    complainer: readU32(bytes, 32),
    accused: readU32(bytes, 36),
    ecdh: decodePoint(bytes.subarray(40, 73), 'complaint ecdh'),
    proof: decodeDleq(bytes.subarray(73)),
  };
}

/** Builds a round-1 message from its fields, with its canonical bytes (what the echo covers). */
export function makeRound1(fields: Omit<DkgRound1, 'bytes'>): DkgRound1 {
  return { ...fields, bytes: encodeRound1(fields) };
}

/**
 * The last DKG message (broadcast): the sender's echo hash and the public shares Y_k = x_k·G of
 * its own key ids, which every party and the coordinator collect and check all at once
 * (`verifyKeyIdPublicShares`).
 */
export interface DkgEnd {
  readonly dkgId: Uint8Array;
  readonly partyId: number;
  readonly echo: Uint8Array;
  readonly keyIdPublicShares: readonly { readonly keyId: number; readonly share: PointT }[];
}

/** dkgId(32) ‖ partyId(u32) ‖ echo(32) ‖ count(u32) ‖ count × (keyId(u32) ‖ Y_k(33)). */
export function encodeDkgEnd(m: DkgEnd): Uint8Array {
  assertDkgId(m.dkgId);
  if (!(m.echo instanceof Uint8Array) || m.echo.length !== 32)
    throw new RangeError('echo must be 32 bytes');
  const parts: Uint8Array[] = [m.dkgId, u32(m.partyId), m.echo, u32(m.keyIdPublicShares.length)];
  for (const s of m.keyIdPublicShares) parts.push(u32(s.keyId), encodePoint(s.share));
  return concatBytes(...parts);
}

export function decodeDkgEnd(bytes: Uint8Array): DkgEnd {
  if (!(bytes instanceof Uint8Array) || bytes.length < 72)
    throw new InvalidEncodingError('DKG end', 'too short');
  const partyId = readU32(bytes, 32);
  const count = readU32(bytes, 68);
  if (bytes.length !== 72 + 37 * count)
    throw new InvalidEncodingError(`DKG end of party ${partyId}`, 'wrong size');
  const keyIdPublicShares: { keyId: number; share: PointT }[] = [];
  for (let i = 0, o = 72; i < count; i++, o += 37) {
    const keyId = readU32(bytes, o);
    keyIdPublicShares.push({
      keyId,
      share: decodePoint(bytes.subarray(o + 4, o + 37), `DKG end of party ${partyId}: Y_${keyId}`),
    });
  }
  return { dkgId: bytes.slice(0, 32), partyId, echo: bytes.slice(36, 68), keyIdPublicShares };
}
