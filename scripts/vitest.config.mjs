import { defineConfig } from 'vitest/config';

// Tests of the repository's own scripts (root `pnpm test:scripts`, run by scripts/test.sh). With
// PEG_TEST_REPORT set, the JSON report is counted by scripts/test-summary.mjs like a package's.
const report = process.env.PEG_TEST_REPORT;

export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ['**/*.test.mjs'],
    testTimeout: 120_000,
    reporters: report ? ['default', 'json'] : ['default'],
    ...(report ? { outputFile: { json: '../.reports/scripts/vitest.json' } } : {}),
  },
});
