#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what is missing, then lints, type-checks
# and tests every package. Ends with one line `N passed, N failed`.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || { echo "0 passed, 1 failed"; exit 1; }

export PEG_TEST_REPORT=1 TURBO_TELEMETRY_DISABLED=1
rm -rf packages/*/.reports apps/*/.reports .reports
mkdir -p .reports

checks_failed=0
pnpm exec biome check . || { echo "lint failed" >> .reports/checks.txt; checks_failed=1; }
# Package and module boundaries (.dependency-cruiser.cjs), and the test that its rules can fail.
node scripts/boundaries.mjs || { echo "boundaries failed" >> .reports/checks.txt; checks_failed=1; }
pnpm exec vitest run --config scripts/vitest.config.mjs
pnpm exec turbo run typecheck --continue --output-logs=errors-only \
  || { echo "typecheck failed" >> .reports/checks.txt; checks_failed=1; }
pnpm exec turbo run test --continue --concurrency=2
node scripts/test-summary.mjs
