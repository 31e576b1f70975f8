import { schnorr } from '@noble/curves/secp256k1.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { hmacSha256, sha256Hex } from '../native-hash.ts';
import { chainMembership, mayBeAnnouncement } from './chain-membership.ts';
import { nextAfter, planAck, readStart } from './cursor.ts';
import { parseMembership } from './membership.ts';
import { NonceCache } from './nonce-cache.ts';
import { TokenBuckets } from './rate-limit.ts';
import { postDigest, resolveRecipients } from './recipients.ts';
import { issueToken, verifyToken } from './token.ts';

const X1 = '79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798';
const X2 = 'c6047f9441ed7d6d3045406e95c07cd85c778e4b8cef3ca7abac09b95c709ee5';
const m = parseMembership({
  federation: 'f',
  members: [
    { id: '1', key: X1 },
    { id: '2', key: `03${X2}` },
  ],
});

describe('membership', () => {
  it('accepts x-only and compressed keys and reduces them to x-only', () => {
    expect(Buffer.from(m.members.get('2')!.keys[0]!).toString('hex')).toBe(X2);
    expect(m.admins.size).toBe(0);
  });
  it.each([
    [
      'duplicate id',
      {
        federation: 'f',
        members: [
          { id: '1', key: X1 },
          { id: '1', key: X2 },
        ],
      },
    ],
    ['off-curve x', { federation: 'f', members: [{ id: '1', key: `${'0'.repeat(63)}5` }] }],
    ['x >= p', { federation: 'f', members: [{ id: '1', key: 'f'.repeat(64) }] }],
    ['hybrid prefix', { federation: 'f', members: [{ id: '1', key: `06${X1}` }] }],
    ['bad federation', { federation: 'a.b', members: [{ id: '1', key: X1 }] }],
    ['no members', { federation: 'f', members: [] }],
    ['unknown field', { federation: 'f', members: [{ id: '1', key: X1 }], x: 1 }],
  ])('rejects %s', (_n, file) => {
    expect(() => parseMembership(file)).toThrow();
  });
});

describe('chain membership', () => {
  const registered = (x: string) => ({ registeredKey: `02${x}` });
  const parties = [
    { id: 1, signer: 'S1', keyIds: [1], ...registered(X1) },
    { id: 2, signer: 'S2', keyIds: [2, 3], ...registered(X2) },
  ];
  it('makes P and P-coordinator per party, messaging key first, registered key (x-only) second', () => {
    const MK = bytesToHex(schnorr.getPublicKey(new Uint8Array(32).fill(9)));
    const cm = chainMembership('f', parties, (id) => (id === 2 ? MK : undefined));
    expect([...cm.members.keys()]).toEqual(['1', '1-coordinator', '2', '2-coordinator']);
    expect(cm.admins.size).toBe(0);
    const hexKeys = (id: string) => cm.members.get(id)!.keys.map(bytesToHex);
    expect(hexKeys('1')).toEqual([X1]);
    expect(hexKeys('1-coordinator')).toEqual([X1]);
    expect(hexKeys('2-coordinator')).toEqual([MK, X2]);
    expect(cm.members.get('2-coordinator')).toMatchObject({ party: '2', role: 'member' });
  });
  it('tokens bind the key they were issued for: a key leaving the member kills them', () => {
    const MK = bytesToHex(schnorr.getPublicKey(new Uint8Array(32).fill(9)));
    const secret = new Uint8Array(32).fill(1);
    const before = chainMembership('f', parties, () => MK);
    const p = before.members.get('1')!;
    const viaMessaging = issueToken(hmacSha256, secret, before, p, p.keys[0]!, 5_000);
    const viaRegistered = issueToken(hmacSha256, secret, before, p, p.keys[1]!, 5_000);
    const check = (m: typeof before, t: string) =>
      verifyToken(hmacSha256, secret, m, t, 1_000, 10_000);
    expect(check(before, viaMessaging)).toMatchObject({ ok: true, key: p.keys[0] });
    expect(check(before, viaRegistered)).toMatchObject({ ok: true, key: p.keys[1] });
    const rotated = chainMembership('f', parties, () => X2);
    expect(check(rotated, viaMessaging)).toEqual({ ok: false, reason: 'bad-token' });
    expect(check(rotated, viaRegistered)).toMatchObject({ ok: true });
    const removed = chainMembership('f', parties.slice(1), () => undefined);
    expect(check(removed, viaRegistered)).toEqual({ ok: false, reason: 'unknown-key' });
  });
  it('sniffs key announcements without parsing: small envelopes of that kind only', () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    expect(mayBeAnnouncement(enc('{"chainTip":{},"kind":"key-announcement","payload":{}}'))).toBe(
      true,
    );
    expect(mayBeAnnouncement(enc('{"kind":"signer-ready"}'))).toBe(false);
    expect(mayBeAnnouncement(enc(`{"kind":"key-announcement","x":"${'0'.repeat(5000)}"}`))).toBe(
      false,
    );
  });
});

describe('recipients', () => {
  it('resolves all without the sender, dedupes lists, flags unknown ids', () => {
    expect(resolveRecipients('all', '1', m)).toEqual({ ok: true, inboxes: ['2'] });
    expect(resolveRecipients(['2', '2', '1'], '1', m)).toEqual({ ok: true, inboxes: ['2', '1'] });
    expect(resolveRecipients(['3', '2', '3'], '1', m)).toEqual({ ok: false, unknown: ['3'] });
  });
  it('digests the target as a set plus the bytes', () => {
    const b = new Uint8Array([1]);
    expect(postDigest(['1', '2'], b, sha256Hex)).toBe(postDigest(['2', '1', '2'], b, sha256Hex));
    expect(postDigest(['1'], b, sha256Hex)).not.toBe(postDigest(['1', '2'], b, sha256Hex));
    expect(postDigest('all', b, sha256Hex)).not.toBe(postDigest(['1', '2'], b, sha256Hex));
    expect(postDigest('all', b, sha256Hex)).not.toBe(
      postDigest('all', new Uint8Array([2]), sha256Hex),
    );
  });
});

describe('cursor', () => {
  it('reads from the ack by default and chains next', () => {
    expect(readStart(undefined, 7)).toBe(7);
    expect(readStart(3, 7)).toBe(3);
    expect(nextAfter(7, [])).toBe(7);
    expect(
      nextAfter(7, [{ seq: 9, id: 'a', from: '1', receivedAt: 0, envelope: new Uint8Array() }]),
    ).toBe(9);
  });
  it('plans acks: forward only, never past the head', () => {
    expect(planAck(5, 8, 10)).toEqual({ kind: 'advance', cursor: 8 });
    expect(planAck(5, 3, 10)).toEqual({ kind: 'keep', cursor: 5 });
    expect(planAck(5, 11, 10)).toEqual({ kind: 'ahead', head: 10 });
    expect(planAck(0, 0, 0)).toEqual({ kind: 'keep', cursor: 0 });
  });
});

describe('token buckets', () => {
  it('throttles one key and refills over time, independently per key', () => {
    const b = new TokenBuckets({ perSecond: 10, burst: 3 });
    expect([1, 2, 3].map(() => b.take('a', 0).ok)).toEqual([true, true, true]);
    const r = b.take('a', 0);
    expect(r).toEqual({ ok: false, retryAfterMs: 100 });
    expect(b.take('b', 0).ok).toBe(true);
    expect(b.take('a', 100).ok).toBe(true);
    expect(b.take('a', 100).ok).toBe(false);
  });
  it('peeks without taking and prunes refilled buckets', () => {
    const b = new TokenBuckets({ perSecond: 1, burst: 1 });
    expect(b.peek('a', 0)).toBe(true);
    expect(b.take('a', 0).ok).toBe(true);
    expect(b.peek('a', 0)).toBe(false);
    expect(b.peek('a', 1000)).toBe(true);
    b.prune(500);
    expect(b.size).toBe(1);
    b.prune(1000);
    expect(b.size).toBe(0);
  });
  it('rejects nonsense limits', () => {
    expect(() => new TokenBuckets({ perSecond: 0, burst: 1 })).toThrow(RangeError);
  });
});

describe('nonce cache', () => {
  it('remembers until expiry and refuses when full of live entries', () => {
    const c = new NonceCache(2);
    expect(c.add('a', 100, 0)).toBe(true);
    expect(c.has('a', 50)).toBe(true);
    expect(c.has('a', 100)).toBe(false);
    expect(c.add('b', 100, 0)).toBe(true);
    expect(c.add('c', 100, 0)).toBe(false);
    expect(c.add('c', 300, 150)).toBe(true);
    expect(c.size).toBe(1);
  });
});
