/**
 * The signing adapter of the state machines over @peg/frost's weighted layer (WSTS v2: one nonce
 * pair per party per message, Lagrange coefficients over key ids, FROST(secp256k1, SHA-256)-TR,
 * BIP340 signatures). The DKG adapter is `dkg-crypto.ts`.
 *
 * All values crossing this boundary are lowercase hex strings, so protocol state stays plain
 * JSON. Secrets never appear in thrown messages.
 */
import { schnorr } from '@noble/curves/secp256k1.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import {
  decodePoint,
  decodeScalar,
  encodeScalar,
  N,
  type Point,
  type RNG,
  type SigningNonces,
  weightedAggregate,
  weightedCommit,
  weightedSign,
} from '@peg/frost';
import type { Hex } from './hex.ts';
import { type LayoutSpec, layoutOf } from './layout.ts';
import { type Tweak, xOnly } from './output-key.ts';

const toHex = (n: bigint): Hex => bytesToHex(encodeScalar(n));
const fromHexScalar = (h: Hex): bigint => {
  const b = hexToBytes(h);
  if (b.length !== 32) throw new RangeError('"scalar" expected 32 bytes');
  return decodeScalar(b, 'scalar');
};
const parsePoint = (h: Hex): Point => decodePoint(hexToBytes(h), 'point');

/**
 * The public side of a key: its signing layout (key ids 1..K of the parties that made it), the
 * group key (compressed) and every key id's public share Y_k = x_k·G (checks signature shares).
 */
export type PublicKeyPackage = {
  layout: LayoutSpec;
  groupKey: Hex;
  /** key id -> Y_k, compressed. */
  verifyingShares: Record<string, Hex>;
};

/** Secret nonce pair of a party for one message. Used once, then erased from state. */
export type SecretNonce = { hiding: Hex; binding: Hex };
/** Public nonce commitment of a party for one message (compressed points, as on the wire). */
export type NonceCommitment = { hiding: Hex; binding: Hex };
/** A signing package: the messages and each chosen party's commitments (sorted by party id). */
export type SigningPackageHex = {
  messages: Hex[];
  commitments: { partyId: number; pairs: NonceCommitment[] }[];
};

const modeOf = (t: Tweak) =>
  t.type === 'none'
    ? ({ suite: 'taproot' } as const)
    : ({ suite: 'taproot', merkleRoot: hexToBytes(t.merkleRoot ?? '') } as const);

const big = (h: Hex): bigint => BigInt(`0x${h}`);
const rnd = (rng: RNG) => (n: number) => Uint8Array.from(rng(n));
function signingKey(
  spec: LayoutSpec,
  partyId: number,
  groupKey: Hex,
  keyShares: Record<string, Hex>,
) {
  const keyIdSecrets = new Map<number, bigint>();
  for (const [k, x] of Object.entries(keyShares)) keyIdSecrets.set(Number(k), fromHexScalar(x));
  return { layout: layoutOf(spec), partyId, groupKey: parsePoint(groupKey), keyIdSecrets };
}
function frostPackage(pkg: SigningPackageHex) {
  return {
    messages: pkg.messages.map(hexToBytes),
    commitments: pkg.commitments.map((c) => ({
      partyId: c.partyId,
      pairs: c.pairs.map((p) => ({ hiding: parsePoint(p.hiding), binding: parsePoint(p.binding) })),
    })),
  };
}

/** Round 1 (weighted): one hedged nonce pair per message, whatever the party's weight. */
export function commitNonces(
  spec: LayoutSpec,
  partyId: number,
  groupKey: Hex,
  keyShares: Record<string, Hex>,
  tweak: Tweak,
  count: number,
  rng: RNG,
): { nonces: SecretNonce[]; commitments: NonceCommitment[] } {
  const n = weightedCommit(
    signingKey(spec, partyId, groupKey, keyShares),
    modeOf(tweak),
    count,
    rnd(rng),
  );
  return {
    nonces: n.pairs.map((p) => ({ hiding: toHex(p.hiding), binding: toHex(p.binding) })),
    commitments: n.commitments.pairs.map((p) => ({
      hiding: p.hiding.toHex(true),
      binding: p.binding.toHex(true),
    })),
  };
}

/** Checks that commitments are valid, non-identity points. */
export function validCommitments(list: NonceCommitment[]): boolean {
  try {
    for (const c of list) {
      parsePoint(c.hiding);
      parsePoint(c.binding);
    }
    return true;
  } catch {
    return false;
  }
}

/**
 * Round 2 (weighted): z_p per message. @peg/frost checks that our commitments are in the package
 * unchanged and marks the nonces spent; the caller erases them from its state.
 */
export function signPackage(
  spec: LayoutSpec,
  partyId: number,
  groupKey: Hex,
  keyShares: Record<string, Hex>,
  nonces: SecretNonce[],
  own: NonceCommitment[],
  pkg: SigningPackageHex,
  tweak: Tweak,
): Hex[] {
  const key = signingKey(spec, partyId, groupKey, keyShares);
  const fpkg = frostPackage(pkg);
  // Our own commitments, as they appear in the package: @peg/frost compares them with the
  // package (altered or missing: refused). Rebuilding them from the secrets would cost two
  // constant-time base multiplications per message; the signer's state already holds them.
  const mine = fpkg.commitments.find((c) => c.partyId === partyId);
  if (mine === undefined) throw new RangeError('own commitments missing from the package');
  const n: SigningNonces = {
    partyId,
    pairs: nonces.map((p) => ({
      hiding: fromHexScalar(p.hiding),
      binding: fromHexScalar(p.binding),
    })),
    commitments: {
      partyId,
      pairs: own.map((c) => ({ hiding: parsePoint(c.hiding), binding: parsePoint(c.binding) })),
    },
    spent: false,
  };
  return weightedSign(key, n, fpkg, modeOf(tweak)).shares.map(toHex);
}

/** True when `z` is a canonical scalar (hex, < n). */
export function isScalarHex(z: string): boolean {
  return /^[0-9a-f]{64}$/.test(z) && big(z) < N;
}

/**
 * Aggregates every party's shares (optimistic: one final check per message; shares are checked
 * one by one only when it fails, to name the culprits).
 */
export function aggregatePackage(
  pub: PublicKeyPackage,
  pkg: SigningPackageHex,
  responses: { partyId: number; shares: Hex[] }[],
  tweak: Tweak,
  rng: RNG,
): { ok: true; signatures: Hex[] } | { ok: false; culprits: number[] } {
  const keyIdPublicShares = new Map<number, Point>();
  for (const [k, v] of Object.entries(pub.verifyingShares))
    keyIdPublicShares.set(Number(k), parsePoint(v));
  const out = weightedAggregate(
    { layout: layoutOf(pub.layout), groupKey: parsePoint(pub.groupKey), keyIdPublicShares },
    modeOf(tweak),
    frostPackage(pkg),
    responses.map((r) => ({ partyId: r.partyId, shares: r.shares.map(big) })),
    { random: rnd(rng) },
  );
  if (out.ok) return { ok: true, signatures: out.signatures.map((sig) => bytesToHex(sig)) };
  return { ok: false, culprits: [...out.culprits] };
}

/**
 * Independent BIP340 verification (noble `schnorr.verify`) against a key: 33-byte compressed
 * (its x-only form is used) or 32-byte x-only.
 */
export function verifyBip340(signature: Hex, message: Hex, key: Hex): boolean {
  try {
    const x = key.length === 66 ? xOnly(key) : key;
    return schnorr.verify(hexToBytes(signature), hexToBytes(message), hexToBytes(x));
  } catch {
    return false;
  }
}
