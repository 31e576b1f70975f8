import { describe, expect, it } from 'vitest';
import { checkEnvelopeSender } from './sender.ts';

const X = '79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798';
const env = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));

describe('envelope sender check', () => {
  it('accepts the authenticated party as sender and refuses another', () => {
    const e = env({ kind: 'x', sender: { partyId: 3, publicKey: X } });
    expect(checkEnvelopeSender(e, '3')).toBe('ok');
    expect(checkEnvelopeSender(e, '4')).toBe('mismatch');
  });
  it.each([
    ['not JSON', new Uint8Array([0xff, 0x00])],
    ['JSON without sender', env({ kind: 'x' })],
    ['bad sender', env({ sender: { partyId: 0, publicKey: X } })],
    ['array', env([1])],
  ])('reports %s as not an envelope', (_n, bytes) => {
    expect(checkEnvelopeSender(bytes, '3')).toBe('not-an-envelope');
  });
});
