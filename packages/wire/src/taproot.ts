import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex } from '@noble/hashes/utils.js';

const N = secp256k1.Point.CURVE().n;

/**
 * The BIP341 output key x(Q) for internal key P with no script tree:
 * Q = lift_x(x(P)) + int(taggedHash("TapTweak", x(P)))·G. Null when the tweak is >= n or Q is
 * the identity (never for honest keys).
 */
export function taprootOutputKey(internalKey: Uint8Array): Uint8Array | null {
  const x = internalKey.length === 33 ? internalKey.subarray(1) : internalKey;
  const t = BigInt(`0x${bytesToHex(schnorr.utils.taggedHash('TapTweak', x))}`);
  if (t >= N) return null;
  const P = secp256k1.Point.fromHex(`02${bytesToHex(x)}`);
  const Q = t === 0n ? P : P.add(secp256k1.Point.BASE.multiply(t));
  if (Q.equals(secp256k1.Point.ZERO)) return null;
  return Q.toBytes(true).subarray(1);
}
