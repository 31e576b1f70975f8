/**
 * Random linear combinations for batch verification. To check many equations Eᵢ = 0 at once,
 * check Σ wᵢ·Eᵢ = 0 with independent 128-bit weights wᵢ: a set containing an invalid equation
 * passes with probability ≤ 2^-128. The weights are derived by hashing the whole transcript
 * being verified (and optional caller entropy), so they are fixed only after every input is.
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { bytesToNumber } from './scalar.ts';

const DOMAIN = utf8ToBytes('peg-frost/batch-weights/v1');

/** `count` weights in [1, 2^128) from SHA-256(domain ‖ SHA-256(transcript…) ‖ i). */
export function batchWeights(count: number, transcript: readonly Uint8Array[]): bigint[] {
  const seed = sha256(concatBytes(DOMAIN, sha256(concatBytes(...transcript))));
  const out = new Array<bigint>(count);
  const buf = new Uint8Array(seed.length + 4);
  buf.set(seed, 0);
  const view = new DataView(buf.buffer);
  for (let i = 0; i < count; i++) {
    view.setUint32(seed.length, i);
    const w = bytesToNumber(sha256(buf).subarray(0, 16));
    out[i] = w === 0n ? 1n : w;
  }
  return out;
}

/**
 * The failing members of `group`, which as a whole fails `fails` (a batch check over a subset,
 * e.g. one MSM with the same weights): bisection, since when the left half passes the right
 * half must fail. k bad members among P cost about 2·k·log2(P) checks of shrinking size
 * instead of P checks; ascending.
 */
export function bisectFailures(
  group: readonly number[],
  fails: (subset: readonly number[]) => boolean,
): number[] {
  const bad: number[] = [];
  const walk = (g: readonly number[]): void => {
    if (g.length === 1) {
      bad.push(g[0]!);
      return;
    }
    const half = g.length >> 1;
    const left = g.slice(0, half);
    const right = g.slice(half);
    if (fails(left)) {
      walk(left);
      if (fails(right)) walk(right);
    } else walk(right);
  };
  if (group.length > 0) walk(group);
  return bad.sort((a, b) => a - b);
}
