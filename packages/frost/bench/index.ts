/** `pnpm --filter @peg/frost bench`: runs every bench module, JSON lines on stdout. */
import { runBenches } from './harness.ts';
import { msmBench } from './msm.ts';

await runBenches([msmBench]);
