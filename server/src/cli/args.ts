// Command-line arguments of go-concurrency-lint.
import { parseGoVersion, type GoVersion } from '../engine/gomod';

export type OutputFormat = 'text' | 'json' | 'sarif';

export interface CliOptions {
  paths: string[];
  format: OutputFormat;
  fix: boolean;
  rules?: string[];
  /** Opt-in rules to run besides the default ones. */
  enable: string[];
  /** Severities set per rule, as the editor's goConcurrencyLint.rules setting does. */
  severity: Record<string, string>;
  disable: string[];
  defaultExcludes: boolean;
  /** Globs of paths not to scan, relative to each directory given. */
  exclude: string[];
  /** Worker threads; 1 scans in the main thread. */
  jobs?: number;
  /** Lint only the packages of shard `index` (1-based) of `count`. */
  shard?: { index: number; count: number };
  cacheDir?: string;
  noSkip: boolean;
  help: boolean;
  version: boolean;
  listRules: boolean;
  /** Overrides the `go` directive of go.mod for every file. */
  goVersion?: GoVersion;
  /** The project configuration file to use instead of the nearest .go-concurrency-lint.json. */
  config?: string;
  /** Do not read a project configuration file. */
  noConfig: boolean;
  /** Also report suppression comments that silence nothing. */
  reportUnusedSuppressions: boolean;
}

export class UsageError extends Error {}

export const USAGE = `Usage: go-concurrency-lint [options] <file|dir>...

Finds Go concurrency bugs: lost cancel functions, goroutine leaks, sync misuse.
Directories are searched recursively for .go files.

Options:
  --format text|json|sarif  output format (default: text)
  --fix                     apply the preferred fix of each finding in place
  --rules a,b               run only these rules (opt-in rules included)
  --enable a,b              also run these opt-in rules (see --list-rules)
  --severity RULE=LEVEL     set a rule's severity (error, warning,
                            information, hint, off), as the editor setting
                            does: it turns on an opt-in rule and the cases a
                            rule hides by default (repeatable)
  --disable a,b             do not run these rules
  --config FILE             read the project configuration from FILE (default:
                            the nearest .go-concurrency-lint.json in the
                            working directory or above); flags override it
  --no-config               do not read a project configuration file
  --report-unused-suppressions
                            also report suppression comments that name a rule
                            of this tool but silence nothing, or a misspelled
                            rule (rule id unused-suppression)
  --go-version 1.22         the Go version the code is compiled with (default:
                            the project configuration's goVersion, else the
                            go directive of the nearest go.mod; newest Go
                            when there is none)
  --exclude GLOB            do not scan paths matching GLOB, relative to each
                            directory given (repeatable; e.g. '**/mocks/**',
                            '*_gen.go')
  --no-default-excludes     also scan vendor/, testdata/, .git/, node_modules/
                            and generated files (skipped by default)
  --jobs N                  scan with N worker threads (default: the number
                            of cores, at most 8)
  --cache DIR               keep findings in DIR, keyed by file content and
                            configuration: unchanged files are not parsed again
  --shard K/N               lint only the K-th of N shards of the packages
                            (directories) found, for a CI matrix of N jobs;
                            a package always falls in the same shard
  --no-skip                 parse every file, even those that contain none of
                            the words the active rules need (slower; for tests)
  --list-rules              print the rules and exit
  --version                 print the version and exit
  -h, --help                print this help and exit

Exit status: 0 no findings, 1 findings, 2 usage or I/O error.`;

const FORMATS: readonly OutputFormat[] = ['text', 'json', 'sarif'];

export function parseArgs(argv: readonly string[]): CliOptions {
  const options: CliOptions = { paths: [], format: 'text', fix: false, enable: [], severity: {}, disable: [], defaultExcludes: true, exclude: [], noSkip: false, noConfig: false, reportUnusedSuppressions: false, help: false, version: false, listRules: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--format': {
        const format = value();
        if (!FORMATS.includes(format as OutputFormat)) throw new UsageError(`unknown format "${format}" (use text, json or sarif)`);
        options.format = format as OutputFormat;
        break;
      }
      case '--fix':
        options.fix = true;
        break;
      case '--rules':
        options.rules = splitList(value());
        break;
      case '--enable':
        options.enable.push(...splitList(value()));
        break;
      case '--severity': {
        const text = value();
        const m = /^([a-z0-9-]+)=([a-z]+)$/.exec(text);
        if (!m) throw new UsageError(`--severity needs RULE=LEVEL, for example lost-cancel=error (got "${text}")`);
        options.severity[m[1]] = m[2];
        break;
      }
      case '--disable':
        options.disable.push(...splitList(value()));
        break;
      case '--go-version': {
        const text = value();
        options.goVersion = parseGoVersion(text);
        if (!options.goVersion) throw new UsageError(`invalid Go version "${text}" (use a version such as 1.22, 1.22.3 or go1.22)`);
        break;
      }
      case '--config':
        options.config = value();
        break;
      case '--no-config':
        options.noConfig = true;
        break;
      case '--report-unused-suppressions':
        options.reportUnusedSuppressions = true;
        break;
      case '--no-default-excludes':
        options.defaultExcludes = false;
        break;
      case '--jobs': {
        const jobs = Number(value());
        if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError('--jobs needs a whole number of at least 1');
        options.jobs = jobs;
        break;
      }
      case '--shard': {
        const text = value();
        const match = /^(\d+)\/(\d+)$/.exec(text);
        const index = Number(match?.[1]);
        const count = Number(match?.[2]);
        if (!match || count < 1 || index < 1 || index > count) throw new UsageError(`--shard needs K/N with 1 <= K <= N (for example 2/4), not "${text}"`);
        options.shard = { index, count };
        break;
      }
      case '--exclude':
        options.exclude.push(value());
        break;
      case '--cache':
        options.cacheDir = value();
        break;
      case '--no-skip':
        options.noSkip = true;
        break;
      case '--list-rules':
        options.listRules = true;
        break;
      case '--version':
        options.version = true;
        break;
      case '-h':
      case '--help':
        options.help = true;
        break;
      case '--':
        options.paths.push(...argv.slice(i + 1));
        i = argv.length;
        break;
      default:
        if (flag.startsWith('-') && flag !== '-') throw new UsageError(`unknown option ${flag}`);
        options.paths.push(arg);
    }
  }
  if (!options.help && !options.version && !options.listRules && options.paths.length === 0) throw new UsageError('no files or directories given');
  return options;
}

function splitList(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}
