// The user's settings, from `workspace/configuration` (section
// goConcurrencyLint) when the client supports it, else from
// initializationOptions / didChangeConfiguration (for editors such as Neovim).
import type { RuleSetting } from '../linter/config';
import { DEFAULT_MAX_FILE_SIZE } from '../workspace/scan-file';

export interface Settings {
  enable: boolean;
  rules: Record<string, RuleSetting>;
  /** Scan the workspace when the server starts. */
  scanOnStartup: boolean;
  /** Globs of paths the workspace scan skips, relative to each workspace folder. */
  exclude: string[];
  /** Worker threads of the workspace scan; 0 means one per core (at most 8). */
  maxWorkers: number;
  /** Files larger than this many bytes are not linted. */
  maxFileSize: number;
  /** When open files are linted: as they change, or when opened and saved. */
  run: 'onType' | 'onSave';
  /** Report suppression comments that silence nothing (hints). */
  reportUnusedSuppressions: boolean;
  /** The Go version of every file, over go.mod and the project configuration ("1.22"); empty: not set. */
  goVersion: string;
}

export const DEFAULT_SETTINGS: Settings = { enable: true, rules: {}, scanOnStartup: false, exclude: [], maxWorkers: 0, maxFileSize: DEFAULT_MAX_FILE_SIZE, run: 'onType', reportUnusedSuppressions: true, goVersion: '' };

/** Reads settings from an untrusted object, keeping the defaults for anything malformed. */
export function readSettings(raw: unknown): Settings {
  const value = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const section = (value.goConcurrencyLint && typeof value.goConcurrencyLint === 'object' ? value.goConcurrencyLint : value) as Record<string, unknown>;
  const count = (v: unknown, fallback: number) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : fallback);
  return {
    enable: typeof section.enable === 'boolean' ? section.enable : DEFAULT_SETTINGS.enable,
    rules: section.rules && typeof section.rules === 'object' ? (section.rules as Record<string, RuleSetting>) : {},
    scanOnStartup: section.scanOnStartup === true,
    exclude: Array.isArray(section.exclude) ? section.exclude.filter((g): g is string => typeof g === 'string') : [],
    maxWorkers: count(section.maxWorkers, DEFAULT_SETTINGS.maxWorkers),
    maxFileSize: count(section.maxFileSize, DEFAULT_SETTINGS.maxFileSize) || DEFAULT_SETTINGS.maxFileSize,
    run: section.run === 'onSave' ? 'onSave' : 'onType',
    reportUnusedSuppressions: section.reportUnusedSuppressions !== false,
    goVersion: typeof section.goVersion === 'string' ? section.goVersion.trim() : '',
  };
}
