/**
 * Deterministic randomness for the simulation: a SHA-256 counter DRBG for the machines' `env.rng`
 * (bytes) and a small PRNG for the network's decisions. Never used outside tests and benches.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import type { RNG } from '@peg/frost';

/** A byte generator: SHA-256(seed || label || counter) blocks. */
export function seededBytes(seed: number, label: string): RNG {
  const base = sha256(utf8ToBytes(`peg-sim/${seed}/${label}`));
  let counter = 0;
  return (n: number) => {
    const out = new Uint8Array(n);
    let off = 0;
    while (off < n) {
      const c = new Uint8Array(4);
      new DataView(c.buffer).setUint32(0, counter++, false);
      const block = sha256(concatBytes(base, c));
      out.set(block.subarray(0, Math.min(32, n - off)), off);
      off += 32;
    }
    return out;
  };
}

/** mulberry32: a fast 32-bit PRNG, returns floats in [0, 1). */
export function seededFloat(seed: number): () => number {
  let a = seed >>> 0 || 0x9e3779b9;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
