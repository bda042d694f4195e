// go-concurrency-lint: the command-line front end.
import { version } from '../../../package.json';
import { activeRules, type LintConfig } from '../linter/config';
import { RULES } from '../linter/registry';
import { listGoFiles } from '../workspace/files';
import { defaultJobs, scanFiles } from '../workspace/pool';
import { incompleteReasons, type ScanOptions } from '../workspace/scan-file';
import { parseArgs, UsageError, USAGE, type CliOptions } from './args';
import { formatJson, formatSarif, formatText, type FileReport } from './report';
import { inShard } from '../workspace/shard';
import { globMatcher } from '../workspace/globs';
import { findProjectConfig, readProjectConfig, type ProjectConfigReading } from '../workspace/project-config';
import { dirname, relative } from 'node:path';

async function main(argv: string[]): Promise<number> {
  let options: CliOptions;
  let config: LintConfig;
  let project: ProjectConfigReading = { problems: [] };
  try {
    options = parseArgs(argv);
    if (!options.noConfig && !options.help && !options.version && !options.listRules) {
      const path = options.config ?? findProjectConfig(process.cwd());
      if (path) project = readProjectConfig(path);
    }
    // The flags override the project configuration, rule by rule.
    config = { only: options.rules, enable: options.enable, rules: { ...project.config?.rules, ...(options.severity as LintConfig['rules']), ...Object.fromEntries(options.disable.map((id) => [id, 'off'])) } };
    activeRules(config);
  } catch (error) {
    if (!(error instanceof UsageError) && !(error instanceof Error)) throw error;
    process.stderr.write(`go-concurrency-lint: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (options.help) return write(process.stdout, USAGE + '\n', 0);
  if (options.version) return write(process.stdout, `${version}\n`, 0);
  if (options.listRules) {
    return write(process.stdout, RULES.map((r) => `${r.id.padEnd(28)} ${(r.optIn ? 'off' : r.defaultSeverity).padEnd(12)} ${r.summary}`).join('\n') + '\n', 0);
  }

  const listing = listGoFiles(options.paths, options.defaultExcludes, options.exclude);
  // A bad project configuration is linted with the defaults for what is wrong in it, and fails the run.
  const errors = [...project.problems, ...listing.errors];
  let files = options.shard ? inShard(listing.files, options.shard) : listing.files;
  if (project.config?.exclude.length) {
    // The file's globs are relative to its directory.
    const excluded = globMatcher(project.config.exclude);
    const base = dirname(project.config.path);
    files = files.filter((file) => {
      const rel = relative(base, file);
      return rel.startsWith('..') || !excluded(rel);
    });
  }
  const scanOptions: ScanOptions = {
    config,
    fix: options.fix,
    defaultExcludes: options.defaultExcludes,
    cacheDir: options.cacheDir,
    noSkip: options.noSkip,
    goVersion: options.goVersion ?? project.config?.goVersion,
    reportUnusedSuppressions: options.reportUnusedSuppressions,
  };
  const results = await scanFiles(files, scanOptions, options.jobs ?? defaultJobs(), {
    onFallback: (reason) => process.stderr.write(`go-concurrency-lint: worker threads are unavailable (${reason}); scanning in this thread\n`),
  });
  const reports: FileReport[] = [];
  for (const result of results) {
    if (result.error) errors.push(`${result.path}: ${result.error}`);
    // A rule that throws loses its findings: say so, and fail the run rather than pass a file it could not check.
    errors.push(...incompleteReasons(result));
    if (result.skipped && result.skipped !== 'generated') process.stderr.write(`go-concurrency-lint: ${result.path}: ${result.skipped}\n`);
    if (result.findings.length && result.text !== undefined) reports.push({ path: result.path, text: result.text, findings: result.findings });
  }

  const cwd = process.cwd();
  const output = options.format === 'json' ? formatJson(reports, cwd) : options.format === 'sarif' ? formatSarif(reports, cwd, version) : formatText(reports, cwd);
  for (const error of errors) process.stderr.write(`go-concurrency-lint: ${error}\n`);
  return write(process.stdout, output, errors.length ? 2 : reports.length ? 1 : 0);
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
