// Nightly: the long randomized simulation and the long machine fuzz.
// `pnpm --filter @peg/protocol nightly [rounds] [firstSeed]`. Prints the stats as JSON lines; a
// broken invariant throws with the seed that replays it.
import { CI_FUZZ_RUNS, fuzzBase, fuzzMachines, NIGHTLY_FACTOR } from '../test/machine-fuzz.ts';
import { runMany } from '../test/randomized.ts';

const rounds = Number(process.argv[2] ?? 20_000);
const firstSeed = Number(process.argv[3] ?? 100_000);
const t0 = performance.now();
const stats = runMany(firstSeed, rounds, 50);
console.log(
  JSON.stringify({ ...stats, firstSeed, seconds: Math.round((performance.now() - t0) / 1000) }),
);
// 20x the CI fuzz (test/machine-fuzz.test.ts), from a seed that changes with `firstSeed`.
const fuzz = fuzzMachines(fuzzBase(), CI_FUZZ_RUNS * NIGHTLY_FACTOR, firstSeed);
console.log(JSON.stringify({ fuzz, seed: firstSeed }));
