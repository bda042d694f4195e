// Which files a scan reads: every .go file under the given paths, minus the
// default excludes (vendor/, testdata/, .git/, node_modules/ and generated
// files) unless the user turns them off, minus the user's exclude globs.
// Shared by the CLI and the editor.
import { lstatSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { globMatcher } from './globs';

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

/**
 * The .go files named by `paths` (files as given, directories searched
 * recursively), sorted. `exclude` globs match paths relative to the
 * directory given (a file given by name is never excluded).
 */
export function listGoFiles(paths: readonly string[], defaultExcludes: boolean, exclude: readonly string[] = []): FileListing {
  const files: string[] = [];
  const errors: string[] = [];
  const excluded = globMatcher(exclude);
  const visit = (dir: string, root: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      errors.push(`${dir}: ${(error as Error).message}`);
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (excluded(relative(root, path))) continue;
      if (entry.isDirectory()) {
        if (!(defaultExcludes && DEFAULT_EXCLUDED_DIRECTORIES.has(entry.name))) visit(path, root);
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
    if (stat.isDirectory()) visit(path, path);
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

/** Whether a scan of `root` lists `path` (for files created or changed after the scan). */
export function isListed(root: string, path: string, defaultExcludes: boolean, excluded: (relativePath: string) => boolean): boolean {
  const relativePath = relative(root, path);
  if (!path.endsWith('.go') || relativePath === '' || relativePath.startsWith('..') || isAbsolute(relativePath)) return false;
  const directories = relativePath.split(sep).slice(0, -1);
  if (defaultExcludes && directories.some((d) => DEFAULT_EXCLUDED_DIRECTORIES.has(d))) return false;
  // A glob that matches a directory matches every path under it.
  return !excluded(relativePath);
}
