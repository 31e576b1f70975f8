/**
 * The signing adapter of the state machines over @peg/frost's weighted layer (WSTS v2: one nonce
 * pair per party per message, Lagrange coefficients over key ids, FROST(secp256k1, SHA-256)-TR,
 * BIP340 signatures), plus the small hashing helpers the machines share. The DKG adapter is
 * `dkg-crypto.ts`.
 *
 * All values crossing this boundary are lowercase hex strings, so protocol state stays plain
 * JSON. Secrets never appear in thrown messages.
 */
import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import {
  createLayout,
  type Layout,
  type SigningNonces,
  tweakPoint,
  weightedAggregate,
  weightedCommit,
  weightedSign,
} from '@peg/frost';
import { canonicalJson } from '@peg/wire';
import { bech32m } from '@scure/base';

/** Lowercase hex string. */
export type Hex = string;
/** Randomness source: returns `n` fresh bytes (the shell passes a CSPRNG, tests a seeded PRNG). */
export type Rng = (n: number) => Uint8Array;

const Point = secp256k1.Point;
type PointT = InstanceType<typeof Point>;
const Fn = Point.Fn;
const N = Fn.ORDER;

const u32 = (n: number): Uint8Array => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, false);
  return b;
};
const tagged = (tag: string, ...parts: Uint8Array[]): Uint8Array => {
  const t = sha256(utf8ToBytes(tag));
  return sha256(concatBytes(t, t, ...parts));
};
const toHex = (n: bigint): Hex => bytesToHex(Fn.toBytes(n));
const fromHexScalar = (h: Hex): bigint => {
  const b = hexToBytes(h);
  if (b.length !== 32) throw new RangeError('"scalar" expected 32 bytes');
  return Fn.fromBytes(b);
};
const pointHex = (p: PointT): Hex => p.toHex(true);
const parsePoint = (h: Hex): PointT => {
  const p = Point.fromHex(h);
  p.assertValidity();
  if (p.equals(Point.ZERO)) throw new RangeError('"point" is the identity');
  return p;
};

/** A uniformly random non-zero scalar from `rng` (48 bytes reduced mod n: negligible bias). */
export function randomScalar(rng: Rng): bigint {
  for (;;) {
    const b = rng(48);
    const v = BigInt(`0x${bytesToHex(b)}`) % N;
    if (v !== 0n) return v;
  }
}

/** Domain-tagged digest of a JSON value in @peg/wire's canonical JSON (keys sorted). */
export function jsonDigest(tag: string, value: unknown): Hex {
  const text = canonicalJson(value);
  if (text === undefined) throw new TypeError(`jsonDigest(${tag}): the value has no JSON form`);
  return bytesToHex(tagged(tag, utf8ToBytes(text)));
}

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

/**
 * Trusted-dealer keys for simulation set-ups only (benchmarks of large federations, where a full
 * DKG would dominate the run): one random polynomial, a share per key id. Never used by the
 * machines, which only ever get keys from the DKG.
 */
export function dealKeys(
  layout: LayoutSpec,
  rng: Rng,
): { pub: PublicKeyPackage; keyShares: Record<string, Hex> } {
  const coefficients = Array.from({ length: layout.threshold }, () => randomScalar(rng));
  const keyShares: Record<string, Hex> = {};
  const verifyingShares: Record<string, Hex> = {};
  for (const p of layout.parties)
    for (const k of p.keyIds) {
      let x = 0n;
      for (let i = coefficients.length - 1; i >= 0; i--)
        x = Fn.add(Fn.mul(x, BigInt(k)), coefficients[i]!);
      keyShares[String(k)] = toHex(x);
      verifyingShares[String(k)] = pointHex(Point.BASE.multiply(x));
    }
  const groupKey = pointHex(Point.BASE.multiply(coefficients[0]!));
  return { pub: { layout, groupKey, verifyingShares }, keyShares };
}

/** x-only (32-byte) group key, the BIP340 public key. */
export function xOnly(groupKey: Hex): Hex {
  return groupKey.slice(2);
}

// ---------------------------------------------------------------- signing (@peg/frost weighted)

/** Secret nonce pair of a party for one message. Used once, then erased from state. */
export type SecretNonce = { hiding: Hex; binding: Hex };
/** Public nonce commitment of a party for one message (compressed points, as on the wire). */
export type NonceCommitment = { hiding: Hex; binding: Hex };
/** Who owns which key ids (exactly 1..K) and the threshold in key ids. */
export type LayoutSpec = { parties: { id: number; keyIds: number[] }[]; threshold: number };
/** A signing package: the messages and each chosen party's commitments (sorted by party id). */
export type SigningPackageHex = {
  messages: Hex[];
  commitments: { partyId: number; pairs: NonceCommitment[] }[];
};

/**
 * How the group key is tweaked (the wire's `tweak`): `none` = plain BIP340 under the even-y
 * group key (the DKG verification round); `taproot` with merkleRoot null = BIP341 key-path-only
 * output key (BIP86 tweak: the peg wallet); with a 32-byte root = the output key committing to it.
 */
export type Tweak = { type: 'none' } | { type: 'taproot'; merkleRoot: Hex | null };

/** True when two tweaks name the same output key. */
export const sameTweak = (a: Tweak, b: Tweak): boolean =>
  a.type === 'none'
    ? b.type === 'none'
    : b.type === 'taproot' && (a.merkleRoot ?? '') === (b.merkleRoot ?? '');
const modeOf = (t: Tweak) =>
  t.type === 'none'
    ? ({ suite: 'taproot' } as const)
    : ({ suite: 'taproot', merkleRoot: hexToBytes(t.merkleRoot ?? '') } as const);

/** The x-only key a signature verifies under (BIP341 output key when tweaked). */
export function outputKey(groupKey: Hex, t: Tweak): Hex {
  if (t.type === 'none') return xOnly(groupKey);
  const root = hexToBytes(t.merkleRoot ?? '');
  return bytesToHex(tweakPoint(parsePoint(groupKey), root).toBytes(true).subarray(1));
}

const layouts = new Map<string, Layout>();
/** A validated @peg/frost layout (cached by content: every round of a key uses the same one). */
export function layoutOf(spec: LayoutSpec): Layout {
  const k = `${spec.threshold}|${spec.parties.map((p) => `${p.id}:${p.keyIds.join(',')}`).join(';')}`;
  let l = layouts.get(k);
  if (l === undefined) {
    l = createLayout(spec);
    if (layouts.size > 64) layouts.clear();
    layouts.set(k, l);
  }
  return l;
}
const big = (h: Hex): bigint => BigInt(`0x${h}`);
const rnd = (rng: Rng) => (n: number) => Uint8Array.from(rng(n));
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
  rng: Rng,
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
  rng: Rng,
): { ok: true; signatures: Hex[] } | { ok: false; culprits: number[] } {
  const keyIdPublicShares = new Map<number, PointT>();
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

/**
 * What every new-key holder signs in the DKG verification round, rebuilt locally: the round's
 * "transaction" (rebuild data) is this preimage and its one message is its SHA-256.
 */
export function dkgVerification(dkgId: number, groupKey: Hex): { preimage: Hex; message: Hex } {
  const preimage = concatBytes(
    utf8ToBytes('peg/dkg-verification'),
    u32(dkgId),
    hexToBytes(groupKey),
  );
  return { preimage: bytesToHex(preimage), message: bytesToHex(sha256(preimage)) };
}

/** Hash of any bytes given as hex (sha256), for selection and message ids. */
export function sha256Hex(data: Hex): Hex {
  return bytesToHex(sha256(hexToBytes(data)));
}

const HRP = { bitcoin: 'bc', testnet: 'tb', regtest: 'bcrt' } as const;

/** The P2TR address (bech32m, witness v1) of an x-only output key on `network`. */
export function taprootAddress(outputKeyHex: Hex, network: keyof typeof HRP): string {
  const words = bech32m.toWords(hexToBytes(outputKeyHex));
  return bech32m.encode(HRP[network], [1, ...words]);
}
