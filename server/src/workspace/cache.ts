// Findings kept on disk, keyed by everything they depend on: the file's
// text, its path, its package's other files (names and contents), its Go
// version, the active rules and their severities, and the tool's version.
// A second scan of an unchanged tree reads files and hashes them, nothing
// more; contents rather than modification times, so a fresh checkout of the
// same commit (a CI run restoring the cache) hits it too.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Finding } from '../ruleapi/rule';

export class FindingsCache {
  private readonly directoryStamps = new Map<string, string>();

  constructor(
    private readonly dir: string,
    /** Identifies the configuration (rules, severities, tool version). */
    private readonly configKey: string,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  get(path: string, text: string, goVersion: string): Finding[] | undefined {
    try {
      return JSON.parse(readFileSync(this.entry(path, text, goVersion), 'utf8')) as Finding[];
    } catch {
      return undefined;
    }
  }

  set(path: string, text: string, goVersion: string, findings: Finding[]): void {
    const file = this.entry(path, text, goVersion);
    try {
      mkdirSync(dirname(file), { recursive: true });
      const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      writeFileSync(temporary, JSON.stringify(findings));
      renameSync(temporary, file);
    } catch {
      // A cache that cannot be written only costs time.
    }
  }

  private entry(path: string, text: string, goVersion: string): string {
    const key = createHash('sha256').update(this.configKey).update('\0').update(goVersion).update('\0').update(path).update('\0').update(this.directoryStamp(dirname(path))).update('\0').update(text).digest('hex');
    return join(this.dir, key.slice(0, 2), `${key.slice(2)}.json`);
  }

  /** Names and content hashes of the .go files of a directory: the package's other files. */
  private directoryStamp(dir: string): string {
    let stamp = this.directoryStamps.get(dir);
    if (stamp === undefined) {
      const parts: string[] = [];
      try {
        for (const name of readdirSync(dir).filter((n) => n.endsWith('.go')).sort()) {
          parts.push(`${name}:${createHash('sha1').update(readFileSync(join(dir, name))).digest('hex')}`);
        }
      } catch {
        // An unreadable directory gets an empty stamp.
      }
      stamp = parts.join('/');
      this.directoryStamps.set(dir, stamp);
    }
    return stamp;
  }
}
