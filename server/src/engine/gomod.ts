// The Go language version a file is compiled with: the `go` directive of
// the nearest go.mod above it (or a version the user gives). Some bugs exist
// only before a version (Go 1.23 collects unstopped timers and tickers), so
// rules ask for it; an unknown version counts as the newest Go.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface GoVersion {
  readonly major: number;
  readonly minor: number;
}

/**
 * Parses `1.22`, `1.22.3`, `go1.22`, `1.21rc1`, `go1.23beta2`: the language
 * version (major.minor); undefined for anything else.
 */
export function parseGoVersion(text: string): GoVersion | undefined {
  const match = /^(?:go)?(\d+)\.(\d+)(?:\.\d+|(?:rc|beta)\d+)?$/.exec(text.trim());
  if (!match) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]) };
}

/** The version of a go.mod's `go` directive; undefined when it has none. */
export function goDirective(goMod: string): GoVersion | undefined {
  for (const line of goMod.split('\n')) {
    const match = /^\s*go\s+(\S+)\s*(?:\/\/.*)?$/.exec(line.replace(/\r$/, ''));
    if (match) return parseGoVersion(match[1]);
  }
  return undefined;
}

/** True when `version` is at least major.minor; an unknown version counts as the newest Go. */
export function goVersionAtLeast(version: GoVersion | undefined, major: number, minor: number): boolean {
  return !version || version.major > major || (version.major === major && version.minor >= minor);
}

export function formatGoVersion(version: GoVersion): string {
  return `${version.major}.${version.minor}`;
}

/**
 * Finds the nearest go.mod of a directory, walking up, and caches the answer
 * of every directory it passes. `read` returns a file's text or undefined
 * when there is none (default: from disk).
 */
export class GoModIndex {
  private readonly byDirectory = new Map<string, { version: GoVersion; root: string } | null>();

  constructor(private readonly read: (path: string) => string | undefined = readIfPresent) {}

  /** The `go` directive of the go.mod nearest to `directory`; undefined when there is none. */
  versionFor(directory: string): GoVersion | undefined {
    return this.moduleOf(directory)?.version;
  }

  /**
   * The root of the outermost module around `directory`: the directory of
   * the go.mod farthest up (a repository's own, when nested modules such as
   * tests/apps/x/go.mod sit inside it); undefined when there is none.
   */
  outermostModuleRootFor(directory: string): string | undefined {
    let root = this.moduleOf(directory)?.root;
    for (let above = root; above !== undefined; ) {
      const parent = dirname(above);
      if (parent === above) break;
      above = this.moduleOf(parent)?.root;
      if (above !== undefined) root = above;
    }
    return root;
  }

  private moduleOf(directory: string): { version: GoVersion; root: string } | undefined {
    const passed: string[] = [];
    let found: { version: GoVersion; root: string } | null = null;
    for (let dir = directory; ; ) {
      const cached = this.byDirectory.get(dir);
      if (cached !== undefined) {
        found = cached;
        break;
      }
      passed.push(dir);
      const text = this.read(join(dir, 'go.mod'));
      if (text !== undefined) {
        // A go.mod without a go directive means go 1.16 to the go command.
        found = { version: goDirective(text) ?? { major: 1, minor: 16 }, root: dir };
        break;
      }
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
    for (const dir of passed) this.byDirectory.set(dir, found);
    return found ?? undefined;
  }

  /** Drops every cached answer (a go.mod was created, changed or deleted). */
  forget(): void {
    this.byDirectory.clear();
  }
}

function readIfPresent(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
