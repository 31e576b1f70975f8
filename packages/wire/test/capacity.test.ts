import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, open, seal, type UnsignedEnvelopeOf } from '../src/index.ts';
import {
  COORDINATOR,
  keyMap,
  pointBytes,
  publicKeyOf,
  sample,
  scalarBytes,
  secretKeyOf,
  uncompressedPointBytes,
} from './samples.ts';

// The largest layouts the defaults are sized for (150 parties, 4000 key ids, threshold 2800,
// 128 messages per round) fit DEFAULT_LIMITS and round-trip.

const keys = keyMap(150);
const coordinatorKey = publicKeyOf(COORDINATOR);
const parties = 150;
const keyIds = 4000;
const perParty = Math.floor(keyIds / parties);
const keyIdsOf = (p: number) => {
  const first = p * perParty + 1;
  const count = p === parties - 1 ? keyIds - p * perParty : perParty;
  return Array.from({ length: count }, (_, k) => first + k);
};
// A few distinct points reused (the decoder does not care whether points repeat).
const points = Array.from({ length: 16 }, (_, i) => pointBytes(`p-${i}`));

function roundTrip(message: Parameters<typeof seal>[0]) {
  const bytes = seal(message, secretKeyOf(message.sender.partyId));
  expect(bytes.length).toBeLessThanOrEqual(DEFAULT_LIMITS.maxBytes);
  const result = open(bytes, keys, { coordinatorKey });
  expect(result.ok).toBe(true);
  return bytes.length;
}

describe('capacity of the default limits', { timeout: 120_000 }, () => {
  it('DkgPublicShares with threshold 2800', () => {
    const base = sample('dkg-public-shares') as UnsignedEnvelopeOf<'dkg-public-shares'>;
    const commitment = uncompressedPointBytes('c');
    roundTrip({ ...base, payload: { ...base.payload, commitments: Array(2800).fill(commitment) } });
  });

  it('DkgPrivateShares to 150 parties, 4000 key ids, 48-byte ciphertexts', () => {
    const base = sample('dkg-private-shares') as UnsignedEnvelopeOf<'dkg-private-shares'>;
    const ciphertext = new Uint8Array(48).fill(7);
    const size = roundTrip({
      ...base,
      payload: {
        shares: Array.from({ length: parties }, (_, p) => ({
          partyId: p + 1,
          keyShares: keyIdsOf(p).map((keyId) => ({ keyId, ciphertext })),
        })),
      },
    });
    expect(size).toBeLessThan(1_000_000);
  });

  it('SignatureShareRequest for 150 parties and 128 messages', () => {
    const base = sample('signature-share-request') as UnsignedEnvelopeOf<'signature-share-request'>;
    const messages = Array.from({ length: 128 }, (_, i) => scalarBytes(`m-${i}`));
    const size = roundTrip({
      ...base,
      payload: {
        ...base.payload,
        messages,
        commitments: Array.from({ length: parties }, (_, p) => ({
          partyId: p + 1,
          keyIds: keyIdsOf(p),
          nonces: messages.map((_, i) => ({
            hiding: points[i % 16] as Uint8Array,
            binding: points[(i + p) % 16] as Uint8Array,
          })),
        })),
      },
    });
    expect(size).toBeGreaterThan(2_000_000);
  });
});
