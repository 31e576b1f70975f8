// Nightly: the long randomized simulation. `pnpm --filter @peg/protocol nightly [rounds] [firstSeed]`.
// Prints the stats as one JSON line; a broken invariant throws with the seed that replays it.
import { runMany } from '../test/randomized.ts';

const rounds = Number(process.argv[2] ?? 20_000);
const firstSeed = Number(process.argv[3] ?? 100_000);
const t0 = performance.now();
const stats = runMany(firstSeed, rounds, 50);
console.log(
  JSON.stringify({ ...stats, firstSeed, seconds: Math.round((performance.now() - t0) / 1000) }),
);
