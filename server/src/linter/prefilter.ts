// Skipping files that no active rule can fire on, before parsing them: the
// cheapest file to lint is one that is never parsed.
import type { ActiveRule } from './config';

/** A test that says whether `text` may hold a finding of `rules`. */
export function prefilter(rules: readonly ActiveRule[]): (text: string) => boolean {
  const tokens = new Set<string>();
  for (const { rule } of rules) {
    if (!rule.tokens) return () => true;
    for (const token of rule.tokens) tokens.add(token);
  }
  const list = [...tokens];
  return (text) => list.some((token) => text.includes(token));
}
