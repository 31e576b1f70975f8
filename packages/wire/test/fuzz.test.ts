import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, KINDS, open, seal, type UnsignedEnvelope } from '../src/index.ts';
import { clone, type Json, signRaw } from './raw.ts';
import { COORDINATOR, failedDkgEnd, keyMap, publicKeyOf, sample, secretKeyOf } from './samples.ts';

// Seeded fuzzing (fast-check). A failing run prints its seed and path; rerun with them.

const keys = keyMap(5);
const coordinatorKey = publicKeyOf(COORDINATOR);
const messages: UnsignedEnvelope[] = [...KINDS.map((kind) => sample(kind)), failedDkgEnd()];
const sealed = messages.map((m) =>
  seal(m, secretKeyOf(m.sender.partyId), { auxRand: new Uint8Array(32) }),
);

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Opens, turning a throw into a test failure with the input attached. */
function safeOpen(input: Uint8Array | string) {
  try {
    return open(input, keys, { coordinatorKey });
  } catch (error) {
    throw new Error(`open threw ${String(error)}`);
  }
}

type Mutation =
  | { type: 'hex'; at: number; digit: number }
  | { type: 'set'; at: number; byte: number }
  | { type: 'flip'; at: number; bit: number }
  | { type: 'insert'; at: number; bytes: Uint8Array }
  | { type: 'delete'; at: number; count: number }
  | { type: 'truncate'; at: number }
  | { type: 'splice'; at: number; from: number; start: number; count: number };

// A relative position in [0, 1). (fc.double is biased towards tiny values; integers spread.)
const position = fc.integer({ min: 0, max: 999_999 }).map((n) => n / 1_000_000);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  // Same-class changes (hex digit for hex digit) keep the text valid and reach the signature.
  {
    arbitrary: fc.record({
      type: fc.constant('hex' as const),
      at: position,
      digit: fc.integer({ min: 0, max: 15 }),
    }),
    weight: 6,
  },
  fc.record({
    type: fc.constant('set' as const),
    at: position,
    byte: fc.integer({ min: 0, max: 255 }),
  }),
  fc.record({
    type: fc.constant('set' as const),
    at: position,
    byte: fc.constantFrom(...'0123456789abcdef"{}[],:-'.split('').map((c) => c.charCodeAt(0))),
  }),
  fc.record({
    type: fc.constant('flip' as const),
    at: position,
    bit: fc.integer({ min: 0, max: 7 }),
  }),
  fc.record({
    type: fc.constant('insert' as const),
    at: position,
    bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
  }),
  fc.record({
    type: fc.constant('delete' as const),
    at: position,
    count: fc.integer({ min: 1, max: 8 }),
  }),
  fc.record({ type: fc.constant('truncate' as const), at: position }),
  fc.record({
    type: fc.constant('splice' as const),
    at: position,
    from: fc.nat(messages.length - 1),
    start: position,
    count: fc.integer({ min: 1, max: 80 }),
  }),
);

function apply(bytes: Uint8Array, m: Mutation): Uint8Array {
  const at = Math.floor((m as { at: number }).at * bytes.length);
  switch (m.type) {
    case 'hex': {
      const out = bytes.slice();
      // Move to the next hex digit at or after `at` and replace it with another hex digit.
      let i = at;
      while (i < out.length && !/[0-9a-f]/.test(String.fromCharCode(out[i] as number))) i++;
      if (i < out.length) out[i] = '0123456789abcdef'.charCodeAt(m.digit);
      return out;
    }
    case 'set': {
      const out = bytes.slice();
      out[at] = m.byte;
      return out;
    }
    case 'flip': {
      const out = bytes.slice();
      out[at] = (out[at] as number) ^ (1 << m.bit);
      return out;
    }
    case 'insert':
      return new Uint8Array([...bytes.subarray(0, at), ...m.bytes, ...bytes.subarray(at)]);
    case 'delete':
      return new Uint8Array([...bytes.subarray(0, at), ...bytes.subarray(at + m.count)]);
    case 'truncate':
      return bytes.subarray(0, at);
    case 'splice': {
      const donor = sealed[m.from] as Uint8Array;
      const start = Math.floor(m.start * donor.length);
      return new Uint8Array([
        ...bytes.subarray(0, at),
        ...donor.subarray(start, start + m.count),
        ...bytes.subarray(at + m.count),
      ]);
    }
  }
}

describe('fuzzing', { timeout: 180_000 }, () => {
  it('byte mutations of valid envelopes never open to another value, never throw (10,000 cases)', () => {
    const seen = new Map<string, number>();
    fc.assert(
      fc.property(
        fc.nat(messages.length - 1),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        (index, mutations) => {
          const original = sealed[index] as Uint8Array;
          const mutated = mutations.reduce(apply, original);
          const result = safeOpen(mutated);
          if (result.ok) {
            // Only an unchanged envelope may open (mutations can cancel out).
            expect(equal(mutated, original)).toBe(true);
          } else {
            expect(result.error.code).not.toBe('internal');
            seen.set(result.error.code, (seen.get(result.error.code) ?? 0) + 1);
          }
        },
      ),
      { seed: 20261121, numRuns: 10_000 },
    );
    // The mutations reach deep checks, not only the parser.
    expect(seen.get('bad-signature') ?? 0).toBeGreaterThan(1000);
    expect(seen.get('invalid') ?? 0).toBeGreaterThan(1000);
  });

  it('validly signed structural mutations decode losslessly or fail typed (2,000 cases)', () => {
    const raws = sealed.map((bytes) => {
      const { signature: _s, ...rest } = JSON.parse(new TextDecoder().decode(bytes)) as {
        [k: string]: Json;
      };
      return rest;
    });
    // Replace, delete or add one member somewhere in the envelope, then sign it properly.
    const edit = fc.record({
      index: fc.nat(raws.length - 1),
      pick: position,
      action: fc.constantFrom('replace', 'delete', 'add'),
      value: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
      key: fc.constantFrom(
        'extra',
        '__proto__',
        'constructor',
        'type',
        'partyId',
        'keyIds',
        'z',
        'echo',
        'evidence',
        'accused',
      ),
    });
    fc.assert(
      fc.property(edit, ({ index, pick, action, value, key }) => {
        const raw = clone(raws[index] as { [k: string]: Json });
        const slots: { parent: Json[] | { [k: string]: Json }; key: string | number }[] = [];
        const walk = (node: Json) => {
          if (Array.isArray(node))
            node.forEach((child, i) => {
              slots.push({ parent: node, key: i });
              walk(child);
            });
          else if (node !== null && typeof node === 'object')
            for (const k of Object.keys(node)) {
              slots.push({ parent: node, key: k });
              walk(node[k] as Json);
            }
        };
        walk(raw);
        const slot = slots[Math.floor(pick * slots.length)];
        if (slot !== undefined) {
          const { parent } = slot;
          if (action === 'replace') (parent as Record<string | number, Json>)[slot.key] = value;
          else if (action === 'delete') {
            if (Array.isArray(parent)) parent.splice(slot.key as number, 1);
            else delete parent[slot.key as string];
          } else if (!Array.isArray(parent))
            Object.defineProperty(parent, key, {
              value,
              enumerable: true,
              configurable: true,
              writable: true,
            });
        }
        if (canonicalJson(raw) === undefined) return;
        const claimed = (raw.sender as { partyId?: unknown } | null | undefined)?.partyId;
        const signer = typeof claimed === 'number' && keys.has(claimed) ? claimed : 2;
        const text = signRaw(raw, signer);
        const result = safeOpen(text);
        if (result.ok) {
          // Whatever opens re-seals to exactly the bytes that came in: one encoding per value.
          const { version: _v, signature: _sig, ...unsigned } = result.value;
          const again = seal(
            unsigned as UnsignedEnvelope,
            secretKeyOf(result.value.sender.partyId),
            { auxRand: new Uint8Array(32) },
          );
          expect(new TextDecoder().decode(again)).toBe(text);
        } else {
          expect(result.error.code).not.toBe('internal');
        }
      }),
      { seed: 424242, numRuns: 2_000 },
    );
  });

  it('arbitrary JSON and arbitrary bytes never throw (2,000 cases)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue().map((v) => JSON.stringify(v) ?? ''),
          fc.string(),
          fc.uint8Array({ maxLength: 300 }),
        ),
        (input) => {
          const result = safeOpen(input);
          expect(result.ok).toBe(false);
          if (!result.ok) expect(result.error.code).not.toBe('internal');
        },
      ),
      { seed: 99, numRuns: 2_000 },
    );
  });
});
