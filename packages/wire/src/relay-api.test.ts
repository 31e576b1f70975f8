import { schnorr } from '@noble/curves/secp256k1.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import {
  AckRequest,
  AnnouncementsResponse,
  bodySha256Hex,
  formatRelayAuthHeader,
  PostMessageRequest,
  parseRelayAuthHeader,
  ReadInboxQuery,
  RelayError,
  relayAuthDigest,
  signRelayRequest,
  taggedHash,
} from './relay-api.ts';

const sk = hexToBytes('0000000000000000000000000000000000000000000000000000000000000003');

describe('relay API schemas', () => {
  it('accepts a post to several parties and to all', () => {
    expect(PostMessageRequest.parse({ id: 'm-1', to: ['1', '2'], envelope: 'ab01' }).to).toEqual([
      '1',
      '2',
    ]);
    expect(PostMessageRequest.parse({ id: 'm-1', to: 'all', envelope: '00' }).to).toBe('all');
  });

  it.each([
    ['unknown field', { id: 'm', to: 'all', envelope: '00', extra: 1 }],
    ['odd hex', { id: 'm', to: 'all', envelope: 'abc' }],
    ['uppercase hex', { id: 'm', to: 'all', envelope: 'AB' }],
    ['empty envelope', { id: 'm', to: 'all', envelope: '' }],
    ['empty recipients', { id: 'm', to: [], envelope: '00' }],
    ['bad party', { id: 'm', to: ['a b'], envelope: '00' }],
    ['bad id', { id: 'm/1', to: 'all', envelope: '00' }],
    ['long id', { id: 'x'.repeat(129), to: 'all', envelope: '00' }],
  ])('rejects a post with %s', (_name, body) => {
    expect(PostMessageRequest.safeParse(body).success).toBe(false);
  });

  it('coerces and bounds the read query', () => {
    expect(ReadInboxQuery.parse({ after: '5', wait: '100' })).toEqual({
      after: 5,
      limit: 100,
      wait: 100,
    });
    expect(ReadInboxQuery.safeParse({ limit: '0' }).success).toBe(false);
    expect(ReadInboxQuery.safeParse({ wait: '30001' }).success).toBe(false);
    expect(ReadInboxQuery.safeParse({ after: '-1' }).success).toBe(false);
    expect(ReadInboxQuery.safeParse({ after: '1.5' }).success).toBe(false);
    expect(ReadInboxQuery.safeParse({ other: '1' }).success).toBe(false);
  });

  it.each([
    ['empty after', { after: '' }],
    ['blank after', { after: ' 5' }],
    ['hex after', { after: '0x10' }],
    ['exponent after', { after: '1e3' }],
    ['leading zero', { after: '05' }],
    ['empty wait', { wait: '' }],
    ['repeated after', { after: ['1', '2'] }],
  ])('rejects a read query with %s (never read as another number)', (_name, query) => {
    expect(ReadInboxQuery.safeParse(query).success).toBe(false);
  });

  it('checks the announcements answer strictly', () => {
    const one = { party: '1', sequence: 1_700_000_000, envelope: '7b7d' };
    expect(AnnouncementsResponse.parse({ announcements: [one] }).announcements).toEqual([one]);
    expect(AnnouncementsResponse.parse({ announcements: [] }).announcements).toEqual([]);
    for (const bad of [
      { ...one, sequence: 0 },
      { ...one, sequence: 2 ** 32 },
      { ...one, envelope: '' },
      { ...one, envelope: '7B7D' },
      { ...one, party: '' },
      { ...one, key: 'x' },
    ]) {
      expect(AnnouncementsResponse.safeParse({ announcements: [bad] }).success).toBe(false);
    }
    expect(AnnouncementsResponse.safeParse({}).success).toBe(false);
  });

  it('rejects a negative ack cursor and a lenient error body', () => {
    expect(AckRequest.safeParse({ cursor: -1 }).success).toBe(false);
    expect(RelayError.safeParse({ error: 'internal', message: 'x', stack: 's' }).success).toBe(
      false,
    );
  });
});

describe('relay request authentication', () => {
  it('tagged hash follows BIP340 (empty tag and message)', () => {
    // SHA256(SHA256("")||SHA256("")) computed independently.
    expect(bytesToHex(taggedHash('', new Uint8Array()))).toBe(
      '2dba5dbc339e7316aea2683faf839c1b7b1ee2313db792112588118df066aa35',
    );
  });

  it('signs a request that verifies over the same fields only', () => {
    const fields = {
      federation: 'fed',
      method: 'POST',
      pathAndQuery: '/v1/messages',
      timestamp: 1_700_000_000_000,
      party: '1',
    };
    const body = utf8ToBytes('{"a":1}');
    const header = signRelayRequest(sk, { ...fields, body, nonce: '00'.repeat(16) });
    const parsed = parseRelayAuthHeader(header);
    expect(parsed).toBeDefined();
    if (!parsed) return;
    expect(formatRelayAuthHeader(parsed)).toBe(header);
    const pub = schnorr.getPublicKey(sk);
    const digest = relayAuthDigest({
      ...fields,
      bodySha256: bodySha256Hex(body),
      nonce: parsed.nonce,
    });
    expect(schnorr.verify(hexToBytes(parsed.sig), digest, pub)).toBe(true);
    const other = relayAuthDigest({
      ...fields,
      pathAndQuery: '/v1/messages?x=1',
      bodySha256: bodySha256Hex(body),
      nonce: parsed.nonce,
    });
    expect(schnorr.verify(hexToBytes(parsed.sig), other, pub)).toBe(false);
  });

  it.each([
    'Bearer abc',
    'PEG-BIP340 party=1,ts=1,nonce=00,sig=00',
    `PEG-BIP340 party=a b,ts=1,nonce=${'0'.repeat(32)},sig=${'0'.repeat(128)}`,
    `PEG-BIP340 party=1,ts=1,nonce=${'0'.repeat(32)},sig=${'0'.repeat(128)},x=1`,
  ])('rejects the malformed header %s', (h) => {
    expect(parseRelayAuthHeader(h)).toBeUndefined();
  });
});
