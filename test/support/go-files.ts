// The .go files under a directory, for tests that run over a corpus.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Every .go file under `dir`, in a fixed (sorted) order. */
export function goFiles(dir: string, into: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) goFiles(path, into);
    else if (name.endsWith('.go')) into.push(path);
  }
  return into;
}
