// npm run precision -- <corpus-dir> [options]: lints the real repositories
// listed in test/precision/corpus.tsv (each checked out at its recorded commit
// under <corpus-dir>/<owner>+<name>/), compares every finding with the judged
// verdicts of test/precision/verdicts.tsv, and prints per rule: findings,
// judged, REAL, MINOR, FALSE, precision (REAL / judged) and FALSE share; then
// every finding not judged yet, and judged findings no longer reported.
// The procedure is in docs/precision.md.
//
// Options:
//   --all            also run the opt-in rules (off by default)
//   --configured     every rule configured at its default severity: the
//                    opt-in rules and the cases hidden by default too
//   --repo NAME      only this repository (repeatable)
//   --unjudged FILE  write the unjudged findings as verdict rows to fill in
//   --json FILE      write the per-rule table as JSON
//   --details FILE   write every finding with its verdict (TSV)
import { spawnSync, execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { readTsv } from './tsv.mjs';

const root = join(dirname(new URL(import.meta.url).pathname), '..');
const cli = join(root, 'dist/cli.js');
const corpusFile = join(root, 'test/precision/corpus.tsv');
const verdictFile = join(root, 'test/precision/verdicts.tsv');
const VERDICTS = ['REAL', 'MINOR', 'FALSE'];

function usage(message) {
  if (message) console.error(`precision: ${message}`);
  console.error('usage: npm run precision -- <corpus-dir> [--all] [--repo owner/name] [--unjudged FILE] [--json FILE]');
  process.exit(2);
}

const args = process.argv.slice(2);
const options = { repos: [], all: false };
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--all') options.all = true;
  else if (a === '--configured') options.configured = true;
  else if (a === '--repo') options.repos.push(args[++i] ?? usage('--repo needs a value'));
  else if (a === '--unjudged') options.unjudged = args[++i] ?? usage('--unjudged needs a value');
  else if (a === '--json') options.json = args[++i] ?? usage('--json needs a value');
  else if (a === '--details') options.details = args[++i] ?? usage('--details needs a value');
  else if (a.startsWith('-')) usage(`unknown option ${a}`);
  else if (options.dir) usage('one corpus directory only');
  else options.dir = resolve(a);
}
if (!options.dir) usage('no corpus directory given');
if (!existsSync(cli)) usage('dist/cli.js is missing: run npm install (or npm run build) first');

const corpus = readTsv(corpusFile, usage).filter((r) => options.repos.length === 0 || options.repos.includes(r.repo));
const verdicts = readTsv(verdictFile, usage);
for (const v of verdicts) if (!VERDICTS.includes(v.verdict)) usage(`verdicts.tsv: unknown verdict "${v.verdict}" for ${v.repo} ${v.path}:${v.line}`);
const key = (rule, repo, path, line) => `${rule}\t${repo}\t${path}\t${line}`;
const verdictByKey = new Map(verdicts.map((v) => [key(v.rule, v.repo, v.path, v.line), v]));

// Every rule with its default severity (`off` for the opt-in rules), as --list-rules prints them.
const rules = execFileSync('node', [cli, '--list-rules'], { encoding: 'utf8' }).split('\n').filter(Boolean).map((l) => ({ id: l.split(/\s+/)[0], defaultSeverity: l.split(/\s+/)[1] }));
const optIn = rules.filter((r) => r.defaultSeverity === 'off').map((r) => r.id);

/** The folder holding a checkout of `repo`, and whether its commit could be checked. */
function checkout(entry) {
  const [owner, name] = entry.repo.split('/');
  for (const candidate of [`${owner}+${name}`, `${owner}/${name}`, name]) {
    const dir = join(options.dir, candidate);
    if (!existsSync(dir)) continue;
    const head = spawnSync('git', ['-C', dir, 'rev-parse', 'HEAD'], { encoding: 'utf8' });
    if (head.status === 0 && head.stdout.trim() !== entry.commit) console.error(`precision: ${entry.repo}: the checkout is at ${head.stdout.trim().slice(0, 12)}, the verdicts are for ${entry.commit.slice(0, 12)}: line numbers may not match`);
    return dir;
  }
  return undefined;
}

const findings = [];
const missing = [];
for (const entry of corpus) {
  const dir = checkout(entry);
  if (!dir) {
    missing.push(entry.repo);
    continue;
  }
  const configured = options.configured ? rules.flatMap((r) => ['--severity', `${r.id}=${r.defaultSeverity === 'off' ? 'warning' : r.defaultSeverity}`]) : [];
  const flags = ['--format', 'json', ...(options.all && optIn.length ? ['--enable', optIn.join(',')] : []), ...configured, '.'];
  const run = spawnSync('node', [cli, ...flags], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (run.status !== 0 && run.status !== 1) {
    console.error(`precision: ${entry.repo}: the linter exited with ${run.status}: ${run.stderr.split('\n').filter((l) => !/over the size limit/.test(l)).slice(0, 3).join(' ')}`);
  }
  for (const f of JSON.parse(run.stdout || '{"findings":[]}').findings) {
    findings.push({ rule: f.ruleId, severity: f.severity, repo: entry.repo, commit: entry.commit, path: f.path, line: String(f.range.startLine), message: f.message, preferredFix: f.fixes.some((x) => x.preferred) });
  }
}
if (missing.length) console.error(`precision: not found under ${options.dir} (skipped): ${missing.join(', ')}`);

const table = new Map(rules.map((r) => [r.id, { rule: r.id, default: r.defaultSeverity, findings: 0, judged: 0, REAL: 0, MINOR: 0, FALSE: 0, preferredOnFalse: 0, gone: { REAL: 0, MINOR: 0, FALSE: 0 } }]));
const bySeverity = new Map();
const unjudged = [];
const seen = new Set();
for (const f of findings) {
  const row = table.get(f.rule);
  row.findings++;
  const v = verdictByKey.get(key(f.rule, f.repo, f.path, f.line));
  const sev = bySeverity.get(f.severity) ?? bySeverity.set(f.severity, { findings: 0, judged: 0, REAL: 0, MINOR: 0, FALSE: 0 }).get(f.severity);
  sev.findings++;
  if (!v) {
    unjudged.push(f);
    continue;
  }
  seen.add(key(f.rule, f.repo, f.path, f.line));
  row.judged++;
  row[v.verdict]++;
  sev.judged++;
  sev[v.verdict]++;
  if (v.verdict === 'FALSE' && f.preferredFix) row.preferredOnFalse++;
}
const linted = new Set(corpus.filter((e) => !missing.includes(e.repo)).map((e) => e.repo));
const gone = verdicts.filter((v) => linted.has(v.repo) && !seen.has(key(v.rule, v.repo, v.path, v.line)) && table.has(v.rule) && (options.all || options.configured || !optIn.includes(v.rule)));
for (const v of gone) table.get(v.rule).gone[v.verdict]++;

const pct = (a, b) => (b ? `${Math.round((100 * a) / b)}%` : '-');
const header = ['rule', 'default', 'findings', 'judged', 'REAL', 'MINOR', 'FALSE', 'precision', 'FALSE%', 'fix on FALSE', 'silenced R/M/F'];
const rows = [...table.values()].filter((r) => r.findings || r.gone.REAL + r.gone.MINOR + r.gone.FALSE).map((r) => [r.rule, r.default, r.findings, r.judged, r.REAL, r.MINOR, r.FALSE, pct(r.REAL, r.judged), pct(r.FALSE, r.judged), r.preferredOnFalse, `${r.gone.REAL}/${r.gone.MINOR}/${r.gone.FALSE}`]);
const total = [...table.values()].reduce((t, r) => ({ findings: t.findings + r.findings, judged: t.judged + r.judged, REAL: t.REAL + r.REAL, MINOR: t.MINOR + r.MINOR, FALSE: t.FALSE + r.FALSE }), { findings: 0, judged: 0, REAL: 0, MINOR: 0, FALSE: 0 });
rows.push(['all rules', '', total.findings, total.judged, total.REAL, total.MINOR, total.FALSE, pct(total.REAL, total.judged), pct(total.FALSE, total.judged), '', '']);
for (const [severity, s] of [...bySeverity].sort()) rows.push([`  at ${severity}`, '', s.findings, s.judged, s.REAL, s.MINOR, s.FALSE, pct(s.REAL, s.judged), pct(s.FALSE, s.judged), '', '']);
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
const line = (cells) => cells.map((c, i) => (i < 2 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');

console.log(`Corpus: ${linted.size} repositories (${[...linted].join(', ')})${options.configured ? ', every rule configured (opt-in rules and hidden cases included)' : options.all ? ', opt-in rules included' : ''}`);
console.log(line(header));
for (const r of rows) console.log(line(r));
console.log('\nprecision = REAL / judged; "fix on FALSE": FALSE findings that carry a preferred fix; "silenced": judged findings no longer reported.');
if (unjudged.length) {
  console.log(`\n${unjudged.length} findings not judged yet:`);
  for (const f of unjudged) console.log(`  ${f.rule}\t${f.severity}\t${f.repo}\t${f.path}:${f.line}\t${f.message.slice(0, 140)}`);
}
if (options.unjudged) {
  writeFileSync(options.unjudged, ['rule\trepo\tcommit\tpath\tline\tverdict\tpattern\twhy', ...unjudged.map((f) => [f.rule, f.repo, f.commit, f.path, f.line, '', '', f.message.replace(/\s+/g, ' ')].join('\t'))].join('\n') + '\n');
}
if (options.details) {
  const rows = findings.map((f) => {
    const v = verdictByKey.get(key(f.rule, f.repo, f.path, f.line));
    return [f.rule, f.severity, f.repo, `${f.path}:${f.line}`, v?.verdict ?? '?', v?.pattern ?? '', (v?.why ?? f.message).replace(/\s+/g, ' ')].join('\t');
  });
  writeFileSync(options.details, ['rule\tseverity\trepo\tlocation\tverdict\tpattern\twhy', ...rows].join('\n') + '\n');
}
if (options.json) writeFileSync(options.json, JSON.stringify({ rows: [...table.values()], bySeverity: Object.fromEntries(bySeverity), total }, null, 2) + '\n');
