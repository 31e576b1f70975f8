/**
 * The narrow crypto adapter of the state machines. Every curve operation the protocol needs goes
 * through this module, so the backend can be swapped without touching the machines.
 *
 * Signing calls the weighted layer of @peg/frost (WSTS v2: one nonce pair per party per message,
 * Lagrange coefficients over key ids, FROST(secp256k1, SHA-256)-TR, BIP340 signatures). The
 * weighted DKG (one Pedersen polynomial per party, shares evaluated at every key id, WSTS v2 style) with
 * Schnorr proofs of knowledge, per-recipient encrypted shares (ECDH + ChaCha20-Poly1305) and
 * verifiable complaints (the recipient reveals the ECDH point with a Chaum-Pedersen DLEQ proof)
 * is written here over @noble/curves primitives until @peg/frost's weighted layer lands.
 *
 * All values crossing this boundary are lowercase hex strings, so protocol state stays plain
 * JSON. Secrets never appear in thrown messages.
 */
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
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
const scalarFromHash = (h: Uint8Array): bigint => Fn.create(BigInt(`0x${bytesToHex(h)}`));
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

// ---------------------------------------------------------------- DKG

/** DKG context bound into every proof and key derivation (replay across DKGs fails). */
export type DkgContext = { dkgId: number };

/** Public round-1 package of one party: polynomial commitment, proof of knowledge, kex key. */
export type DkgPublicPackage = {
  partyId: number;
  /** A_0..A_{t-1}, compressed points. */
  commitment: Hex[];
  /** Schnorr proof of knowledge of a_0 (R compressed, s scalar). */
  proof: { r: Hex; s: Hex };
  /** Key-exchange public key for the private shares of this DKG. */
  kexPublicKey: Hex;
};

/** Secret round-1 state of one party (kept in the persisted signer state). */
export type DkgPartySecret = { coefficients: Hex[]; kexSecret: Hex };

const pokChallenge = (ctx: DkgContext, partyId: number, a0: PointT, r: PointT): bigint =>
  scalarFromHash(
    tagged('peg/dkg-pok', u32(ctx.dkgId), u32(partyId), a0.toBytes(true), r.toBytes(true)),
  );

/** Round 1: a random polynomial of degree threshold-1, its commitment and a proof of knowledge. */
export function dkgRound1(
  ctx: DkgContext,
  partyId: number,
  threshold: number,
  rng: Rng,
): { secret: DkgPartySecret; public: DkgPublicPackage } {
  const coefficients: bigint[] = [];
  for (let i = 0; i < threshold; i++) coefficients.push(randomScalar(rng));
  const commitment = coefficients.map((a) => Point.BASE.multiply(a));
  const k = randomScalar(rng);
  const r = Point.BASE.multiply(k);
  const c = pokChallenge(ctx, partyId, commitment[0]!, r);
  const s = Fn.add(k, Fn.mul(c, coefficients[0]!));
  const kexSecret = randomScalar(rng);
  return {
    secret: { coefficients: coefficients.map(toHex), kexSecret: toHex(kexSecret) },
    public: {
      partyId,
      commitment: commitment.map(pointHex),
      proof: { r: pointHex(r), s: toHex(s) },
      kexPublicKey: pointHex(Point.BASE.multiply(kexSecret)),
    },
  };
}

/** Checks a public package: well-formed points, `threshold` coefficients, valid proof. */
export function verifyPublicPackage(
  ctx: DkgContext,
  pkg: DkgPublicPackage,
  threshold: number,
): boolean {
  try {
    if (pkg.commitment.length !== threshold) return false;
    const a = pkg.commitment.map(parsePoint);
    parsePoint(pkg.kexPublicKey);
    const r = parsePoint(pkg.proof.r);
    const s = fromHexScalar(pkg.proof.s);
    const c = pokChallenge(ctx, pkg.partyId, a[0]!, r);
    return Point.BASE.multiplyUnsafe(s).equals(r.add(a[0]!.multiplyUnsafe(c)));
  } catch {
    return false;
  }
}

/** Digest of a public package, compared across parties by the echo check. */
export function publicPackageDigest(pkg: DkgPublicPackage): Hex {
  return jsonDigest('peg/dkg-echo', pkg);
}

/** JSON with object keys sorted at every level, so a digest does not depend on key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const o = v as Record<string, unknown>;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(o).sort()) sorted[k] = o[k];
    return sorted;
  });
}

/** Domain-tagged digest of any JSON-serializable value (canonical key order). */
export function jsonDigest(tag: string, value: unknown): Hex {
  return bytesToHex(tagged(tag, utf8ToBytes(canonicalJson(value))));
}

const evalPoly = (coefficients: bigint[], x: bigint): bigint => {
  let acc = 0n;
  for (let i = coefficients.length - 1; i >= 0; i--) acc = Fn.add(Fn.mul(acc, x), coefficients[i]!);
  return acc;
};

/** Σ_j A_j · x^j: the public image of the polynomial at x. */
function evalCommitment(commitment: PointT[], x: bigint): PointT {
  // Horner over public points: variable-time multiplication is safe here.
  let acc = Point.ZERO;
  for (let i = commitment.length - 1; i >= 0; i--) {
    acc = acc.multiplyUnsafe(x).add(commitment[i]!);
  }
  return acc;
}

const shareKey = (ctx: DkgContext, shared: PointT, sender: number, keyId: number): Uint8Array =>
  tagged('peg/dkg-share-key', shared.toBytes(true), u32(ctx.dkgId), u32(sender), u32(keyId));
const ZERO_NONCE = new Uint8Array(12); // each key is used for exactly one encryption

/** Round 2: the share f(k) for every key id of every recipient, each encrypted to its owner. */
export function dkgEncryptShares(
  ctx: DkgContext,
  sender: number,
  secret: DkgPartySecret,
  recipients: { partyId: number; keyIds: number[]; kexPublicKey: Hex }[],
): Record<string, Hex> {
  const coeffs = secret.coefficients.map(fromHexScalar);
  const kex = fromHexScalar(secret.kexSecret);
  const out: Record<string, Hex> = {};
  for (const r of recipients) {
    const shared = parsePoint(r.kexPublicKey).multiply(kex);
    for (const k of r.keyIds) {
      const share = Fn.toBytes(evalPoly(coeffs, BigInt(k)));
      const aad = concatBytes(u32(ctx.dkgId), u32(sender), u32(k));
      out[String(k)] = bytesToHex(
        chacha20poly1305(shareKey(ctx, shared, sender, k), ZERO_NONCE, aad).encrypt(share),
      );
    }
  }
  return out;
}

function decryptWith(
  ctx: DkgContext,
  shared: PointT,
  sender: number,
  keyId: number,
  ciphertext: Hex,
): bigint | null {
  try {
    const aad = concatBytes(u32(ctx.dkgId), u32(sender), u32(keyId));
    const pt = chacha20poly1305(shareKey(ctx, shared, sender, keyId), ZERO_NONCE, aad).decrypt(
      hexToBytes(ciphertext),
    );
    if (pt.length !== 32) return null;
    const v = BigInt(`0x${bytesToHex(pt)}`);
    return v < N ? v : null;
  } catch {
    return null;
  }
}

/** Decrypts and Feldman-checks the share of `keyId` from `sender`; null when bad. */
export function dkgOpenShare(
  ctx: DkgContext,
  own: DkgPartySecret,
  sender: DkgPublicPackage,
  keyId: number,
  ciphertext: Hex,
): Hex | null {
  try {
    const shared = parsePoint(sender.kexPublicKey).multiply(fromHexScalar(own.kexSecret));
    const v = decryptWith(ctx, shared, sender.partyId, keyId, ciphertext);
    if (v === null) return null;
    const expected = evalCommitment(sender.commitment.map(parsePoint), BigInt(keyId));
    return Point.BASE.multiply(v).equals(expected) ? toHex(v) : null;
  } catch {
    return null;
  }
}

/**
 * Opens every share sent to `keyIds` by `senders` and checks them in one equation per key id,
 * Σ_p s_p·G == Σ_j (Σ_p A_{p,j})·k^j, falling back to one Feldman check per sender only when it
 * fails (to name the culprits). One ECDH per sender, whatever the party's weight.
 * Returns the senders of bad shares per key id, and the summed signing share per key id.
 */
export function dkgOpenAll(
  ctx: DkgContext,
  own: DkgPartySecret,
  senders: { pkg: DkgPublicPackage; shares: Record<string, Hex> }[],
  keyIds: number[],
): { bad: { sender: number; keyId: number }[]; sums: Record<string, Hex> } {
  const kex = fromHexScalar(own.kexSecret);
  const bad: { sender: number; keyId: number }[] = [];
  const sums: Record<string, Hex> = {};
  const values = senders.map((s) => {
    let shared: PointT | null = null;
    try {
      shared = parsePoint(s.pkg.kexPublicKey).multiply(kex);
    } catch {
      shared = null;
    }
    return keyIds.map((k) => {
      const ct = s.shares[String(k)];
      if (shared === null || ct === undefined) return null;
      return decryptWith(ctx, shared, s.pkg.partyId, k, ct);
    });
  });
  const commitments = senders.map((s) => s.pkg.commitment.map(parsePoint));
  keyIds.forEach((k, j) => {
    const good: number[] = [];
    senders.forEach((s, i) => {
      if (values[i]![j] === null) bad.push({ sender: s.pkg.partyId, keyId: k });
      else good.push(i);
    });
    let sum = 0n;
    for (const i of good) sum = Fn.add(sum, values[i]![j]!);
    const width = commitments[0]?.length ?? 0;
    const group: PointT[] = [];
    for (let c = 0; c < width; c++) {
      let acc = Point.ZERO;
      for (const i of good) acc = acc.add(commitments[i]![c]!);
      group.push(acc);
    }
    const x = BigInt(k);
    const times = (v: bigint) => (v === 0n ? Point.ZERO : Point.BASE.multiplyUnsafe(v));
    if (good.length > 0 && !times(sum).equals(evalCommitment(group, x))) {
      // Someone's share is wrong: find who, one Feldman check each.
      for (const i of good) {
        const expected = evalCommitment(commitments[i]!, x);
        const v = values[i]![j]!;
        if (!times(v).equals(expected)) bad.push({ sender: senders[i]!.pkg.partyId, keyId: k });
      }
    }
    sums[String(k)] = toHex(sum);
  });
  return { bad, sums };
}

/** A verifiable complaint: the ECDH point with a DLEQ proof log_G(E_q) = log_{E_p}(K). */
export type ShareComplaint = {
  accused: number;
  keyId: number;
  sharedPoint: Hex;
  proof: { a1: Hex; a2: Hex; z: Hex };
};

const dleqChallenge = (pts: PointT[]): bigint =>
  scalarFromHash(tagged('peg/dleq', ...pts.map((p) => p.toBytes(true))));

/** Builds the complaint of the holder of `own` against `accused` for `keyId`. */
export function dkgComplain(
  own: DkgPartySecret,
  accused: DkgPublicPackage,
  keyId: number,
  rng: Rng,
): ShareComplaint {
  const x = fromHexScalar(own.kexSecret);
  const ep = parsePoint(accused.kexPublicKey);
  const eq = Point.BASE.multiply(x);
  const shared = ep.multiply(x);
  const k = randomScalar(rng);
  const a1 = Point.BASE.multiply(k);
  const a2 = ep.multiply(k);
  const c = dleqChallenge([Point.BASE, eq, ep, shared, a1, a2]);
  return {
    accused: accused.partyId,
    keyId,
    sharedPoint: pointHex(shared),
    proof: { a1: pointHex(a1), a2: pointHex(a2), z: toHex(Fn.add(k, Fn.mul(c, x))) },
  };
}

/**
 * Judges a complaint with public data only. Returns 'accused' when the revealed key is proven and
 * the share it opens is bad (or does not open), 'complainer' when the proof is invalid or the
 * share is in fact good.
 */
export function dkgJudgeComplaint(
  ctx: DkgContext,
  complainer: DkgPublicPackage,
  accused: DkgPublicPackage,
  complaint: ShareComplaint,
  ciphertext: Hex | undefined,
): 'accused' | 'complainer' {
  try {
    const eq = parsePoint(complainer.kexPublicKey);
    const ep = parsePoint(accused.kexPublicKey);
    const shared = parsePoint(complaint.sharedPoint);
    const a1 = parsePoint(complaint.proof.a1);
    const a2 = parsePoint(complaint.proof.a2);
    const z = fromHexScalar(complaint.proof.z);
    const c = dleqChallenge([Point.BASE, eq, ep, shared, a1, a2]);
    const ok1 = Point.BASE.multiplyUnsafe(z).equals(a1.add(eq.multiplyUnsafe(c)));
    const ok2 = ep.multiplyUnsafe(z).equals(a2.add(shared.multiplyUnsafe(c)));
    if (!ok1 || !ok2) return 'complainer';
    if (ciphertext === undefined) return 'accused';
    const v = decryptWith(ctx, shared, accused.partyId, complaint.keyId, ciphertext);
    if (v === null) return 'accused';
    const expected = evalCommitment(accused.commitment.map(parsePoint), BigInt(complaint.keyId));
    return Point.BASE.multiplyUnsafe(v).equals(expected) ? 'complainer' : 'accused';
  } catch {
    return 'complainer';
  }
}

/** Public outcome of a DKG: group polynomial commitment and one verifying share per key id. */
export type PublicKeyPackage = {
  threshold: number;
  /** Key ids holding shares (those of the parties whose polynomials were summed). */
  keyIds: number[];
  /** Σ_p A_{p,j}; element 0 is the group public key (compressed). */
  commitments: Hex[];
  /** key id -> g^{s_k}. */
  verifyingShares: Record<string, Hex>;
};

/** Sums the accepted parties' commitments into the group key and every verifying share. */
export function dkgPublicKeyPackage(
  threshold: number,
  keyIds: number[],
  packages: DkgPublicPackage[],
): PublicKeyPackage {
  const group: PointT[] = [];
  for (let j = 0; j < threshold; j++) {
    let acc = Point.ZERO;
    for (const p of packages) acc = acc.add(parsePoint(p.commitment[j]!));
    group.push(acc);
  }
  const verifyingShares: Record<string, Hex> = {};
  for (const k of keyIds) verifyingShares[String(k)] = pointHex(evalCommitment(group, BigInt(k)));
  return { threshold, keyIds: [...keyIds], commitments: group.map(pointHex), verifyingShares };
}

/**
 * Trusted-dealer keys for simulation set-ups only (benchmarks of large federations, where a full
 * DKG would dominate the run): one random polynomial, a share per key id. Never used by the
 * machines, which only ever get keys from the DKG.
 */
export function dealKeys(
  threshold: number,
  keyIds: number[],
  rng: Rng,
): { pub: PublicKeyPackage; keyShares: Record<string, Hex> } {
  const r1 = dkgRound1({ dkgId: 0 }, 1, threshold, rng);
  const coeffs = r1.secret.coefficients.map(fromHexScalar);
  const keyShares: Record<string, Hex> = {};
  for (const k of keyIds) keyShares[String(k)] = toHex(evalPoly(coeffs, BigInt(k)));
  return { pub: dkgPublicKeyPackage(threshold, keyIds, [r1.public]), keyShares };
}

/** Sums the opened shares for one key id into its signing share. */
export function sumShares(shares: Hex[]): Hex {
  let acc = 0n;
  for (const s of shares) acc = Fn.add(acc, fromHexScalar(s));
  return toHex(acc);
}

/** x-only (32-byte) group key, the BIP340 public key. */
export function xOnly(groupKey: Hex): Hex {
  return groupKey.slice(2);
}

// ---------------------------------------------------------------- signing (@peg/frost weighted)

/** Secret nonce pair of a party for one message. Used once, then erased from state. */
export type SecretNonce = { hiding: Hex; binding: Hex };
/** Public nonce commitment of a party for one message (uncompressed points, 65 bytes). */
export type NonceCommitment = { hiding: Hex; binding: Hex };
/** Who owns which key ids (the whole federation) and the threshold in key ids. */
export type LayoutSpec = { parties: { id: number; keyIds: number[] }[]; threshold: number };
/** A signing package: the messages and each chosen party's commitments (sorted by party id). */
export type SigningPackageHex = {
  messages: Hex[];
  commitments: { partyId: number; pairs: NonceCommitment[] }[];
};

/**
 * What the signature is for: `null` = plain BIP340 under the even-y group key (the DKG
 * verification round); `''` = BIP341 key-path-only output key (BIP86 tweak: the peg wallet);
 * 64 hex chars = BIP341 output key committing to that script-tree merkle root.
 */
export type MerkleRoot = Hex | null;
const modeOf = (root: MerkleRoot) =>
  root === null
    ? ({ suite: 'taproot' } as const)
    : ({ suite: 'taproot', merkleRoot: hexToBytes(root) } as const);

/** True when `root` is a valid `MerkleRoot`. */
export function isMerkleRoot(root: unknown): root is MerkleRoot {
  return root === null || root === '' || (typeof root === 'string' && /^[0-9a-f]{64}$/.test(root));
}

/** The x-only key a signature verifies under (BIP341 output key when tweaked). */
export function outputKey(groupKey: Hex, root: MerkleRoot): Hex {
  if (root === null) return xOnly(groupKey);
  return bytesToHex(tweakPoint(parsePoint(groupKey), hexToBytes(root)).toBytes(true).subarray(1));
}
const layouts = new Map<string, Layout>();
function layoutOf(spec: LayoutSpec): Layout {
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
  root: MerkleRoot,
  count: number,
  rng: Rng,
): { nonces: SecretNonce[]; commitments: NonceCommitment[] } {
  const n = weightedCommit(
    signingKey(spec, partyId, groupKey, keyShares),
    modeOf(root),
    count,
    rnd(rng),
  );
  return {
    nonces: n.pairs.map((p) => ({ hiding: toHex(p.hiding), binding: toHex(p.binding) })),
    // Uncompressed (65 bytes): decoding checks the curve equation instead of taking a square
    // root, and every signer of the set decodes every commitment.
    commitments: n.commitments.pairs.map((p) => ({
      hiding: p.hiding.toHex(false),
      binding: p.binding.toHex(false),
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
  root: MerkleRoot,
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
  return weightedSign(key, n, fpkg, modeOf(root)).shares.map(toHex);
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
  spec: LayoutSpec,
  pub: PublicKeyPackage,
  pkg: SigningPackageHex,
  responses: { partyId: number; shares: Hex[] }[],
  root: MerkleRoot,
  rng: Rng,
): { ok: true; signatures: Hex[] } | { ok: false; culprits: number[] } {
  const keyIdPublicShares = new Map<number, PointT>();
  for (const [k, v] of Object.entries(pub.verifyingShares))
    keyIdPublicShares.set(Number(k), parsePoint(v));
  const out = weightedAggregate(
    { layout: layoutOf(spec), groupKey: parsePoint(pub.commitments[0]!), keyIdPublicShares },
    modeOf(root),
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

/** The message every new-key holder signs in the DKG verification round (rebuilt locally). */
export function dkgVerificationMessage(dkgId: number, groupKey: Hex): Hex {
  return bytesToHex(tagged('peg/dkg-verify', u32(dkgId), hexToBytes(groupKey)));
}

/** Hash of any bytes given as hex (sha256), for selection and message ids. */
export function sha256Hex(data: Hex): Hex {
  return bytesToHex(sha256(hexToBytes(data)));
}
