import { describe, expect, it } from 'vitest';
import { CI_FUZZ_RUNS, CI_FUZZ_SEED, fuzzBase, fuzzMachines } from './machine-fuzz.ts';

// CI: a fixed seed and a bounded number of sequences (PEG_FUZZ_RUNS overrides); the nightly
// script (`pnpm --filter @peg/protocol nightly`) runs 20 times as many from other seeds.
const RUNS = Number(process.env.PEG_FUZZ_RUNS ?? CI_FUZZ_RUNS);

describe('machine fuzz (fast-check)', () => {
  it(`${RUNS} random sequences of sealed envelopes: no throw, no nonce reuse, bounded state, honest rounds still sign`, () => {
    const base = fuzzBase();
    const stats = fuzzMachines(base, RUNS, CI_FUZZ_SEED);
    console.log('machine fuzz', JSON.stringify({ ...stats, baseStateBytes: base.baseSize }));
    expect(stats.runs).toBe(RUNS);
  }, 300_000);
});
