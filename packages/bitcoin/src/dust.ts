import type { Sats } from './types.ts';

/** Bitcoin Core's default `-dustrelayfee`: 3000 sat/kvB. */
export const DUST_RELAY_FEE_SAT_PER_KVB = 3000n;

/** sBTC withdrawal contract `DUST_LIMIT`: a request's amount must exceed it. */
export const SBTC_DUST_LIMIT: Sats = 546n;

function compactSizeLength(n: number): number {
  return n < 0xfd ? 1 : n <= 0xffff ? 3 : 5;
}

/** Serialized size of an output with this script: amount, script length, script. */
export function outputSize(script: Uint8Array): number {
  return 8 + compactSizeLength(script.length) + script.length;
}

/**
 * Bitcoin Core's dust threshold (`GetDustThreshold`, policy.cpp): the fee at the dust relay
 * rate to create and later spend the output. Spending costs 148 bytes for a non-witness output
 * and 67 vbytes (32+4+1+107/4+4) for a witness program. OP_RETURN outputs are never dust.
 * Gives 546 (P2PKH), 540 (P2SH), 294 (P2WPKH), 330 (P2WSH, P2TR).
 */
export function dustThreshold(script: Uint8Array): Sats {
  if (script[0] === 0x6a) return 0n;
  const isWitnessProgram =
    script.length >= 4 &&
    script.length <= 42 &&
    (script[0] === 0x00 || (script[0]! >= 0x51 && script[0]! <= 0x60)) &&
    script[1] === script.length - 2;
  const spend = isWitnessProgram ? 67 : 148;
  return (BigInt(outputSize(script) + spend) * DUST_RELAY_FEE_SAT_PER_KVB) / 1000n;
}
