/**
 * Trusted-dealer keys for simulation set-ups only (benchmarks of large federations, where a full
 * DKG would dominate the run): one random polynomial, a share per key id. Never used by the
 * machines, which only ever get keys from the DKG.
 */
import { bytesToHex } from '@noble/hashes/utils.js';
import { encodePoint, encodeScalar, evaluate, G, type RNG, randomScalar } from '@peg/frost';
import type { Hex } from '../hex.ts';
import type { LayoutSpec } from '../layout.ts';
import type { PublicKeyPackage } from '../signing-crypto.ts';

export function dealKeys(
  layout: LayoutSpec,
  rng: RNG,
): { pub: PublicKeyPackage; keyShares: Record<string, Hex> } {
  const coefficients = Array.from({ length: layout.threshold }, () => randomScalar(rng));
  const keyShares: Record<string, Hex> = {};
  const verifyingShares: Record<string, Hex> = {};
  for (const p of layout.parties)
    for (const k of p.keyIds) {
      const x = evaluate(coefficients, BigInt(k));
      keyShares[String(k)] = bytesToHex(encodeScalar(x));
      verifyingShares[String(k)] = bytesToHex(encodePoint(G.multiply(x)));
    }
  const groupKey = bytesToHex(encodePoint(G.multiply(coefficients[0]!)));
  return { pub: { layout, groupKey, verifyingShares }, keyShares };
}
