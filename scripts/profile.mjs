// node scripts/profile.mjs [files...] [--iterations N] [--rules a,b]
// In-process timings (median of N runs) of each phase of linting one file:
// parse, identifier resolution, each rule alone (with resolution already
// built, so shared lazy facts like CFGs are charged to the first rule that
// asks; and its own cost, less the walk that finds its node types, which the
// whole lint shares), its marginal cost (the whole lint less the whole lint
// without it: what it adds once facts are shared), and the whole lint (fresh
// GoFile, every rule). Default files:
// net/http/transport.go and time/tzdata/zipdata.go of $(go env GOROOT).
// Bundles the engine with esbuild (as scripts/build.mjs does) into a temp
// file; add `--cpu-prof` to node to find hot spots:
//   node --cpu-prof --cpu-prof-dir=/tmp/prof scripts/profile.mjs
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleSource } from './bundle-source.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const value = args[i + 1];
  args.splice(i, 2);
  return value;
};
const iterations = Number(option('--iterations', '30'));
const only = option('--rules', undefined)?.split(',');
const goroot = execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim();
const files = args.length ? args : [join(goroot, 'src/net/http/transport.go'), join(goroot, 'src/time/tzdata/zipdata.go')];

const entry = `
import { Analyzer } from './server/src/linter/analyzer';
import { activeRules } from './server/src/linter/config';
import { lintFile } from './server/src/linter/linter';
import { GoFile } from './server/src/engine/file';
import { nodesOfTypes } from './server/src/engine/syntax';
export { Analyzer, activeRules, lintFile, GoFile, nodesOfTypes };
`;
const { module: { Analyzer, activeRules, lintFile, GoFile, nodesOfTypes }, directory: out } = await bundleSource(entry, 'profile');

const analyzer = await Analyzer.create({ wasmDirectory: out });
const rules = activeRules(only ? { only } : {});

/** Median time of `run(setup())`; `setup` is not timed. */
function median(run, setup = () => undefined) {
  run(setup()); // warm up
  const times = [];
  for (let i = 0; i < iterations; i++) {
    const state = setup();
    const start = process.hrtime.bigint();
    run(state);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

for (const path of files) {
  const text = readFileSync(path, 'utf8');
  const tree = analyzer.parser.parse(text);
  const fresh = () => new GoFile(path, text, tree, analyzer.packages, () => analyzer.goVersionFor(path));
  const rows = [];
  rows.push(['parse', median(() => analyzer.parser.parse(text).delete())]);
  let resolutionError;
  try {
    fresh().resolution;
  } catch (error) {
    resolutionError = error;
  }
  rows.push([resolutionError ? `resolution (throws: ${String(resolutionError).slice(0, 40)})` : 'resolution', median(() => {
    try {
      fresh().resolution;
    } catch {}
  })]);
  let findings = 0;
  let failures = [];
  rows.push(['lint (all rules, incl. resolution)', median(() => {
    const result = lintFile(fresh(), rules);
    findings = result.findings.length;
    failures = result.failures.map((f) => f.ruleId);
  })]);
  if (failures.length) rows.push([`(rules that threw: ${failures.join(', ')})`, 0]);
  const prebuilt = () => {
    const file = fresh();
    try {
      void file.resolution;
    } catch {}
    return file;
  };
  // Alone, each rule pays for the walk that finds its node types, which the whole lint does once for all rules: its own cost is the rest.
  // It also pays for the facts it asks first (resolution of a function, its control flow), which the whole lint shares:
  // the marginal cost (the whole lint, less the whole lint without the rule) is what the rule adds to a lint.
  const whole = median((file) => lintFile(file, rules), prebuilt);
  const perRule = rules.map((active) => {
    const alone = median((file) => lintFile(file, [active]), prebuilt);
    const walk = median(() => nodesOfTypes(tree.rootNode, new Set(active.rule.nodeTypes), text));
    const others = rules.filter((r) => r !== active);
    const marginal = whole - median((file) => lintFile(file, others), prebuilt);
    return [`  ${active.rule.id}`, alone, Math.max(0, alone - walk), marginal];
  });
  perRule.sort((a, b) => b[2] - a[2]);
  rows.push(['rules alone (resolution prebuilt), sum', perRule.reduce((n, r) => n + r[1], 0), perRule.reduce((n, r) => n + r[2], 0), perRule.reduce((n, r) => n + r[3], 0)], ...perRule);
  console.log(`${path.slice(goroot.length + 1)} (${text.split('\n').length} lines, ${findings} findings), median of ${iterations}:`);
  console.log(`  ${''.padEnd(40)} ${'time'.padStart(9)}   ${'own (less its walk)'}   ${'marginal (whole less without it)'}`);
  const ms = (value) => `${value.toFixed(2).padStart(6)} ms`;
  for (const [what, time, own, marginal] of rows) console.log(`  ${what.padEnd(40)} ${ms(time)}${own === undefined ? '' : `   ${ms(own)}`}${marginal === undefined ? '' : `        ${ms(marginal)}`}`);
  tree.delete();
}
