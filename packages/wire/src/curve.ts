import { secp256k1 } from '@noble/curves/secp256k1.js';

// secp256k1 constants from @noble/curves (one source of truth for p and n).
const CURVE = secp256k1.Point.CURVE();
const P: bigint = CURVE.p;
/** The group order n, as 64 lowercase hex digits: for lowercase fixed-width hex, string order is numeric order. */
export const N_HEX: string = CURVE.n.toString(16).padStart(64, '0');
/** The field prime p, as 64 lowercase hex digits. */
export const P_HEX: string = P.toString(16).padStart(64, '0');

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Jacobi symbol (a/n) for odd n > 0 (binary algorithm). With n = p prime it is the Legendre
 * symbol: 1 when a is a non-zero square mod p. Measured 5x faster than a decompression with
 * `Point.fromBytes` (which computes the square root), and the decoder checks thousands of
 * points per DKG message; `curve.test.ts` checks it against @noble/curves on random and
 * adversarial inputs.
 */
function jacobi(a: bigint, n: bigint): number {
  let x = a % n;
  let m = n;
  let t = 1;
  while (x !== 0n) {
    while ((x & 1n) === 0n) {
      x >>= 1n;
      const r = m & 7n;
      if (r === 3n || r === 5n) t = -t;
    }
    const tmp = x;
    x = m;
    m = tmp;
    if ((x & 3n) === 3n && (m & 3n) === 3n) t = -t;
    x %= m;
  }
  return m === 1n ? t : 0;
}

/**
 * True when the 64 lowercase hex digits `xHex` are the x coordinate of a curve point:
 * x < p and x^3 + 7 is a non-zero square mod p (the group has odd prime order, so no point
 * has y = 0 and the symbol is never 0 for x < p).
 */
export function isCurveX(xHex: string): boolean {
  if (!HEX64.test(xHex) || xHex >= P_HEX) return false;
  const x = BigInt(`0x${xHex}`);
  const y2 = (((x * x) % P) * x + 7n) % P;
  return jacobi(y2, P) === 1;
}

/**
 * True when `hex` (66 lowercase hex digits) is a compressed, non-identity secp256k1 point:
 * prefix 02 or 03 and an x on the curve. The identity has no compressed encoding, so every
 * accepted string decodes to a non-identity point (as `Point.fromHex` would).
 */
export function isCompressedPointHex(hex: string): boolean {
  if (hex.length !== 66 || hex[0] !== '0' || (hex[1] !== '2' && hex[1] !== '3')) return false;
  return isCurveX(hex.slice(2));
}

/** `isCurveX` for 64 hex digits already known to be lowercase hex (the schemas' format check). */
function isCurveXUnchecked(xHex: string): boolean {
  if (xHex >= P_HEX) return false;
  const x = BigInt(`0x${xHex}`);
  return jacobi((((x * x) % P) * x + 7n) % P, P) === 1;
}

const HEX128 = /^[0-9a-f]{128}$/;

/**
 * True when `hex` (130 lowercase hex digits) is an uncompressed SEC1 point `04 ‖ x ‖ y` on
 * secp256k1: x < p, y < p and y² = x³ + 7 (mod p). No square root is needed, which is why DKG
 * commitments travel uncompressed (@peg/frost docs/protocol/crypto.md, "Why uncompressed
 * commitments"). The identity has no such encoding.
 */
export function isUncompressedPointHex(hex: string): boolean {
  if (hex.length !== 130 || hex[0] !== '0' || hex[1] !== '4') return false;
  if (!HEX128.test(hex.slice(2))) return false;
  return onCurveXY(hex);
}

/** y² = x³ + 7 with x, y < p, for `04 ‖ x ‖ y` already known to be lowercase hex. */
function onCurveXY(hex: string): boolean {
  const xHex = hex.slice(2, 66);
  const yHex = hex.slice(66);
  if (xHex >= P_HEX || yHex >= P_HEX) return false;
  const x = BigInt(`0x${xHex}`);
  const y = BigInt(`0x${yHex}`);
  return (y * y) % P === (((x * x) % P) * x + 7n) % P;
}

/**
 * The curve check of a point whose form the schema has already checked (`02|03 ‖ x` as 66, or
 * `04 ‖ x ‖ y` as 130 lowercase hex digits): skips the format work the schema did.
 */
export function isFormattedPointOnCurve(hex: string): boolean {
  return hex.length === 66 ? isCurveXUnchecked(hex.slice(2)) : onCurveXY(hex);
}
