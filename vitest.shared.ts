import { defineConfig } from 'vitest/config';

// One test configuration for every package: internal packages resolve to their TypeScript
// sources through the `@peg/source` export condition, so tests need no build step.
// With PEG_TEST_REPORT set (scripts/test.sh), each package also writes a JSON report that the
// summary step adds up into the final `N passed, N failed` line.
const report = process.env.PEG_TEST_REPORT;

export default defineConfig({
  resolve: { conditions: ['@peg/source'] },
  ssr: { resolve: { conditions: ['@peg/source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: report ? ['default', 'json'] : ['default'],
    ...(report ? { outputFile: { json: '.reports/vitest.json' } } : {}),
  },
});
