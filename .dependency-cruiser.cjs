// Package and module boundaries, checked by `pnpm lint` and scripts/test.sh through
// scripts/boundaries.mjs. The rules are those of docs/architecture.md ("Dependency direction");
// docs/development.md says how to run the check and what to do when it fails.
//
// Paths are relative to the directory the check runs in (the repository root, or a fixture tree
// in scripts/boundaries.test.mjs). A workspace package appears either as its resolved source file
// (`packages/wire/src/index.ts`, through the `@peg/source` export condition) or, when its import
// cannot be resolved (it is not a declared dependency), as the bare specifier (`@peg/wire`): each
// rule matches both, and unresolved imports fail on their own rule too.
const fs = require('node:fs');
const path = require('node:path');

/** Directory names under `dir` (cwd-relative), [] when it does not exist. */
function dirsUnder(dir) {
  const abs = path.resolve(dir);
  if (!fs.existsSync(abs)) return [];
  return fs
    .readdirSync(abs, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name);
}

// Apps named by docs/architecture.md, plus whatever exists now (a package's directory name is
// its name without `@peg/`).
const APPS = [
  ...new Set(['relay', 'coordinator', 'signer', 'web', 'devnet', 'cli', ...dirsUnder('apps')]),
];

const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const oneOf = (names) => names.map(escapeRegExp).join('|');
/** The source files of workspace packages `names`, resolved or as a bare `@peg/` specifier. */
const packagesPath = (names) => `^(packages/(${oneOf(names)})/|@peg/(${oneOf(names)})(/|$))`;
const appsPath = `^(apps/|@peg/(${oneOf(APPS)})(/|$))`;
// Any workspace package (an app specifier matches too: those are left to the app rules).
const anyPackagePath = '^(packages/|@peg/)';

// Which workspace packages each library package may import (its own files always). The layers:
// frost and wire (siblings) <- protocol <- runtime <- apps; bitcoin, stacks-client and contracts
// are the chain packages beside protocol, used by runtime. A package not listed here may import
// any package but no app (rule `package-imports-app`).
const CHAIN = ['bitcoin', 'stacks-client', 'contracts'];
const PACKAGE_MAY_IMPORT = {
  frost: [],
  wire: [],
  protocol: ['frost', 'wire'],
  bitcoin: ['frost', 'wire', ...CHAIN],
  'stacks-client': ['frost', 'wire', ...CHAIN],
  contracts: ['frost', 'wire', ...CHAIN],
  runtime: ['frost', 'wire', 'protocol', ...CHAIN],
};
// Apps that talk to the federation only through its API schemas.
const WIRE_ONLY_APPS = ['web', 'cli'];

// Production sources of the pure cores: no I/O of any kind (tests may read fixtures).
const PURE_CORE = '^(packages/(frost|wire|protocol)/src/|apps/[^/]+/src/core/)';
const TEST_FILE = '\\.test\\.ts$';
// npm packages that do I/O (HTTP servers, loggers, databases, message buses), as regex fragments
// of a package name.
const IO_PACKAGES = [
  'fastify',
  'fastify-[^/]+',
  '@fastify/[^/]+',
  'pino',
  'pino-[^/]+',
  'better-sqlite3',
  'nats',
];
/** An npm package by name, resolved (under node_modules) or as a bare specifier. */
const npmPath = (namePattern) => `(^|(^|/)node_modules/)(${namePattern})(/|$)`;
const ioPackagesPath = npmPath(IO_PACKAGES.join('|'));

const LAYERS = 'layers: frost, wire <- protocol <- runtime <- apps';
const layerRules = Object.entries(PACKAGE_MAY_IMPORT).map(([name, allowed]) => ({
  name: `layer-${name}`,
  severity: 'error',
  comment: allowed.length
    ? `@peg/${name} may import only ${allowed.map((a) => `@peg/${a}`).join(', ')} among workspace packages (${LAYERS})`
    : `@peg/${name} imports no other workspace package${name === 'wire' ? ', @peg/frost above all' : ''} (${LAYERS})`,
  from: { path: `^packages/${escapeRegExp(name)}/` },
  to: { path: anyPackagePath, pathNot: [packagesPath([name, ...allowed]), appsPath] },
}));

// Known violations, each matched exactly (rule, from, to; a cycle by its set of modules), so any
// new one fails even in the same file. The ones main had when the check landed (the relay core's
// node:crypto, the protocol's types.ts <-> signer cycles) are fixed; keep this list empty: fix
// the import, or change the rule here and in docs/architecture.md with the reason.
const KNOWN_VIOLATIONS = [];

module.exports = {
  forbidden: [
    {
      name: 'no-cycle',
      severity: 'error',
      comment: 'Import cycles, within a package or between packages (tests included).',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment:
        'An import that does not resolve: a typo, or a workspace package used without being a declared dependency.',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'app-imports-app',
      severity: 'error',
      comment: 'Apps never import each other: what two apps share belongs in a package.',
      from: { path: '^apps/([^/]+)/' },
      to: { path: appsPath, pathNot: '^(apps/$1/|@peg/$1(/|$))' },
    },
    {
      name: 'package-imports-app',
      severity: 'error',
      comment:
        'A package never imports an app (apps are the top layer); its tests may start one as a real server to test against (a devDependency).',
      from: { path: '^packages/', pathNot: '^packages/[^/]+/test/' },
      to: { path: appsPath },
    },
    ...layerRules,
    {
      name: 'wire-only-app',
      severity: 'error',
      comment: `${WIRE_ONLY_APPS.join(' and ')} speak the apps' APIs: the only workspace package they import is @peg/wire (never key material).`,
      from: { path: `^apps/(${oneOf(WIRE_ONLY_APPS)})/` },
      to: { path: anyPackagePath, pathNot: [packagesPath(['wire']), appsPath] },
    },
    {
      name: 'protocol-sides-apart',
      severity: 'error',
      comment:
        "@peg/protocol's coordinator and signer sides do not import each other's files: what both use lives in a shared module.",
      from: { path: '^packages/protocol/src/(coordinator|signer)/' },
      to: {
        path: '^packages/protocol/src/(coordinator|signer)/',
        pathNot: '^packages/protocol/src/$1/',
      },
    },
    {
      name: 'frost-only-noble',
      severity: 'error',
      comment:
        '@peg/frost (production sources) imports only @noble/* and its own files (workspace packages: rule layer-frost).',
      from: { path: '^packages/frost/src/', pathNot: TEST_FILE },
      to: { pathNot: [`^packages/frost/|${npmPath('@noble/[^/]+')}`, anyPackagePath, appsPath] },
    },
    {
      name: 'wire-only-zod-noble',
      severity: 'error',
      comment:
        '@peg/wire (production sources) imports only zod and @noble/* (to authenticate envelopes) and its own files (workspace packages: rule layer-wire).',
      from: { path: '^packages/wire/src/', pathNot: TEST_FILE },
      to: { pathNot: [`^packages/wire/|${npmPath('zod|@noble/[^/]+')}`, anyPackagePath, appsPath] },
    },
    {
      name: 'pure-core-no-node-builtins',
      severity: 'error',
      comment:
        'Pure cores (frost, wire, protocol, apps/*/src/core) import no Node builtins (node:*, timers, fs, crypto...): I/O and clocks are passed in.',
      from: { path: PURE_CORE, pathNot: TEST_FILE },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'pure-core-no-io-packages',
      severity: 'error',
      comment: `Pure cores import no I/O package (${IO_PACKAGES.join(', ')}).`,
      from: { path: PURE_CORE, pathNot: TEST_FILE },
      to: { path: ioPackagesPath },
    },
    {
      name: 'pure-core-no-shell',
      severity: 'error',
      comment: "Pure cores never import an app's I/O shell (src/shell).",
      from: { path: PURE_CORE, pathNot: TEST_FILE },
      to: { path: '^apps/[^/]+/src/shell/' },
    },
  ],
  options: {
    // TypeScript 7 has no JavaScript compiler API, so sources are parsed with swc.
    parser: 'swc',
    // Type-only imports are dependencies too (they make cycles and cross boundaries).
    tsPreCompilationDeps: true,
    doNotFollow: { path: '(^|/)node_modules/' },
    exclude: { path: '(^|/)(dist|\\.turbo|\\.reports|coverage)/' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['@peg/source', 'import', 'types', 'default'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
      mainFields: ['module', 'main', 'types'],
    },
    knownViolations: KNOWN_VIOLATIONS,
  },
};
