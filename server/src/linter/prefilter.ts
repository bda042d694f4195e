// Skipping files that no active rule can fire on, before parsing them: the
// cheapest file to lint is one that is never parsed.
import { dirname } from 'node:path';
import type { PackageIndex } from '../engine/package';
import type { ActiveRule } from './config';

export interface Prefilter {
  /** False when the file at `path` with `text` holds none of the words of any rule that could fire on it: text only, cheap. */
  hasWords(text: string, path: string): boolean;
  /** False when no rule may fire on the file: its words, then each rule's finer test (mayFire), which may read the package. */
  mayFire(text: string, path: string): boolean;
}

export function prefilter(rules: readonly ActiveRule[], packages: PackageIndex): Prefilter {
  const packageHasToken = packageTokenTest(packages);
  const wordTests = rules.map(({ rule }) => {
    const inFile = rule.tokens ?? [];
    const inPackage = rule.packageTokens ?? [];
    return (text: string, path: string): boolean =>
      (!rule.tokens && !rule.packageTokens) ||
      inFile.some((token) => text.includes(token)) ||
      (inPackage.length > 0 && (inPackage.some((token) => text.includes(token)) || packageHasToken(path, inPackage)));
  });
  return {
    hasWords: (text, path) => wordTests.some((test) => test(text, path)),
    mayFire: (text, path) => rules.some(({ rule, configured }, i) => wordTests[i](text, path) && (rule.mayFire?.(text, path, packages, !!configured) ?? true)),
  };
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
