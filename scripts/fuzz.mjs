// npm run fuzz -- [--count 10000] [--seed 1] [--max-depth 3000] [--budget-ms 5000]
// Lints generated hostile inputs (test/support/hostile.ts: deep nesting, long
// chains and lines, truncated and corrupted real Go, invalid UTF-8, lone
// surrogates, BOM, CRLF and lone CR) with every rule on and every case shown,
// in process, and counts what must never happen: a crash, a rule that fails,
// a finding outside its file, a file over the time budget. Prints the worst
// seconds per megabyte (time must grow linearly with size) and the slowest
// inputs. Exit status 1 when anything above happened.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { bundleSource } from './bundle-source.mjs';

const root = join(dirname(new URL(import.meta.url).pathname), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i < 0 ? fallback : Number(args[i + 1]);
};
const count = option('--count', 10000);
const seed = option('--seed', 1);
const maxDepth = option('--max-depth', 3000);
const budgetMs = option('--budget-ms', 5000);

const entry = `
export { Analyzer } from './server/src/linter/analyzer';
export { activeRules } from './server/src/linter/config';
export { RULES } from './server/src/linter/registry';
export { hostileInputs } from './test/support/hostile';
`;
const { module: { Analyzer, activeRules, RULES, hostileInputs }, directory: out } = await bundleSource(entry, 'fuzz');

const seeds = [];
const collect = (dir) => {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) collect(path);
    else if (name.endsWith('.go')) seeds.push(readFileSync(path, 'utf8'));
  }
};
collect(join(root, 'test/fixtures'));
collect(join(root, 'examples'));

// No sibling files and a fixed Go version: each input is linted alone.
const analyzer = await Analyzer.create({ wasmDirectory: out, reader: { read: () => undefined }, goVersion: { major: 1, minor: 23 } });
const rules = activeRules({ rules: Object.fromEntries(RULES.map((r) => [r.id, r.defaultSeverity])) });

const problems = [];
const timings = [];
let findings = 0;
const started = performance.now();
for (const input of hostileInputs(seed, count, seeds, maxDepth)) {
  const bytes = Buffer.byteLength(input.text);
  const start = performance.now();
  let result;
  try {
    result = analyzer.lintText('/fuzz/input.go', input.text, rules, { budgetMs });
  } catch (error) {
    problems.push(`${input.name}: crash: ${String(error?.stack ?? error).split('\n').slice(0, 3).join(' | ')}`);
    continue;
  }
  const ms = performance.now() - start;
  timings.push({ name: input.name, bytes, ms });
  findings += result.findings.length;
  for (const failure of result.failures) problems.push(`${input.name}: rule ${failure.ruleId} failed: ${String(failure.error?.message ?? failure.error)}`);
  if (result.stopped) problems.push(`${input.name}: over the time budget (${budgetMs} ms) at offset ${result.stopped.offset}`);
  for (const f of result.findings) {
    if (!(f.start >= 0 && f.start <= f.end && f.end <= input.text.length)) problems.push(`${input.name}: ${f.ruleId} finding at ${f.start}-${f.end} outside the text (${input.text.length})`);
  }
}

// Time per megabyte, over inputs large enough that the fixed cost of a lint does not dominate.
const large = timings.filter((t) => t.bytes >= 16 * 1024);
const perMb = (t) => t.ms / 1000 / (t.bytes / 1048576);
large.sort((a, b) => perMb(b) - perMb(a));
const slowest = [...timings].sort((a, b) => b.ms - a.ms).slice(0, 5);
console.log(`${timings.length} of ${count} inputs linted (seed ${seed}, nesting up to ${maxDepth}) in ${((performance.now() - started) / 1000).toFixed(1)} s, ${findings} findings`);
console.log(`crashes, rule failures, findings outside the file, files over the ${budgetMs} ms budget: ${problems.length}`);
if (large.length) {
  console.log(`worst seconds per megabyte (inputs of 16 KB or more, ${large.length}):`);
  for (const t of large.slice(0, 5)) console.log(`  ${perMb(t).toFixed(2)} s/MB  ${(t.bytes / 1024).toFixed(0)} KB  ${t.ms.toFixed(0)} ms  ${t.name}`);
}
console.log('slowest inputs:');
for (const t of slowest) console.log(`  ${t.ms.toFixed(0)} ms  ${(t.bytes / 1024).toFixed(0)} KB  ${t.name}`);
for (const p of problems.slice(0, 50)) console.log(`PROBLEM ${p}`);
process.exitCode = problems.length ? 1 : 0;
