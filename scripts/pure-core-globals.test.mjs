// Pure cores may not reach a clock, a timer, the process or the global crypto through a global
// (biome.json, the override with `noRestrictedGlobals`; the import rules are in
// .dependency-cruiser.cjs). Proven on a copy of the repository's biome.json in a temporary
// directory, with the same file layout as the workspace.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const BIOME = path.join(ROOT, 'node_modules', '.bin', 'biome');
const tree = fs.mkdtempSync(path.join(os.tmpdir(), 'peg-pure-globals-'));

afterAll(() => fs.rmSync(tree, { recursive: true, force: true }));

it('flags timers, clocks, process and crypto globals in pure cores only', () => {
  fs.copyFileSync(path.join(ROOT, 'biome.json'), path.join(tree, 'biome.json'));
  const files = {
    'packages/frost/src/keys/nonce.ts':
      'export const r = () => crypto.getRandomValues(new Uint8Array(32));\n',
    'packages/wire/src/codec.ts': 'export const e = () => process.env.X;\n',
    'packages/protocol/src/coordinator/step.ts': 'export const n = () => Date.now();\n',
    'apps/relay/src/core/poll.ts': 'export const t = () => setTimeout(() => {}, 1);\n',
    // allowed: a shell, a test, the simulation harness, a package that is not a pure core
    'apps/relay/src/shell/poll.ts': 'export const t = () => setTimeout(() => {}, 1);\n',
    'apps/relay/src/core/poll.test.ts': 'export const t = () => setTimeout(() => {}, 1);\n',
    'packages/protocol/src/sim/clock.ts': 'export const n = () => performance.now();\n',
    'packages/bitcoin/src/rpc.ts': 'export const f = () => fetch("http://127.0.0.1:1");\n',
  };
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(tree, file)), { recursive: true });
    fs.writeFileSync(path.join(tree, file), text);
  }
  const run = spawnSync(BIOME, ['lint', '--reporter=json', '.'], { cwd: tree, encoding: 'utf8' });
  const flagged = JSON.parse(run.stdout)
    .diagnostics.filter((d) => d.category === 'lint/style/noRestrictedGlobals')
    .map((d) => d.location.path)
    .sort();
  expect(flagged).toEqual([
    'apps/relay/src/core/poll.ts',
    'packages/frost/src/keys/nonce.ts',
    'packages/protocol/src/coordinator/step.ts',
    'packages/wire/src/codec.ts',
  ]);
  expect(run.status).not.toBe(0);
});
