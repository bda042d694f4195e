// Skipping files that no active rule can fire on, before parsing them: the
// cheapest file to lint is one that is never parsed.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ActiveRule } from './config';

/** A test that says whether the file at `path` with `text` may hold a finding of `rules`. */
export function prefilter(rules: readonly ActiveRule[]): (text: string, path: string) => boolean {
  const fileTokens = new Set<string>();
  const packageTokens = new Set<string>();
  for (const { rule } of rules) {
    if (!rule.tokens && !rule.packageTokens) return () => true;
    for (const token of rule.tokens ?? []) fileTokens.add(token);
    for (const token of rule.packageTokens ?? []) packageTokens.add(token);
  }
  const inFile = [...fileTokens];
  const inPackage = [...packageTokens];
  const packages = new Map<string, boolean>();
  const packageHasToken = (dir: string): boolean => {
    let found = packages.get(dir);
    if (found === undefined) {
      found = goFilesOf(dir).some((file) => {
        const text = readText(file);
        return inPackage.some((token) => text.includes(token));
      });
      packages.set(dir, found);
    }
    return found;
  };
  return (text, path) =>
    inFile.some((token) => text.includes(token)) ||
    (inPackage.length > 0 && (inPackage.some((token) => text.includes(token)) || packageHasToken(dirname(path))));
}

function goFilesOf(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((n) => n.endsWith('.go'))
      .map((n) => join(dir, n));
  } catch {
    return [];
  }
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
