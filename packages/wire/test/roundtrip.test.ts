import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  defaultSchemas,
  KINDS,
  open,
  PROTOCOL_VERSION,
  seal,
  type UnsignedEnvelope,
} from '../src/index.ts';
import { COORDINATOR, failedDkgEnd, keyMap, publicKeyOf, sample, secretKeyOf } from './samples.ts';

const keys = keyMap(5);
const coordinatorKey = publicKeyOf(COORDINATOR);

function roundTrip(message: UnsignedEnvelope) {
  const bytes = seal(message, secretKeyOf(message.sender.partyId));
  const opened = open(bytes, keys, { coordinatorKey });
  if (!opened.ok) throw new Error(`open failed: ${JSON.stringify(opened.error)}`);
  return { bytes, opened };
}

describe('seal/open round trip', () => {
  const cases: UnsignedEnvelope[] = [...KINDS.map((kind) => sample(kind)), failedDkgEnd()];
  for (const message of cases) {
    it(`${message.kind}${message.kind === 'dkg-end' ? ` (${message.payload.status.type})` : ''}`, () => {
      const { bytes, opened } = roundTrip(message);
      const { signature, version, ...rest } = opened.value;
      expect(version).toBe(PROTOCOL_VERSION);
      expect(signature).toHaveLength(64);
      expect(rest).toEqual(message);
      // The same value seals to the same bytes except the signature; re-sealing with the same
      // aux randomness gives identical bytes.
      const aux = new Uint8Array(32);
      const a = seal(message, secretKeyOf(message.sender.partyId), { auxRand: aux });
      const b = seal(message, secretKeyOf(message.sender.partyId), { auxRand: aux });
      expect(a).toEqual(b);
      // The wire text is the canonical JSON of itself.
      const text = new TextDecoder().decode(bytes);
      expect(canonicalJson(JSON.parse(text))).toBe(text);
      // The string form opens too.
      expect(open(text, keys, { coordinatorKey }).ok).toBe(true);
    });
  }

  it('exposes a schema for every kind', () => {
    expect(Object.keys(defaultSchemas.envelopes).sort()).toEqual([...KINDS].sort());
  });

  it('returns the signing digest as a stable message id', () => {
    const message = sample('nonce-response');
    const aux = new Uint8Array(32);
    const a = open(seal(message, secretKeyOf(2), { auxRand: aux }), keys);
    const b = open(seal(message, secretKeyOf(2)), keys);
    expect(a.ok && b.ok).toBe(true);
    if (a.ok && b.ok) expect(a.digest).toEqual(b.digest);
  });
});

describe('seal refuses what it cannot send', () => {
  it('a secret key that is not the sender key', () => {
    expect(() => seal(sample('signer-ready'), secretKeyOf(3))).toThrow(TypeError);
  });
  it('a message that breaks the schema, naming the path', () => {
    const message = sample('signer-ready');
    const bad = { ...message, payload: { keyIds: [3, 2] } } as UnsignedEnvelope;
    expect(() => seal(bad, secretKeyOf(2))).toThrow(/payload\.keyIds/);
  });
  it('an encoding over maxBytes', async () => {
    const { defineLimits } = await import('../src/index.ts');
    const limits = defineLimits({ maxBytes: 400 });
    expect(() => seal(sample('nonce-request'), secretKeyOf(1), { limits })).toThrow(RangeError);
  });
  it('a hand-made limits object that is not valid (never treated as "no limit")', async () => {
    const { DEFAULT_LIMITS } = await import('../src/index.ts');
    const limits = { ...DEFAULT_LIMITS, maxBytes: Number.NaN };
    expect(() => seal(sample('signer-ready'), secretKeyOf(2), { limits })).toThrow(/maxBytes/);
    const opened = open(seal(sample('signer-ready'), secretKeyOf(2)), keys, { limits });
    expect(opened.ok).toBe(false);
  });
});
