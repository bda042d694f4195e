// go-concurrency-lint: the command-line front end.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { version } from '../../../package.json';
import { Analyzer } from '../linter/analyzer';
import { activeRules, type ActiveRule, type LintConfig } from '../linter/config';
import { applyEdits, preferredEdits } from '../linter/fixes';
import { RULES } from '../linter/registry';
import { isGenerated, listGoFiles } from '../workspace/files';
import { parseArgs, UsageError, USAGE, type CliOptions } from './args';
import { formatJson, formatSarif, formatText, type FileReport } from './report';

/** Fix rounds per file: a fix skipped for overlapping another is taken in the next round. */
const MAX_FIX_ROUNDS = 5;

async function main(argv: string[]): Promise<number> {
  let options: CliOptions;
  let rules: ActiveRule[];
  try {
    options = parseArgs(argv);
    const config: LintConfig = { only: options.rules, rules: Object.fromEntries(options.disable.map((id) => [id, 'off'])) };
    rules = activeRules(config);
  } catch (error) {
    if (!(error instanceof UsageError) && !(error instanceof Error)) throw error;
    process.stderr.write(`go-concurrency-lint: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (options.help) return write(process.stdout, USAGE + '\n', 0);
  if (options.version) return write(process.stdout, `${version}\n`, 0);
  if (options.listRules) {
    return write(process.stdout, RULES.map((r) => `${r.id.padEnd(28)} ${r.defaultSeverity.padEnd(12)} ${r.summary}`).join('\n') + '\n', 0);
  }

  const { files, errors } = listGoFiles(options.paths, options.defaultExcludes);
  const analyzer = await Analyzer.create();
  const reports: FileReport[] = [];
  for (const path of files) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      errors.push(`${path}: ${(error as Error).message}`);
      continue;
    }
    if (options.defaultExcludes && isGenerated(text)) continue;
    let findings = analyzer.lintText(path, text, rules).findings;
    if (options.fix) {
      const fixed = fixFile(analyzer, path, text, rules, errors);
      if (fixed) ({ text, findings } = fixed);
    }
    if (findings.length) reports.push({ path, text, findings });
  }

  const cwd = process.cwd();
  const output = options.format === 'json' ? formatJson(reports, cwd) : options.format === 'sarif' ? formatSarif(reports, cwd, version) : formatText(reports, cwd);
  for (const error of errors) process.stderr.write(`go-concurrency-lint: ${error}\n`);
  return write(process.stdout, output, errors.length ? 2 : reports.length ? 1 : 0);
}

/**
 * Applies preferred fixes until none is left, then writes the file through a
 * temporary file and a rename, so an interrupted run never leaves it half
 * written. A fix that would break the parse is not written.
 */
function fixFile(analyzer: Analyzer, path: string, original: string, rules: ActiveRule[], errors: string[]): { text: string; findings: ReturnType<Analyzer['lintText']>['findings'] } | undefined {
  let text = original;
  let findings = analyzer.lintText(path, text, rules).findings;
  for (let round = 0; round < MAX_FIX_ROUNDS; round++) {
    const edits = preferredEdits(findings);
    if (edits.length === 0) break;
    const next = applyEdits(text, edits);
    if (!analyzer.parsesCleanly(next) && analyzer.parsesCleanly(text)) {
      errors.push(`${path}: a fix would leave the file unparsable; not applied (please report this)`);
      break;
    }
    text = next;
    findings = analyzer.lintText(path, text, rules).findings;
  }
  if (text === original) return undefined;
  const temporary = `${path}.go-concurrency-lint-${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
  return { text, findings };
}

/** Writes everything, then resolves the exit code; never cuts a large output short. */
function write(stream: NodeJS.WriteStream, text: string, code: number): Promise<number> {
  return new Promise((resolve) => {
    if (!text) return resolve(code);
    stream.write(text, () => resolve(code));
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`go-concurrency-lint: internal error: ${(error as Error)?.stack ?? error}\n`);
    process.exitCode = 2;
  },
);
