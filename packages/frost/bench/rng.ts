/** Deterministic byte stream for benches and tests: SHA-256 in counter mode over a label. */
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';

export function seededBytes(label: string): (n?: number) => Uint8Array {
  const seed = sha256(utf8ToBytes(label));
  let counter = 0;
  let pool = new Uint8Array(0);
  return (n = 32) => {
    while (pool.length < n) {
      const block = new Uint8Array(36);
      block.set(seed);
      new DataView(block.buffer).setUint32(32, counter++);
      const next = new Uint8Array(pool.length + 32);
      next.set(pool);
      next.set(sha256(block), pool.length);
      pool = next;
    }
    const out = pool.slice(0, n);
    pool = pool.slice(n);
    return out;
  };
}
