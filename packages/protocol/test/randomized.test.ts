import { describe, expect, it } from 'vitest';
import { runMany } from './randomized.ts';

// CI: at least 1,000 rounds across seeds (override with PEG_SIM_ROUNDS; the nightly script
// runs more). A failure names the seed, which replays the run exactly.
const ROUNDS = Number(process.env.PEG_SIM_ROUNDS ?? 1000);

describe('long randomized run', () => {
  it(`>= ${ROUNDS} rounds with random faults keep every invariant`, () => {
    const stats = runMany(1, ROUNDS, 50);
    console.log('randomized run', JSON.stringify(stats));
    expect(stats.rounds).toBeGreaterThanOrEqual(ROUNDS);
    expect(stats.signatures).toBeGreaterThan(stats.rounds / 2);
  }, 1_800_000);
});
