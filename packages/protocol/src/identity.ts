/**
 * Sender signatures on the messages that serve as evidence (DKG shares, nonce responses): a
 * BIP340 signature with the party's identity key over a domain-tagged digest of the message
 * without its `signature` field.
 */
import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { batchWeights, msm } from '@peg/frost';
import { type Hex, jsonDigest, type Rng } from './crypto.ts';

type Signed = { type: string; signature: Hex };

/** Digest of a message with its signature field blanked. */
export function evidenceDigest<T extends Signed>(message: T): Hex {
  return jsonDigest(`peg/evidence/${message.type}`, { ...message, signature: '' });
}

/** Signs `message` (its `signature` field is replaced). */
export function signEvidence<T extends Signed>(message: T, secretKey: Hex, rng: Rng): T {
  const sig = schnorr.sign(hexToBytes(evidenceDigest(message)), hexToBytes(secretKey), rng(32));
  return { ...message, signature: bytesToHex(sig) };
}

/** True when `message.signature` is a valid signature of `publicKey` (x-only hex). */
export function verifyEvidence<T extends Signed>(message: T, publicKey: Hex): boolean {
  try {
    return schnorr.verify(
      hexToBytes(message.signature),
      hexToBytes(evidenceDigest(message)),
      hexToBytes(publicKey),
    );
  } catch {
    return false;
  }
}

const Point = secp256k1.Point;
const N = Point.Fn.ORDER;
const P = Point.Fp.ORDER;
const liftedKeys = new Map<string, InstanceType<typeof Point>>();
const tagHash = sha256(utf8ToBytes('BIP0340/challenge'));

/**
 * Verifies many evidence signatures at once (BIP340 batch verification: one multi-scalar
 * multiplication over random-linear-combination weights fixed by the whole transcript, through
 * @peg/frost's `msm` and `batchWeights`). Returns false if any signature is invalid; callers that
 * need the culprit fall back to `verifyEvidence` one by one.
 */
export function verifyEvidenceBatch(items: { message: Signed; publicKey: Hex }[]): boolean {
  if (items.length === 0) return true;
  if (items.length === 1) return verifyEvidence(items[0]!.message, items[0]!.publicKey);
  try {
    const rs: InstanceType<typeof Point>[] = [];
    const ps: InstanceType<typeof Point>[] = [];
    const ss: bigint[] = [];
    const es: bigint[] = [];
    const transcript: Uint8Array[] = [];
    for (const { message, publicKey } of items) {
      const sig = hexToBytes(message.signature);
      const pk = hexToBytes(publicKey);
      if (sig.length !== 64 || pk.length !== 32) return false;
      const r = BigInt(`0x${bytesToHex(sig.subarray(0, 32))}`);
      const s = BigInt(`0x${bytesToHex(sig.subarray(32))}`);
      if (r >= P || s >= N) return false;
      let pp = liftedKeys.get(publicKey);
      if (pp === undefined) {
        pp = schnorr.utils.lift_x(BigInt(`0x${publicKey}`));
        if (liftedKeys.size > 4096) liftedKeys.clear();
        liftedKeys.set(publicKey, pp);
      }
      const msg = hexToBytes(evidenceDigest(message));
      const e =
        BigInt(
          `0x${bytesToHex(sha256(concatBytes(tagHash, tagHash, sig.subarray(0, 32), pk, msg)))}`,
        ) % N;
      rs.push(schnorr.utils.lift_x(r));
      ps.push(pp);
      ss.push(s);
      es.push(e);
      transcript.push(sig, pk, msg);
    }
    const a = batchWeights(items.length, transcript);
    let sumS = 0n;
    const points: InstanceType<typeof Point>[] = [Point.BASE];
    const scalars: bigint[] = [0n];
    for (let i = 0; i < items.length; i++) {
      sumS = (sumS + a[i]! * ss[i]!) % N;
      points.push(rs[i]!, ps[i]!);
      scalars.push(a[i]!, (a[i]! * es[i]!) % N);
    }
    scalars[0] = (N - sumS) % N;
    return msm(points, scalars).is0();
  } catch {
    return false;
  }
}
