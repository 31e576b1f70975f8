import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { canonicalJson, KINDS, open, seal, sealJson } from '../src/index.ts';
import { GOLDEN_DIR, goldenCases } from './golden-cases.ts';
import { COORDINATOR, keyMap, publicKeyOf, secretKeyOf } from './samples.ts';

// A failure here means the encoding changed: that is a protocol version change. If it is
// intended, bump PROTOCOL_VERSION, run `pnpm --filter @peg/wire golden`, and document it.

const keys = keyMap(5);

describe('golden fixtures', () => {
  const cases = goldenCases();

  it('cover every kind, and nothing else is in the folder', () => {
    const files = readdirSync(GOLDEN_DIR)
      .filter((f) => f.endsWith('.json'))
      .sort();
    expect(files).toEqual(cases.map((c) => `${c.name}.json`).sort());
    for (const kind of KINDS) expect(files).toContain(`${kind}.json`);
  });

  for (const { name, message, bytes } of cases) {
    it(`${name}: today's encoding equals the checked-in bytes, and they open to the same value`, () => {
      const golden = new Uint8Array(readFileSync(new URL(`${name}.json`, GOLDEN_DIR)));
      expect(new TextDecoder().decode(bytes)).toBe(new TextDecoder().decode(golden));
      const opened = open(golden, keys, { coordinatorKey: publicKeyOf(COORDINATOR) });
      expect(opened.ok).toBe(true);
      if (opened.ok) {
        const { version: _v, signature: _s, ...rest } = opened.value;
        expect(rest).toEqual(message);
      }
    });

    it(`${name}: open's json is the exact JSON form, and sealJson gives seal's bytes`, () => {
      const golden = new Uint8Array(readFileSync(new URL(`${name}.json`, GOLDEN_DIR)));
      const opened = open(golden, keys, { coordinatorKey: publicKeyOf(COORDINATOR) });
      if (!opened.ok) throw new Error(`golden ${name} does not open`);
      // Plain data: what JSON.parse of the bytes gives, re-encoding to exactly the input.
      expect(opened.json).toStrictEqual(JSON.parse(new TextDecoder().decode(golden)));
      expect(canonicalJson(opened.json)).toBe(new TextDecoder().decode(golden));
      // The same message in JSON form seals to the same bytes as `seal` (same auxRand).
      const { version: _v, signature: _s, ...unsigned } = opened.json;
      const aux = new Uint8Array(32);
      const fromJson = sealJson(unsigned, secretKeyOf(message.sender.partyId), { auxRand: aux });
      expect(new TextDecoder().decode(fromJson)).toBe(new TextDecoder().decode(bytes));
      const random = new Uint8Array(32).fill(7);
      expect(sealJson(unsigned, secretKeyOf(message.sender.partyId), { auxRand: random })).toEqual(
        seal(message, secretKeyOf(message.sender.partyId), { auxRand: random }),
      );
    });
  }
});
