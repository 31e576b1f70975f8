// Adds up the JSON reports each package's vitest run (and the root scripts' run) wrote
// (PEG_TEST_REPORT=1) into the one closing line CI reads: `N passed, N failed`. A run that should
// have reported but left no report (it crashed before reporting) counts as one failure, and so
// does a failed lint, boundary check or type-check, so that nothing fails silently.
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
let passed = 0;
let failed = 0;
let skipped = 0;

// Every package with a test script, and the root's own scripts (scripts/vitest.config.mjs).
const runs = [];
// `tests/` holds the workspace's test-only packages (the federation of processes): they count too.
for (const group of ['packages', 'apps', 'tests']) {
  const dir = path.join(root, group);
  if (!fs.existsSync(dir)) continue;
  for (const name of fs.readdirSync(dir).sort()) {
    const pkgFile = path.join(dir, name, 'package.json');
    if (!fs.existsSync(pkgFile)) continue;
    const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
    if (!pkg.scripts?.test) continue;
    runs.push({ name: pkg.name, reportFile: path.join(dir, name, '.reports', 'vitest.json') });
  }
}
runs.push({ name: 'scripts', reportFile: path.join(root, '.reports', 'scripts', 'vitest.json') });

for (const { name, reportFile } of runs) {
  if (!fs.existsSync(reportFile)) {
    console.log(`${name}: no test report (the test run crashed or did not start)`);
    failed += 1;
    continue;
  }
  const r = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
  // A suite that failed to load reports no test results of its own: count it.
  const brokenSuites = (r.testResults ?? []).filter(
    (s) => s.status === 'failed' && (s.assertionResults ?? []).length === 0,
  ).length;
  // A run that failed with no failing test (no test files, a crash after loading) counts too.
  const runFailed = r.success === false && (r.numFailedTests ?? 0) + brokenSuites === 0 ? 1 : 0;
  passed += r.numPassedTests ?? 0;
  failed += (r.numFailedTests ?? 0) + brokenSuites + runFailed;
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  console.log(
    `${name}: ${r.numPassedTests} passed, ${r.numFailedTests + brokenSuites + runFailed} failed`,
  );
}

const checksFile = path.join(root, '.reports', 'checks.txt');
if (fs.existsSync(checksFile)) {
  for (const line of fs.readFileSync(checksFile, 'utf8').split('\n').filter(Boolean)) {
    console.log(line);
    failed += 1;
  }
}

console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
