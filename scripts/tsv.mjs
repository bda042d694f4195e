// Reading the project's TSV tables (corpus, verdicts, fixes): a header line,
// then one row per line; blank lines and lines starting with # are skipped.
import { readFileSync } from 'node:fs';

/** Rows of the TSV file at `path` as objects keyed by the header; `fail(message)` is called for a row of the wrong width. */
export function readTsv(path, fail) {
  const [header, ...lines] = readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('#'));
  const names = header.split('\t');
  return lines.map((line, n) => {
    const cells = line.split('\t');
    if (cells.length !== names.length) fail(`${path}:${n + 2}: ${cells.length} cells, expected ${names.length}`);
    return Object.fromEntries(names.map((name, i) => [name, cells[i]]));
  });
}
