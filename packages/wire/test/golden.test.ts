import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KINDS, open } from '../src/index.ts';
import { GOLDEN_DIR, goldenCases } from './golden-cases.ts';
import { COORDINATOR, keyMap, publicKeyOf } from './samples.ts';

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
  }
});
