// The boundary rules can fail: a small workspace with one violation of each rule (next to the
// imports the rules allow) must report exactly those violations, through the same script and
// config `pnpm lint` uses. Resolution is the real one: packages are linked into node_modules as
// pnpm links them and resolved through their `@peg/source` export condition.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GRAPH_END, GRAPH_START, renderGraphBlock, replaceGraphBlock } from './module-graph.mjs';

const SCRIPT = path.join(import.meta.dirname, 'boundaries.mjs');
const RULES = createRequire(import.meta.url)('../.dependency-cruiser.cjs').forbidden.map(
  (r) => r.name,
);
const trees = [];

function write(root, file, text) {
  fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  fs.writeFileSync(path.join(root, file), text);
}

/** A workspace tree: `packages` maps `packages/frost` style dirs to their files' sources. */
function workspace(packages) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'peg-boundaries-'));
  trees.push(root);
  for (const [dir, files] of Object.entries(packages)) {
    const name = path.basename(dir);
    const manifest = {
      name: `@peg/${name}`,
      type: 'module',
      exports: { '.': { '@peg/source': './src/index.ts', default: './dist/index.js' } },
    };
    write(root, `${dir}/package.json`, JSON.stringify(manifest));
    for (const [file, text] of Object.entries({ 'src/index.ts': 'export {};\n', ...files })) {
      write(root, `${dir}/${file}`, text);
    }
    fs.mkdirSync(path.join(root, 'node_modules/@peg'), { recursive: true });
    fs.symlinkSync(path.join(root, dir), path.join(root, 'node_modules/@peg', name), 'dir');
  }
  for (const npm of ['@noble/hashes', '@scure/base', 'zod', 'fastify', 'pino', 'nats']) {
    write(
      root,
      `node_modules/${npm}/package.json`,
      JSON.stringify({ name: npm, main: 'index.js' }),
    );
    write(root, `node_modules/${npm}/index.js`, 'module.exports = {};\n');
  }
  write(root, 'node_modules/better-sqlite3/package.json', '{"name":"better-sqlite3"}');
  write(root, 'node_modules/better-sqlite3/index.js', 'module.exports = {};\n');
  return root;
}

function check(root, ...flags) {
  const run = spawnSync(process.execPath, [SCRIPT, ...flags], { cwd: root, encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** `rule from -> to` lines of the violations the script reports; a cycle (reported once, from
 * one of its edges) as `no-cycle` and its modules in order of name. */
function reported(root, ...flags) {
  const { status, stdout, stderr } = check(root, '--json', ...flags);
  if (status !== 0 && status !== 1) throw new Error(`boundaries.mjs crashed: ${stderr}`);
  const result = JSON.parse(stdout);
  const lines = result.violations
    .map((v) =>
      v.cycle
        ? `${v.rule.name} ${v.cycle
            .map((m) => m.name)
            .sort()
            .join(' ')}`
        : `${v.rule.name} ${v.from} -> ${v.to}`,
    )
    .sort();
  return { status, lines, result };
}

// What the rules allow: each layer importing what it may, I/O in shells and tests only.
const allowed = {
  'packages/frost': {
    'src/index.ts': "import '@noble/hashes';\nimport './point.ts';\n",
    'src/point.ts': 'export const G = 1;\n',
    'src/point.test.ts': "import fs from 'node:fs';\nimport '../src/index.ts';\n",
  },
  'packages/wire': { 'src/index.ts': "import 'zod';\nimport '@noble/hashes';\n" },
  'packages/protocol': { 'src/index.ts': "import '@peg/frost';\nimport '@peg/wire';\n" },
  'packages/bitcoin': { 'src/index.ts': "import '@peg/frost';\nimport '@scure/base';\n" },
  'packages/stacks-client': { 'src/index.ts': "import '@peg/bitcoin';\n" },
  'packages/runtime': {
    'src/index.ts': "import '@peg/protocol';\nimport '@peg/stacks-client';\nimport 'node:fs';\n",
  },
  'apps/relay': {
    'src/index.ts': "import './core/queue.ts';\nimport 'fastify';\nimport 'better-sqlite3';\n",
    'src/core/queue.ts': "import '@peg/wire';\nimport 'zod';\n",
    'src/core/queue.test.ts': "import 'node:timers';\nimport './queue.ts';\n",
  },
  'apps/signer': {
    'src/index.ts': "import './shell/main.ts';\n",
    'src/shell/main.ts': "import '../core/step.ts';\nimport '@peg/runtime';\nimport 'pino';\n",
    'src/core/step.ts': "import '@peg/protocol';\n",
  },
  'apps/web': { 'src/index.ts': "import '@peg/wire';\n" },
};

/** `allowed` with extra files (or files replaced) per package. */
function withFiles(extra) {
  const tree = structuredClone(allowed);
  for (const [dir, files] of Object.entries(extra)) tree[dir] = { ...tree[dir], ...files };
  return tree;
}

afterAll(() => {
  for (const root of trees) fs.rmSync(root, { recursive: true, force: true });
});

describe('boundary check', () => {
  it('accepts the imports the rules allow', () => {
    const root = workspace(allowed);
    const { status, lines } = reported(root);
    expect(lines).toEqual([]);
    expect(status).toBe(0);
    const human = check(root);
    expect(human.status).toBe(0);
    expect(human.stdout).toMatch(/boundaries: ok/);
  });

  it('reports one violation of each rule, and nothing else', () => {
    const root = workspace(
      withFiles({
        // a cycle inside a package
        'packages/protocol': {
          'src/a.ts': "import './b.ts';\n",
          'src/b.ts': "import './a.ts';\n",
          'src/index.ts': "import '@peg/frost';\nimport '@peg/wire';\nimport './a.ts';\n",
          // a lower package imports a higher one
          'src/driver.ts': "import '@peg/runtime';\n",
        },
        // a cycle between packages (chain packages may import each other, not in a circle)
        'packages/bitcoin': {
          'src/index.ts': "import '@peg/frost';\nimport './fees.ts';\n",
          'src/fees.ts': "import '@peg/stacks-client';\n",
        },
        'packages/wire': {
          // wire never imports frost
          'src/sign.ts': "import '@peg/frost';\n",
          // wire imports only zod and @noble/*
          'src/base.ts': "import '@scure/base';\n",
        },
        'packages/frost': {
          // frost imports only @noble/*
          'src/schema.ts': "import 'zod';\n",
        },
        'packages/runtime': {
          // a lower package imports a higher one (runtime is above the chain packages)
          'src/index.ts': "import '@peg/protocol';\n",
        },
        'packages/stacks-client': {
          'src/index.ts': "import '@peg/bitcoin';\n",
          // lower imports higher
          'src/driver.ts': "import '@peg/runtime';\n",
          // a package imports an app
          'src/relay.ts': "import '@peg/relay';\n",
          // an import that does not resolve
          'src/missing.ts': "import './nowhere.ts';\n",
        },
        'apps/signer': {
          // an app imports another app
          'src/shell/relay.ts': "import '@peg/relay';\n",
          // a pure core imports a Node builtin, an I/O package, the shell
          'src/core/clock.ts': "import { setTimeout } from 'node:timers/promises';\n",
          'src/core/log.ts': "import 'pino';\n",
          'src/core/save.ts': "import '../shell/store.ts';\n",
          'src/shell/store.ts': 'export const store = 1;\n',
        },
        'apps/relay': {
          // a bare builtin (no node: prefix) and a database in a pure core
          'src/core/disk.ts': "import 'fs';\n",
          'src/core/db.ts': "import 'better-sqlite3';\n",
        },
        'apps/web': {
          // web speaks only @peg/wire
          'src/keys.ts': "import '@peg/frost';\n",
        },
      }),
    );
    // protocol's coordinator and signer sides, in their own tree (protocol is replaced above)
    write(root, 'packages/protocol/src/coordinator/round.ts', "import '../signer/keys.ts';\n");
    write(root, 'packages/protocol/src/signer/keys.ts', 'export const k = 1;\n');

    const { status, lines } = reported(root);
    expect(lines).toEqual(
      [
        'no-cycle packages/protocol/src/a.ts packages/protocol/src/b.ts',
        'no-cycle packages/bitcoin/src/fees.ts packages/bitcoin/src/index.ts packages/stacks-client/src/index.ts',
        'layer-wire packages/wire/src/sign.ts -> packages/frost/src/index.ts',
        'wire-only-zod-noble packages/wire/src/base.ts -> node_modules/@scure/base/index.js',
        'frost-only-noble packages/frost/src/schema.ts -> node_modules/zod/index.js',
        'layer-stacks-client packages/stacks-client/src/driver.ts -> packages/runtime/src/index.ts',
        'layer-protocol packages/protocol/src/driver.ts -> packages/runtime/src/index.ts',
        'package-imports-app packages/stacks-client/src/relay.ts -> apps/relay/src/index.ts',
        'not-to-unresolvable packages/stacks-client/src/missing.ts -> ./nowhere.ts',
        'app-imports-app apps/signer/src/shell/relay.ts -> apps/relay/src/index.ts',
        'pure-core-no-node-builtins apps/signer/src/core/clock.ts -> timers/promises',
        'pure-core-no-io-packages apps/signer/src/core/log.ts -> node_modules/pino/index.js',
        'pure-core-no-shell apps/signer/src/core/save.ts -> apps/signer/src/shell/store.ts',
        'pure-core-no-node-builtins apps/relay/src/core/disk.ts -> fs',
        'pure-core-no-io-packages apps/relay/src/core/db.ts -> node_modules/better-sqlite3/index.js',
        'wire-only-app apps/web/src/keys.ts -> packages/frost/src/index.ts',
        'protocol-sides-apart packages/protocol/src/coordinator/round.ts -> packages/protocol/src/signer/keys.ts',
      ].sort(),
    );
    expect(status).toBe(1);
    // Every rule of the config is exercised here (a layer rule per package is one rule).
    const exercised = new Set(lines.map((l) => l.split(' ')[0]));
    expect(RULES.filter((r) => !exercised.has(r) && !r.startsWith('layer-'))).toEqual([]);
    const human = check(root);
    expect(human.status).toBe(1);
    expect(human.stderr).toMatch(/boundaries: 17 violation\(s\)/);
  });

  it('reports a workspace import that is not resolvable by the layer rules too', () => {
    const root = workspace(
      withFiles({ 'packages/frost': { 'src/wire.ts': "import '@peg/wire-v2';\n" } }),
    );
    expect(reported(root).lines).toEqual([
      'layer-frost packages/frost/src/wire.ts -> @peg/wire-v2',
      'not-to-unresolvable packages/frost/src/wire.ts -> @peg/wire-v2',
    ]);
  });

  it('lets a known violation pass, but not a new one from the same file or module', () => {
    const root = workspace(
      withFiles({
        'apps/relay': {
          // known (listed in the config below): the relay core's node:crypto in token.ts
          'src/core/token.ts': "import { createHmac } from 'node:crypto';\n",
          // new violations: another builtin from a known file's neighbour, and a new file
          'src/core/recipients.ts': "import 'node:crypto';\nimport 'node:fs';\n",
          'src/core/nonce.ts': "import 'node:crypto';\n",
        },
      }),
    );
    const known = (from, to) =>
      `{ type: 'dependency', from: '${from}', to: '${to}', rule: { severity: 'error', name: 'pure-core-no-node-builtins' } }`;
    write(
      root,
      'known.cjs',
      `const real = require(${JSON.stringify(path.resolve(import.meta.dirname, '../.dependency-cruiser.cjs'))});
module.exports = { ...real, options: { ...real.options, knownViolations: [
  ${known('apps/relay/src/core/token.ts', 'crypto')},
  ${known('apps/relay/src/core/recipients.ts', 'crypto')},
  ${known('apps/relay/src/core/gone.ts', 'crypto')},
] } };
`,
    );
    const { lines, result } = reported(root, '--config', path.join(root, 'known.cjs'));
    expect(lines).toEqual([
      'pure-core-no-node-builtins apps/relay/src/core/nonce.ts -> crypto',
      'pure-core-no-node-builtins apps/relay/src/core/recipients.ts -> fs',
    ]);
    expect(result.knownStillPresent.map((k) => k.from).sort()).toEqual([
      'apps/relay/src/core/recipients.ts',
      'apps/relay/src/core/token.ts',
    ]);
    // A known entry that does not occur is listed as stale.
    expect(result.staleKnown.map((k) => k.from)).toEqual(['apps/relay/src/core/gone.ts']);
  });
});

describe('generated graph block', () => {
  const modules = [
    {
      source: 'packages/protocol/src/index.ts',
      dependencies: [
        { resolved: 'packages/protocol/src/step.ts', dependencyTypes: ['local'], valid: true },
        { resolved: 'packages/frost/src/index.ts', dependencyTypes: ['local'], valid: true },
        {
          resolved: 'node_modules/.pnpm/zod@4.6.7/node_modules/zod/index.js',
          module: 'zod',
          dependencyTypes: ['npm'],
          valid: true,
        },
      ],
    },
    { source: 'packages/protocol/src/step.ts', dependencies: [] },
    {
      source: 'packages/protocol/test/sim.test.ts',
      dependencies: [{ resolved: 'packages/wire/src/index.ts', dependencyTypes: ['local'] }],
    },
    { source: 'packages/frost/src/index.ts', dependencies: [] },
    { source: 'packages/wire/src/index.ts', dependencies: [] },
  ];

  it('draws production imports solid, test-only imports dotted, and modules per package', () => {
    const block = renderGraphBlock(modules);
    expect(block.startsWith(GRAPH_START) && block.endsWith(GRAPH_END)).toBe(true);
    expect(block).toContain('packages_protocol --> packages_frost');
    expect(block).toContain('packages_protocol -. tests .-> packages_wire');
    expect(block).toContain('### @peg/protocol (`packages/protocol/src`, 2 modules)');
    expect(block).toContain('Imports from outside the package: `@peg/frost`, `zod`.');
    expect(block).toMatch(/m0\["index.ts"\][\s\S]*m0 --> m1/);
  });

  it('replaces only the block between the markers, and is stable', () => {
    const block = renderGraphBlock(modules);
    const doc = `# Title\n\nbefore\n\n${GRAPH_START}\nold\n${GRAPH_END}\n\nafter\n`;
    const updated = replaceGraphBlock(doc, block);
    expect(updated).toBe(`# Title\n\nbefore\n\n${block}\n\nafter\n`);
    expect(replaceGraphBlock(updated, block)).toBe(updated);
  });
});
