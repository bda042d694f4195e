// Skipping files that no active rule can fire on, before parsing them: the
// cheapest file to lint is one that is never parsed.
import { dirname } from 'node:path';
import type { PackageIndex } from '../engine/package';
import type { ActiveRule } from './config';

/** A test that says whether the file at `path` with `text` may hold a finding of `rules`. */
export function prefilter(rules: readonly ActiveRule[], packages: PackageIndex): (text: string, path: string) => boolean {
  const packageHasToken = packageTokenTest(packages);
  const tests = rules.map(({ rule }) => {
    const inFile = rule.tokens ?? [];
    const inPackage = rule.packageTokens ?? [];
    const tokens = (text: string, path: string): boolean =>
      (!rule.tokens && !rule.packageTokens) ||
      inFile.some((token) => text.includes(token)) ||
      (inPackage.length > 0 && (inPackage.some((token) => text.includes(token)) || packageHasToken(path, inPackage)));
    return rule.mayFire ? (text: string, path: string) => tokens(text, path) && rule.mayFire!(text, path, packages) : tokens;
  });
  return (text, path) => tests.some((test) => test(text, path));
}

/**
 * Whether another .go file of a file's directory holds one of some tokens,
 * remembered per directory and tokens: asked only of files that do not hold
 * them, so the answer is the same for every file of the directory.
 */
function packageTokenTest(packages: PackageIndex): (path: string, tokens: readonly string[]) => boolean {
  const answers = new Map<string, boolean>();
  return (path, tokens) => {
    const key = `${dirname(path)}\u0000${tokens.join('\u0000')}`;
    let found = answers.get(key);
    if (found === undefined) {
      found = packages.siblingTexts(path).some(([, text]) => text !== undefined && tokens.some((token) => text.includes(token)));
      answers.set(key, found);
    }
    return found;
  };
}
