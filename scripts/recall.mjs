// npm run recall -- <mirror-dir> [options]: for each real bug-fix commit of
// test/recall/fixes.tsv, lints the package of the buggy file as it was before
// the fix (the commit's first parent) and after it, and says whether a finding
// points at the buggy lines before (flagged: its range, or one of its related
// locations in that file, such as the loop a goroutine finding names) and that
// rule has fewer findings in the file after (cleared). Repositories are read from bare git
// directories <mirror-dir>/<owner>+<name>/repo (as the tool library's fetch
// leaves them). The procedure is in docs/precision.md.
//
// With --kernels DIR, it measures GoBench's kernels of real blocking bugs
// instead (test/recall/gobench-kernels.tsv: path under DIR, lines, class,
// why): each kernel's directory is linted as it is, and a kernel counts when
// a finding (or one of its related locations) points at the blocked lines.
// Kernels have no fix, so nothing is "cleared".
//
// Options:
//   --kernels DIR    GoBench's goker/ tree (a checkout of timmyyuan/gobench's gobench/)
//   --rows FILE      another list of fixes (same columns)
//   --repo NAME      only this repository (repeatable)
//   --slack N        lines a finding may be off the buggy range (default 2)
//   --details FILE   write every row with its outcome (TSV)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, resolve } from 'node:path';
import { readTsv } from './tsv.mjs';

const root = join(dirname(new URL(import.meta.url).pathname), '..');
const cli = join(root, 'dist/cli.js');

function usage(message) {
  if (message) console.error(`recall: ${message}`);
  console.error('usage: npm run recall -- <mirror-dir> [--rows FILE] [--repo owner/name] [--slack N] [--details FILE]');
  console.error('       npm run recall -- --kernels <gobench-dir> [--rows FILE] [--slack N] [--details FILE]');
  process.exit(2);
}

const args = process.argv.slice(2);
const options = { rows: join(root, 'test/recall/fixes.tsv'), repos: [], slack: 2 };
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--rows') options.rows = resolve(args[++i] ?? usage('--rows needs a value'));
  else if (a === '--kernels') options.kernels = resolve(args[++i] ?? usage('--kernels needs a value'));
  else if (a === '--repo') options.repos.push(args[++i] ?? usage('--repo needs a value'));
  else if (a === '--slack') options.slack = Number(args[++i] ?? usage('--slack needs a value'));
  else if (a === '--details') options.details = args[++i] ?? usage('--details needs a value');
  else if (a.startsWith('-')) usage(`unknown option ${a}`);
  else if (options.dir) usage('one mirror directory only');
  else options.dir = resolve(a);
}
if (options.kernels) {
  if (options.dir) usage('--kernels takes no mirror directory');
  if (options.rows === join(root, 'test/recall/fixes.tsv')) options.rows = join(root, 'test/recall/gobench-kernels.tsv');
} else if (!options.dir) usage('no mirror directory given');
if (!existsSync(cli)) usage('dist/cli.js is missing: run npm install (or npm run build) first');
if (!Number.isInteger(options.slack) || options.slack < 0) usage('--slack needs a whole number of lines');

const rules = execFileSync('node', [cli, '--list-rules'], { encoding: 'utf8' })
  .split('\n')
  .filter(Boolean)
  .map((l) => ({ id: l.split(/\s+/)[0], defaultSeverity: l.split(/\s+/)[1] }));
const CONFIGURED = rules.flatMap((r) => ['--severity', `${r.id}=${r.defaultSeverity === 'off' ? 'warning' : r.defaultSeverity}`]);

function git(dir, ...gitArgs) {
  return spawnSync('git', ['-C', dir, ...gitArgs], { encoding: 'buffer', maxBuffer: 1 << 30 });
}

// Go releases by date: a package with no go.mod at a commit is linted with
// the Go release of the commit's date (GOPATH-era code was built with the Go
// of its day; the linter would take the newest).
const GO_RELEASES = [
  ['2015-08-19', 5], ['2016-02-17', 6], ['2016-08-15', 7], ['2017-02-16', 8], ['2017-08-24', 9], ['2018-02-16', 10],
  ['2018-08-24', 11], ['2019-02-25', 12], ['2019-09-03', 13], ['2020-02-25', 14], ['2020-08-11', 15], ['2021-02-16', 16],
  ['2021-08-16', 17], ['2022-03-15', 18], ['2022-08-02', 19], ['2023-02-01', 20], ['2023-08-08', 21], ['2024-02-06', 22],
  ['2024-08-13', 23], ['2025-02-11', 24], ['2025-08-12', 25],
];

function goVersionAt(repo, revision) {
  const date = git(repo, 'log', '-1', '--format=%cs', revision).stdout.toString().trim();
  const release = GO_RELEASES.filter(([day]) => day <= date).pop();
  return `1.${release ? release[1] : 4}`;
}

/**
 * Writes the .go files of `packageDir` at `revision`, and every go.mod on the
 * way up to the repository root (the code kind and Go version come from
 * them), under `into`. Null when the directory does not exist there, else
 * whether a go.mod was found.
 */
function exportPackage(repo, revision, packageDir, into) {
  const listing = git(repo, 'ls-tree', '--name-only', `${revision}:${packageDir === '.' ? '' : packageDir}`);
  if (listing.status !== 0) return null;
  const names = listing.stdout.toString().split('\n').filter((n) => n.endsWith('.go'));
  mkdirSync(join(into, packageDir), { recursive: true });
  for (const name of names) {
    const blob = git(repo, 'show', `${revision}:${posix.join(packageDir, name)}`);
    if (blob.status === 0) writeFileSync(join(into, packageDir, name), blob.stdout);
  }
  let modules = false;
  for (let dir = packageDir; ; dir = posix.dirname(dir)) {
    const mod = git(repo, 'show', `${revision}:${posix.join(dir, 'go.mod')}`);
    if (mod.status === 0) {
      writeFileSync(join(into, dir, 'go.mod'), mod.stdout);
      modules = true;
    }
    if (dir === '.' || dir === '/') break;
  }
  return modules;
}

/** Findings in the file `path` of the package exported under `into`. */
function lint(into, packageDir, path, configured, goVersion) {
  const version = goVersion ? ['--go-version', goVersion] : [];
  const run = spawnSync('node', [cli, '--format', 'json', '--no-config', ...version, ...(configured ? CONFIGURED : []), join(into, packageDir)], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (run.status !== 0 && run.status !== 1) throw new Error(`the linter exited with ${run.status}: ${run.stderr.split('\n')[0]}`);
  const target = resolve(into, path);
  return JSON.parse(run.stdout).findings.filter((f) => resolve(f.path) === target);
}

let rows = readTsv(options.rows, usage);
if (options.repos.length) rows = rows.filter((r) => options.repos.includes(r.repo));
const outcomes = [];
if (options.kernels) measureKernels();
else measureFixes();

/**
 * Where a finding points within the lines (and slack) of the file `target`:
 * its own range, else one of its related locations in that file; null when
 * neither does.
 */
function pointsAt(f, target, first, last) {
  const inRange = (r) => r.startLine >= first - options.slack && r.startLine <= last + options.slack;
  if (inRange(f.range)) return { line: f.range.startLine, related: false };
  const related = f.related?.find((r) => resolve(r.path) === target && inRange(r.range));
  return related ? { line: related.range.startLine, related: true } : null;
}

/** The first finding pointing at the lines, preferring one whose own range does: `rule@line`, or ''. */
function flaggedBy(findings, target, first, last) {
  const at = (f) => pointsAt(f, target, first, last);
  const hit = findings.find((f) => at(f) && !at(f).related) ?? findings.find(at);
  return hit ? { hit, label: `${hit.ruleId}@${at(hit).line}${at(hit).related ? ' (related)' : ''}` } : null;
}

function measureKernels() {
  for (const row of rows) {
    const [first, last = first] = row.lines.split('-').map(Number);
    const outcome = { ...row, repo: 'gobench', commit: '', flaggedByDefault: '', flagged: '', cleared: '', go: '', note: '' };
    outcomes.push(outcome);
    const target = resolve(options.kernels, row.path);
    if (!existsSync(target)) {
      outcome.note = `no kernel at ${target}`;
      continue;
    }
    try {
      outcome.flagged = flaggedBy(lint(options.kernels, dirname(row.path), row.path, true), target, first, last)?.label ?? '';
      outcome.flaggedByDefault = flaggedBy(lint(options.kernels, dirname(row.path), row.path, false), target, first, last) ? 'yes' : '';
    } catch (error) {
      outcome.note = String(error.message ?? error);
    }
  }
}

function measureFixes() {
  for (const row of rows) {
    const mirror = join(options.dir, row.repo.replace('/', '+'), 'repo');
    const [first, last = first] = row.lines.split('-').map(Number);
    const outcome = { ...row, flaggedByDefault: '', flagged: '', cleared: '', go: '', note: '' };
    outcomes.push(outcome);
    if (!existsSync(mirror)) {
      outcome.note = `no mirror at ${mirror}`;
      continue;
    }
    const work = mkdtempSync(join(tmpdir(), 'gcl-recall-'));
    try {
      const packageDir = posix.dirname(row.path);
      const modules = exportPackage(mirror, `${row.commit}^`, packageDir, join(work, 'before'));
      if (modules === null) {
        outcome.note = 'the package is not at the parent commit';
        continue;
      }
      const goVersion = modules ? undefined : goVersionAt(mirror, `${row.commit}^`);
      outcome.go = goVersion ?? 'go.mod';
      const target = resolve(join(work, 'before'), row.path);
      const before = lint(join(work, 'before'), packageDir, row.path, true, goVersion);
      const flagged = flaggedBy(before, target, first, last);
      outcome.flagged = flagged?.label ?? '';
      outcome.flaggedByDefault = flaggedBy(lint(join(work, 'before'), packageDir, row.path, false, goVersion), target, first, last) ? 'yes' : '';
      if (flagged) {
        const count = (findings) => findings.filter((f) => f.ruleId === flagged.hit.ruleId).length;
        const after = exportPackage(mirror, row.commit, packageDir, join(work, 'after')) !== null && existsSync(join(work, 'after', row.path)) ? lint(join(work, 'after'), packageDir, row.path, true, goVersion) : [];
        outcome.cleared = count(after) < count(before) ? 'yes' : '';
      }
    } catch (error) {
      outcome.note = String(error.message ?? error);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
}

const counted = outcomes.filter((o) => !o.note);
const share = (n) => `${n}/${counted.length}${counted.length ? ` (${Math.round((100 * n) / counted.length)}%)` : ''}`;
console.log(`${options.kernels ? 'kernels' : 'fixes'}: ${rows.length}, measured: ${counted.length}`);
console.log(`flagged at the buggy lines, every rule configured: ${share(counted.filter((o) => o.flagged).length)}`);
console.log(`  of which by a related location only:            ${counted.filter((o) => o.flagged.endsWith('(related)')).length}`);
if (!options.kernels) console.log(`flagged and cleared by the fix:                   ${share(counted.filter((o) => o.flagged && o.cleared).length)}`);
console.log(`flagged at the defaults:                          ${share(counted.filter((o) => o.flaggedByDefault).length)}`);
const byClass = new Map();
for (const o of counted) {
  const entry = byClass.get(o.class) ?? { n: 0, flagged: 0, cleared: 0 };
  entry.n++;
  if (o.flagged) entry.flagged++;
  if (o.flagged && o.cleared) entry.cleared++;
  byClass.set(o.class, entry);
}
console.log(`\nclass                          ${options.kernels ? 'kernels' : '  fixes'}  flagged${options.kernels ? '' : '  flagged+cleared'}`);
for (const [name, e] of [...byClass].sort((a, b) => b[1].n - a[1].n)) console.log(`${name.padEnd(30)} ${String(e.n).padStart(7)}  ${String(e.flagged).padStart(7)}${options.kernels ? '' : `  ${String(e.cleared).padStart(15)}`}`);
for (const o of outcomes.filter((o) => o.note)) console.log(`not measured: ${o.repo} ${o.commit.slice(0, 12)} ${o.path}: ${o.note}`.replace('  ', ' '));
if (options.details) {
  const columns = ['repo', 'commit', 'path', 'lines', 'class', 'flagged', 'cleared', 'flaggedByDefault', 'go', 'note'];
  writeFileSync(options.details, [columns.join('\t'), ...outcomes.map((o) => columns.map((c) => o[c]).join('\t'))].join('\n') + '\n');
}
