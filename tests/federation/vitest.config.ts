import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.ts';

// Whole federations of processes: one test file at a time (each starts 10+ processes).
export default mergeConfig(
  shared,
  defineConfig({
    test: {
      fileParallelism: false,
      testTimeout: 600_000,
      hookTimeout: 300_000,
      // The policy and review test is not reliable on a loaded two-core runner yet: a policy
      // refusal is silence until the share timeout, and each coordinator narrows a refused batch
      // on its own as the role moves every block (docs/peg-out.md). It runs with PEG_FED_SLOW=1.
      ...(process.env.PEG_FED_SLOW === '1'
        ? {}
        : { exclude: ['**/node_modules/**', 'test/peg-out-policy.test.ts'] }),
    },
  }),
);
