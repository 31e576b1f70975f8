import { outputSize } from './dust.ts';

/** Bitcoin Core `MAX_STANDARD_TX_WEIGHT`. */
export const MAX_STANDARD_TX_WEIGHT = 400_000;

/** Witness of one Taproot key-path input with a 64-byte (SIGHASH_DEFAULT) signature. */
export const KEY_PATH_WITNESS_SIZE = 1 + 1 + 64;

/** Non-witness size of one input with an empty scriptSig: outpoint, script length, sequence. */
export const INPUT_SIZE = 32 + 4 + 1 + 4;

function compactSizeLength(n: number): number {
  return n < 0xfd ? 1 : n <= 0xffff ? 3 : 5;
}

/**
 * Weight (BIP141) of the signed sweep: every input a Taproot key-path spend with one 64-byte
 * signature. Base bytes count 4, witness bytes (marker, flag, stacks) count 1.
 */
export function sweepWeight(inputCount: number, outputScripts: readonly Uint8Array[]): number {
  const base =
    4 +
    compactSizeLength(inputCount) +
    inputCount * INPUT_SIZE +
    compactSizeLength(outputScripts.length) +
    outputScripts.reduce((sum, s) => sum + outputSize(s), 0) +
    4;
  const witness = 2 + inputCount * KEY_PATH_WITNESS_SIZE;
  return base * 4 + witness;
}

/** Virtual size: weight / 4 rounded up. */
export function vsizeOf(weight: number): number {
  return Math.ceil(weight / 4);
}

/** Weight a withdrawal adds to the sweep: its output, which is what its fee share is based on. */
export function outputWeight(script: Uint8Array): number {
  return outputSize(script) * 4;
}
