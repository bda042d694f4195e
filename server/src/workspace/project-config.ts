// The project configuration file, `.go-concurrency-lint.json` at a folder's
// root, read by the CLI and the language server alike so that the editor and
// CI lint with the same rules:
//   {
//     "rules": { "lost-cancel": "error", "goroutine-without-exit": "warning" },
//     "exclude": ["**/mocks/**"],
//     "goVersion": "1.22"
//   }
// A file that cannot be used at all (unreadable, not JSON, not an object) is
// one message and the defaults; a bad entry is named and ignored, the others
// apply (as in the editor settings).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseGoVersion, type GoVersion } from '../engine/gomod';
import { usableRuleSettings, type RuleSetting } from '../linter/config';

export const PROJECT_CONFIG_FILE = '.go-concurrency-lint.json';

export interface ProjectConfig {
  /** The file it was read from. */
  path: string;
  rules: Record<string, RuleSetting>;
  /** Globs relative to the file's directory. */
  exclude: string[];
  goVersion?: GoVersion;
}

export interface ProjectConfigReading {
  /** Undefined when there is no file, or it could not be used at all. */
  config?: ProjectConfig;
  /** One sentence per problem, each naming the file. */
  problems: string[];
}

const KEYS = new Set(['$schema', 'rules', 'exclude', 'goVersion']);

/** Reads `<directory>/.go-concurrency-lint.json`, if there is one. */
export function readProjectConfigIn(directory: string): ProjectConfigReading {
  const path = join(directory, PROJECT_CONFIG_FILE);
  return existsSync(path) ? readProjectConfig(path) : { problems: [] };
}

/** The nearest `.go-concurrency-lint.json` in `directory` or above it (as golangci-lint finds its file). */
export function findProjectConfig(directory: string): string | undefined {
  for (let dir = directory; ; dir = dirname(dir)) {
    const path = join(dir, PROJECT_CONFIG_FILE);
    if (existsSync(path)) return path;
    if (dirname(dir) === dir) return undefined;
  }
}

export function readProjectConfig(path: string): ProjectConfigReading {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return { problems: [`${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); the defaults are used`] };
  }
  return parseProjectConfig(path, text);
}

export function parseProjectConfig(path: string, text: string): ProjectConfigReading {
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    return { problems: [`${path}: not valid JSON (${jsonErrorWhere(text, error as Error)}); the defaults are used`] };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { problems: [`${path}: must hold a JSON object such as {"rules": {"lost-cancel": "error"}}; the defaults are used`] };
  const value = raw as Record<string, unknown>;
  const problems: string[] = [];
  const config: ProjectConfig = { path, rules: {}, exclude: [] };
  for (const key of Object.keys(value)) if (!KEYS.has(key)) problems.push(`${path}: unknown key "${key}" is ignored (known: rules, exclude, goVersion)`);
  if (value.rules !== undefined) {
    if (typeof value.rules !== 'object' || value.rules === null || Array.isArray(value.rules)) {
      problems.push(`${path}: "rules" must be an object of rule ids and severities; it is ignored`);
    } else {
      const usable = usableRuleSettings(value.rules as Record<string, unknown>);
      config.rules = usable.rules;
      for (const problem of usable.problems) problems.push(`${path}: rules: ${problem}; that entry is ignored`);
    }
  }
  if (value.exclude !== undefined) {
    if (Array.isArray(value.exclude) && value.exclude.every((g) => typeof g === 'string')) config.exclude = value.exclude as string[];
    else problems.push(`${path}: "exclude" must be an array of glob strings; it is ignored`);
  }
  if (value.goVersion !== undefined) {
    const version = typeof value.goVersion === 'string' ? parseGoVersion(value.goVersion) : undefined;
    if (version) config.goVersion = version;
    else problems.push(`${path}: "goVersion" must be a Go version such as "1.22"; it is ignored`);
  }
  return { config, problems };
}

/** "line L, column C" of a JSON.parse error, when Node says where. */
function jsonErrorWhere(text: string, error: Error): string {
  const m = /position (\d+)/.exec(error.message);
  if (!m) return error.message;
  const offset = Number(m[1]);
  const before = text.slice(0, offset).split('\n');
  return `${error.message.replace(/ in JSON at position \d+.*$/, '')} at line ${before.length}, column ${before[before.length - 1].length + 1}`;
}
