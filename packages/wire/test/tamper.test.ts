import { describe, expect, it } from 'vitest';
import { KINDS, open, seal, type UnsignedEnvelope } from '../src/index.ts';
import { COORDINATOR, failedDkgEnd, keyMap, publicKeyOf, sample, secretKeyOf } from './samples.ts';

// The signature covers every field: change any one byte of a sealed envelope, keeping it the
// same kind of character (a hex digit for another hex digit, a digit for a digit, a letter for
// a letter) so the text still parses and still fits the schema where possible, and `open`
// must refuse it. Every byte position of one sample of every kind is tried.

const keys = keyMap(5);
const coordinatorKey = publicKeyOf(COORDINATOR);

function sameClass(byte: number): number {
  const c = String.fromCharCode(byte);
  if (/[0-9]/.test(c)) return c === '9' ? 0x30 : byte + 1; // also hex digits 0-9
  if (/[a-f]/.test(c)) return c === 'f' ? 0x30 : byte + 1; // hex letters stay hex
  if (/[g-z]/.test(c)) return c === 'z' ? 0x67 : byte + 1;
  if (/[A-Z]/.test(c)) return c === 'Z' ? 0x41 : byte + 1;
  return byte ^ 0x01;
}

const cases: UnsignedEnvelope[] = [...KINDS.map((kind) => sample(kind)), failedDkgEnd()];

describe('changing any byte makes open fail', { timeout: 120_000 }, () => {
  for (const message of cases) {
    it(`${message.kind}${message.kind === 'dkg-end' ? ` (${message.payload.status.type})` : ''}`, () => {
      const bytes = seal(message, secretKeyOf(message.sender.partyId));
      expect(open(bytes, keys, { coordinatorKey }).ok).toBe(true);
      const failures = new Map<string, number>();
      for (let i = 0; i < bytes.length; i++) {
        for (const change of [sameClass(bytes[i] as number), (bytes[i] as number) ^ 0x80]) {
          const mutated = bytes.slice();
          mutated[i] = change;
          const result = open(mutated, keys, { coordinatorKey });
          if (result.ok) throw new Error(`byte ${i} changed to ${change} still opens`);
          failures.set(result.error.code, (failures.get(result.error.code) ?? 0) + 1);
        }
      }
      // Most same-class changes parse and fit the schema: the signature is what stops them.
      expect(failures.get('bad-signature') ?? 0).toBeGreaterThan(bytes.length / 3);
      expect(failures.has('internal')).toBe(false);
    });
  }
});
