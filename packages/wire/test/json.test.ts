import { bytesToHex } from '@noble/hashes/utils.js';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  canonicalJson,
  defineLimits,
  type EnvelopeJson,
  type EnvelopeJsonOf,
  open,
  type PayloadJsonOf,
  seal,
  sealJson,
  type UnsignedEnvelopeJson,
  type UnsignedEnvelopeJsonOf,
} from '../src/index.ts';
import { COORDINATOR, failedDkgEnd, keyMap, publicKeyOf, sample, secretKeyOf } from './samples.ts';

// The JSON form of envelopes: `open`'s `json` and `sealJson`. The golden cases (golden.test.ts)
// check byte equality with `seal`; here the refusals, the types and the independence of `json`.

const keys = keyMap(5);
const coordinatorKey = publicKeyOf(COORDINATOR);

/** The unsigned JSON form of a sample, as `open` returns it. */
function jsonOf(kind: Parameters<typeof sample>[0]): UnsignedEnvelopeJson {
  const message = sample(kind);
  const opened = open(seal(message, secretKeyOf(message.sender.partyId)), keys, {
    coordinatorKey,
  });
  if (!opened.ok) throw new Error(`sample ${kind} does not open`);
  const { version: _v, signature: _s, ...unsigned } = opened.json;
  return unsigned;
}

describe('JSON form', () => {
  it('types: byte fields are hex strings, ids numbers, unions per kind', () => {
    expectTypeOf<EnvelopeJsonOf<'signer-ready'>['signature']>().toEqualTypeOf<string>();
    expectTypeOf<EnvelopeJsonOf<'signer-ready'>['sender']['publicKey']>().toEqualTypeOf<string>();
    expectTypeOf<PayloadJsonOf<'dkg-private-begin'>>().toEqualTypeOf<{
      partyIds: number[];
      echo: string[];
    }>();
    expectTypeOf<UnsignedEnvelopeJsonOf<'dkg-end-begin'>>().not.toHaveProperty('signature');
    expectTypeOf<UnsignedEnvelopeJsonOf<'dkg-end-begin'>>().not.toHaveProperty('version');
    expectTypeOf<UnsignedEnvelopeJsonOf<'dkg-end-begin'>['dkgId']>().toEqualTypeOf<number>();
    expectTypeOf<EnvelopeJson['kind']>().toEqualTypeOf<UnsignedEnvelopeJson['kind']>();
  });

  it("open's json is plain data, independent of value", () => {
    const message = failedDkgEnd();
    const bytes = seal(message, secretKeyOf(message.sender.partyId));
    const opened = open(bytes, keys);
    if (!opened.ok) throw new Error('does not open');
    expect(Object.getPrototypeOf(opened.json)).toBe(Object.prototype);
    expect(canonicalJson(opened.json)).toBe(new TextDecoder().decode(bytes));
    expect(opened.json.sender.publicKey).toBe(bytesToHex(message.sender.publicKey));
    (opened.json.sender as { partyId: number }).partyId = 99;
    expect(opened.value.sender.partyId).toBe(message.sender.partyId);
  });

  it('sealJson refuses a key that is not the sender key, or a key not in hex form', () => {
    const message = jsonOf('nonce-response');
    expect(() => sealJson(message, secretKeyOf(3))).toThrow(
      /secret key does not belong to sender.publicKey/,
    );
    const upper = {
      ...message,
      sender: { ...message.sender, publicKey: message.sender.publicKey.toUpperCase() },
    };
    expect(() => sealJson(upper, secretKeyOf(2))).toThrow(TypeError);
  });

  it('sealJson refuses what seal refuses, naming the path', () => {
    const message = jsonOf('dkg-private-begin') as UnsignedEnvelopeJsonOf<'dkg-private-begin'>;
    const short = {
      ...message,
      payload: { ...message.payload, echo: message.payload.echo.slice(1) },
    };
    expect(() => sealJson(short, secretKeyOf(COORDINATOR))).toThrow(/payload\.echo/);
    const upper = {
      ...message,
      payload: { ...message.payload, echo: message.payload.echo.map((h) => h.toUpperCase()) },
    };
    expect(() => sealJson(upper, secretKeyOf(COORDINATOR))).toThrow(/payload\.echo\.0/);
    const extra = { ...message, extra: 1 } as UnsignedEnvelopeJson;
    expect(() => sealJson(extra, secretKeyOf(COORDINATOR))).toThrow(TypeError);
  });

  it('sealJson refuses byte fields given as Uint8Array (the decoded form)', () => {
    const message = jsonOf(
      'signature-share-response',
    ) as UnsignedEnvelopeJsonOf<'signature-share-response'>;
    const decoded = {
      ...message,
      payload: { shares: message.payload.shares.map(() => new Uint8Array(32).fill(1)) },
    } as unknown as UnsignedEnvelopeJson;
    expect(() => sealJson(decoded, secretKeyOf(2))).toThrow(/payload\.shares\.0/);
  });

  it('sealJson refuses an envelope over the byte limit (RangeError), as seal does', () => {
    const message = jsonOf('signer-ready');
    const limits = defineLimits({ maxBytes: 200 });
    expect(() => sealJson(message, secretKeyOf(2), { limits })).toThrow(RangeError);
    expect(() => seal(sample('signer-ready'), secretKeyOf(2), { limits })).toThrow(RangeError);
  });
});
