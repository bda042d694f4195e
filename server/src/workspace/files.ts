// Which files a scan reads: every .go file under the given paths, minus the
// default excludes (vendor/, testdata/, .git/, node_modules/ and generated
// files) unless the user turns them off. Shared by the CLI and the editor.
import { lstatSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const DEFAULT_EXCLUDED_DIRECTORIES: ReadonlySet<string> = new Set(['vendor', 'testdata', '.git', 'node_modules']);

const GENERATED = /^\/\/ Code generated .* DO NOT EDIT\.\r?$/m;

/** True for files that carry Go's generated-code marker before the package clause. */
export function isGenerated(text: string): boolean {
  const packageClause = /^package\s/m.exec(text);
  const header = packageClause ? text.slice(0, packageClause.index) : text;
  return GENERATED.test(header);
}

export interface FileListing {
  files: string[];
  /** Paths that could not be read, with why. */
  errors: string[];
}

/** The .go files named by `paths` (files as given, directories searched recursively), sorted. */
export function listGoFiles(paths: readonly string[], defaultExcludes: boolean): FileListing {
  const files: string[] = [];
  const errors: string[] = [];
  const visit = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      errors.push(`${dir}: ${(error as Error).message}`);
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!(defaultExcludes && DEFAULT_EXCLUDED_DIRECTORIES.has(entry.name))) visit(path);
      } else if (entry.name.endsWith('.go') && (entry.isFile() || isFileLink(path))) {
        files.push(path);
      }
    }
  };
  for (const path of paths) {
    let stat;
    try {
      stat = statSync(path);
    } catch {
      errors.push(`${path}: no such file or directory`);
      continue;
    }
    if (stat.isDirectory()) visit(path);
    else if (stat.isFile()) files.push(path);
    else errors.push(`${path}: not a file or directory`);
  }
  return { files: [...new Set(files)].sort(), errors };
}

function isFileLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink() && statSync(path).isFile();
  } catch {
    return false;
  }
}
