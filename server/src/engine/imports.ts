// The file's import table: which local names refer to which package paths.
import type { Node } from 'web-tree-sitter';
import { stringLiteralValue, topLevel, walk } from './syntax';

export interface Imports {
  /** Local name (alias or default package name) to import path. */
  readonly byName: ReadonlyMap<string, string>;
  /** Paths imported with `import . "path"`. */
  readonly dotImported: ReadonlySet<string>;
}

/** The package name a path gets when imported without an alias. */
export function defaultPackageName(path: string): string {
  const parts = path.split('/');
  let last = parts[parts.length - 1];
  if (/^v\d+$/.test(last) && parts.length > 1) last = parts[parts.length - 2];
  last = last.replace(/^go-/, '').replace(/\.v\d+$/, '');
  return last.replace(/[-.]/g, '_');
}

/**
 * The path an import means to the rules: `golang.org/x/net/context` (also
 * vendored, under a path ending in it) is the standard `context` (its types
 * are aliases of the standard ones since Go 1.7, and many older leaks use it).
 */
export function canonicalImportPath(path: string): string {
  return path === 'golang.org/x/net/context' || path.endsWith('/golang.org/x/net/context') ? 'context' : path;
}

export function readImports(root: Node): Imports {
  const byName = new Map<string, string>();
  const dotImported = new Set<string>();
  for (const child of topLevel(root)) {
    if (child?.type !== 'import_declaration') continue;
    walk(child, (n) => {
      if (n.type !== 'import_spec') return true;
      const pathNode = n.childForFieldName('path');
      const written = pathNode ? stringLiteralValue(pathNode) : null;
      if (written === null) return false;
      const path = canonicalImportPath(written);
      const alias = n.childForFieldName('name');
      if (!alias) byName.set(defaultPackageName(written), path);
      else if (alias.type === 'dot') dotImported.add(path);
      else if (alias.text !== '_') byName.set(alias.text, path);
      return false;
    });
  }
  return { byName, dotImported };
}
