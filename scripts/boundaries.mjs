// The boundary check of `pnpm lint` (rules in .dependency-cruiser.cjs, explained in
// docs/development.md). Cruises `packages/` and `apps/` of the current directory once, then:
//   - fails (exit 1) on any violation that is not one of the config's known violations;
//   - warns about a known violation that no longer occurs (remove it from the config);
//   - warns when the generated graph in docs/architecture.md is stale (`pnpm graph` rewrites
//     it). A stale graph does not fail: another branch moving a file must not make CI red.
// Flags: --write-graph  rewrite the graph block of docs/architecture.md instead of checking it;
//        --json         print {violations, knownStillPresent, staleKnown} (for the rules' test);
//        --config FILE  another config (the rules' test adds known violations to the real one).
import fs from 'node:fs';
import path from 'node:path';
import { cruise } from 'dependency-cruiser';
import extractDepcruiseConfig from 'dependency-cruiser/config-utl/extract-depcruise-config';
import { GRAPH_END, GRAPH_START, renderGraphBlock, replaceGraphBlock } from './module-graph.mjs';

const configFlag = process.argv.indexOf('--config');
const CONFIG =
  configFlag > 0
    ? path.resolve(process.argv[configFlag + 1] ?? '')
    : path.resolve(import.meta.dirname, '..', '.dependency-cruiser.cjs');
const DOC = path.join('docs', 'architecture.md');

/** The same test dependency-cruiser uses for known violations: one rule; a cycle by its modules. */
function sameViolation(known, found) {
  if (known.rule.name !== found.rule.name) return false;
  if (known.cycle && found.cycle) {
    const names = new Set(found.cycle.map((m) => m.name));
    return known.cycle.length === found.cycle.length && known.cycle.every((m) => names.has(m.name));
  }
  return known.from === found.from && known.to === found.to;
}

function describeViolation(v) {
  const where = v.cycle
    ? [v.from, ...v.cycle.map((m) => m.name)].join(' → ')
    : `${v.from} → ${v.to}`;
  return `${v.rule.name}: ${where}`;
}

async function main() {
  const args = new Set(process.argv.slice(2));
  const roots = ['packages', 'apps'].filter((d) => fs.existsSync(d));
  const config = await extractDepcruiseConfig(CONFIG);
  const { knownViolations = [], ...options } = config.options;
  const comments = new Map(config.forbidden.map((r) => [r.name, r.comment]));

  // Cruise without the known list so that known and new violations are told apart here.
  const result = await cruise(roots, {
    validate: true,
    ruleSet: { ...config, options },
    outputType: 'json',
  });
  const cruised = JSON.parse(result.output);
  const all = cruised.summary.violations;
  const fresh = all.filter((v) => !knownViolations.some((k) => sameViolation(k, v)));
  const knownStillPresent = knownViolations.filter((k) => all.some((v) => sameViolation(k, v)));
  const staleKnown = knownViolations.filter((k) => !all.some((v) => sameViolation(k, v)));

  if (args.has('--json')) {
    process.stdout.write(
      `${JSON.stringify({ violations: fresh, knownStillPresent, staleKnown }, null, 2)}\n`,
    );
    process.exit(fresh.length === 0 ? 0 : 1);
  }

  const block = renderGraphBlock(cruised.modules);
  if (args.has('--write-graph')) {
    const doc = fs.readFileSync(DOC, 'utf8');
    fs.writeFileSync(DOC, replaceGraphBlock(doc, block));
    console.log(`boundaries: wrote the package and module graph into ${DOC}`);
  } else if (fs.existsSync(DOC)) {
    const doc = fs.readFileSync(DOC, 'utf8');
    if (!doc.includes(GRAPH_START) || !doc.includes(GRAPH_END)) {
      console.warn(`boundaries: warning: ${DOC} has no generated graph block; run \`pnpm graph\``);
    } else if (replaceGraphBlock(doc, block) !== doc) {
      console.warn(
        `boundaries: warning: the graph in ${DOC} is stale (imports or files changed); run \`pnpm graph\` and commit it`,
      );
    }
  }

  for (const k of staleKnown) {
    console.warn(
      `boundaries: warning: known violation no longer occurs, remove it from .dependency-cruiser.cjs: ${describeViolation(k)}`,
    );
  }
  const files = cruised.summary.totalCruised;
  const known = knownStillPresent.length ? `, ${knownStillPresent.length} known (temporary)` : '';
  if (fresh.length === 0) {
    console.log(`boundaries: ok (${files} modules${known})`);
    return;
  }
  for (const v of fresh) {
    console.error(`✗ ${describeViolation(v)}\n    ${comments.get(v.rule.name) ?? ''}`);
  }
  console.error(`boundaries: ${fresh.length} violation(s) (${files} modules${known})`);
  process.exit(1);
}

await main();
