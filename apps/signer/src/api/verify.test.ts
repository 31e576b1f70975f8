import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { describe, expect, test } from 'vitest';
import { federationKeyOf, SK, signAggregate, signOutput } from '../../test/fixtures.ts';
import { verifySignature } from './verify.ts';

const key = federationKeyOf(SK, 3);
const msg = sha256(new TextEncoder().encode('sweep input 0'));
const hex = bytesToHex;

describe('verifySignature (BIP340 against the federation key)', () => {
  test('an untweaked signature verifies under the aggregate key only', () => {
    const sig = hex(signAggregate(SK, msg));
    const req = { key: 'aggregate' as const, message: hex(msg), signature: sig };
    expect(verifySignature(req, key)).toEqual({
      valid: true,
      key: 'aggregate',
      publicKey: key.aggregateKey.slice(2),
      dkgId: 3,
    });
    expect(verifySignature({ ...req, key: 'output' }, key)?.valid).toBe(false);
  });

  test('a key-path signature verifies under the output key only', () => {
    const sig = hex(signOutput(SK, msg));
    const req = { key: 'output' as const, message: hex(msg), signature: sig };
    expect(verifySignature(req, key)).toEqual({
      valid: true,
      key: 'output',
      publicKey: key.outputKey,
      dkgId: 3,
    });
    expect(verifySignature({ ...req, key: 'aggregate' }, key)?.valid).toBe(false);
  });

  test('an odd-y aggregate key works too (BIP340 keys are x-only)', () => {
    let sk = 1;
    let k = federationKeyOf(new Uint8Array(32).fill(sk));
    while (k.aggregateKey.startsWith('02')) k = federationKeyOf(new Uint8Array(32).fill(++sk));
    const s = new Uint8Array(32).fill(sk);
    for (const [which, sign] of [
      ['aggregate', signAggregate],
      ['output', signOutput],
    ] as const) {
      const req = { key: which, message: hex(msg), signature: hex(sign(s, msg)) };
      expect(verifySignature(req, k)?.valid, which).toBe(true);
    }
  });

  test('any changed bit, another message or another key fails', () => {
    const sig = signOutput(SK, msg);
    const base = { key: 'output' as const, message: hex(msg), signature: hex(sig) };
    for (const i of [0, 31, 32, 63]) {
      const bad = sig.slice();
      bad[i] = (bad[i] as number) ^ 1;
      expect(verifySignature({ ...base, signature: hex(bad) }, key)?.valid, String(i)).toBe(false);
    }
    expect(verifySignature({ ...base, message: hex(sha256(msg)) }, key)?.valid).toBe(false);
    expect(verifySignature({ ...base, message: '' }, key)?.valid).toBe(false);
    const other = federationKeyOf(new Uint8Array(32).fill(0x43));
    expect(verifySignature(base, other)?.valid).toBe(false);
  });

  test('messages of any length (BIP340 variable-length messages)', () => {
    for (const m of [new Uint8Array(0), new Uint8Array(1).fill(7), new Uint8Array(100).fill(9)]) {
      const req = {
        key: 'aggregate' as const,
        message: hex(m),
        signature: hex(signAggregate(SK, m)),
      };
      expect(verifySignature(req, key)?.valid).toBe(true);
    }
  });

  test('unparseable encodings (r >= p, s >= n) are invalid, not errors', () => {
    const sig = hexToBytes(hex(signAggregate(SK, msg)));
    const rTooBig = hex(new Uint8Array([...new Uint8Array(32).fill(0xff), ...sig.subarray(32)]));
    const sTooBig = hex(new Uint8Array([...sig.subarray(0, 32), ...new Uint8Array(32).fill(0xff)]));
    for (const signature of [rTooBig, sTooBig, '00'.repeat(64)])
      expect(verifySignature({ key: 'aggregate', message: hex(msg), signature }, key)?.valid).toBe(
        false,
      );
  });

  test('no key yet: null (the route answers 409)', () => {
    const req = { key: 'aggregate' as const, message: '', signature: '00'.repeat(64) };
    expect(verifySignature(req, null)).toBeNull();
  });
});
