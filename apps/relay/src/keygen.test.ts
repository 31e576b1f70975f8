import { readFileSync } from 'node:fs';
import { schnorr } from '@noble/curves/secp256k1.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { parseMembership } from './core/membership.ts';
import { keygenCommand, memberKey } from './keygen.ts';

describe('peg-relay keygen', () => {
  it('prints a fresh key pair whose entry belongs in a members file', () => {
    const a = JSON.parse(keygenCommand(['--id', '3']));
    const b = JSON.parse(keygenCommand(['--id', '3']));
    expect(a.secretKey).toMatch(/^[0-9a-f]{64}$/);
    expect(a.secretKey).not.toBe(b.secretKey);
    expect(a.entry).toEqual({
      id: '3',
      key: bytesToHex(schnorr.getPublicKey(hexToBytes(a.secretKey))),
    });
    const m = parseMembership({ federation: 'f', members: [a.entry], admins: [] });
    expect(bytesToHex(m.members.get('3')!.keys[0]!)).toBe(a.entry.key);
  });

  it('refuses a missing or invalid id, and a stray argument', () => {
    expect(() => keygenCommand([])).toThrow(/--id/);
    expect(() => keygenCommand(['--id', 'a.b'])).toThrow(/not a valid member id/);
    expect(() => keygenCommand(['--id', '1', 'extra'])).toThrow();
    expect(keygenCommand(['--help'])).toMatch(/Usage: peg-relay keygen/);
  });

  it('is deterministic for a given secret key', () => {
    const sk = new Uint8Array(32).fill(7);
    expect(memberKey('ops', sk)).toEqual({
      secretKey: '07'.repeat(32),
      entry: { id: 'ops', key: bytesToHex(schnorr.getPublicKey(sk)) },
    });
  });
});

describe('members.example.json', () => {
  it('is a valid members file', () => {
    const file = JSON.parse(
      readFileSync(new URL('../members.example.json', import.meta.url), 'utf8'),
    ) as unknown;
    const m = parseMembership(file);
    expect([...m.members.keys()]).toEqual(['1', '2', '3']);
    expect([...m.admins.keys()]).toEqual(['ops']);
  });
});
