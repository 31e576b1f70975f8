/**
 * `pnpm --filter @peg/frost bench`: runs every bench module, JSON lines on stdout, a table on
 * stderr. Select modules with BENCH_ONLY=frost,msm; sizes with BENCH_SIZES=2-of-3,…;
 * BENCH_QUICK=1 takes shorter samples.
 */
import { frostBench } from './frost.ts';
import { runBenches } from './harness.ts';
import { msmBench } from './msm.ts';
import { weightedBench } from './weighted.ts';

await runBenches([frostBench, msmBench, weightedBench]);
