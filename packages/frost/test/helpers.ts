/** Shared test helpers: fixtures, hex, deterministic RNGs. */
import { readFileSync } from 'node:fs';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';

export { bytesToHex, hexToBytes };

/** Reads a fixture of this package (test/fixtures), never the shared folder. */
export function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
}
export function fixtureJson<T>(name: string): T {
  return JSON.parse(fixture(name)) as T;
}

/** An RNG that returns exactly the given chunks in order (and checks the requested sizes). */
export function scriptedRng(chunks: Uint8Array[]): (n: number) => Uint8Array {
  let i = 0;
  return (n: number) => {
    const c = chunks[i++];
    if (c === undefined) throw new Error(`scripted rng exhausted at call ${i}`);
    if (c.length !== n)
      throw new Error(`scripted rng: call ${i} asked ${n} bytes, script has ${c.length}`);
    return c.slice();
  };
}

/** 48 RNG bytes that noble's `randomScalar` (x mod (n−1) + 1) maps to exactly `k` (0 < k < n). */
export function bytesForScalar(k: bigint): Uint8Array {
  return hexToBytes((k - 1n).toString(16).padStart(96, '0'));
}

/** Deterministic RNG: SHA-256 counter mode over a label (seeded randomness for tests). */
export function seededRng(label: string): (n: number) => Uint8Array {
  const seed = sha256(utf8ToBytes(label));
  let counter = 0;
  return (n: number) => {
    const out = new Uint8Array(n);
    for (let o = 0; o < n; o += 32) {
      const block = new Uint8Array(36);
      block.set(seed);
      new DataView(block.buffer).setUint32(32, counter++);
      out.set(sha256(block).subarray(0, Math.min(32, n - o)), o);
    }
    return out;
  };
}

export function hexToBigint(hex: string): bigint {
  return BigInt(`0x${hex}`);
}
