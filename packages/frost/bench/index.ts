/** `pnpm --filter @peg/frost bench`: runs every bench module, JSON lines on stdout. */
import { runBenches } from './harness.ts';
import { msmBench } from './msm.ts';
import { weightedBench } from './weighted.ts';

await runBenches([msmBench, weightedBench]);
