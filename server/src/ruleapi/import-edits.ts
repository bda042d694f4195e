// Referring to an imported package from a fix: the local name to use at a
// place in the file, and the edit that adds the import when it is missing.
import type { Node } from 'web-tree-sitter';
import type { GoFile } from '../engine/file';
import { defaultPackageName } from '../engine/imports';
import { namedChildren, stringLiteralValue } from '../engine/syntax';
import type { TextEdit } from './rule';

export interface PackageReference {
  /** How to qualify a member at the place asked for: `context.` or `ctxpkg.`, `` for a dot import. */
  qualifier: string;
  /** The edits that add the import (empty when the file already imports the package). */
  edits: TextEdit[];
}

/**
 * How code inserted at `at` can refer to the package `path`: through its
 * existing import (when its name is not shadowed at `at`), or through a new
 * import that this returns the edit for. Null when neither works (the default
 * name is taken in the file, or the import is only blank).
 */
export function packageReference(file: GoFile, at: Node, path: string): PackageReference | null {
  for (const [name, imported] of file.imports.byName) {
    if (imported === path && !file.resolution.lookupAt(at, name)) return { qualifier: `${name}.`, edits: [] };
  }
  if (file.imports.dotImported.has(path)) return null;
  if ([...file.imports.byName.values()].includes(path)) return null;
  const name = defaultPackageName(path);
  if (file.imports.byName.has(name) || file.resolution.lookupAt(at, name) || declaresAtPackageLevel(file, name)) return null;
  const edit = addImportEdit(file, path);
  return edit ? { qualifier: `${name}.`, edits: [edit] } : null;
}

function declaresAtPackageLevel(file: GoFile, name: string): boolean {
  return file.resolution.lookupAt(file.root, name)?.kind === 'package';
}

/** The edit that adds `import "path"`: into the first import group, sorted; a single-line import becomes a group. */
export function addImportEdit(file: GoFile, path: string): TextEdit | null {
  const newline = file.text.includes('\r\n') ? '\r\n' : '\n';
  const quoted = JSON.stringify(path);
  const declarations = namedChildren(file.root).filter((c) => c.type === 'import_declaration');
  if (declarations.length === 0) {
    const clause = namedChildren(file.root).find((c) => c.type === 'package_clause');
    if (!clause) return null;
    return { start: clause.endIndex, end: clause.endIndex, newText: `${newline}${newline}import ${quoted}` };
  }
  const declaration = declarations[0];
  const list = namedChildren(declaration).find((c) => c.type === 'import_spec_list');
  if (!list) {
    const spec = namedChildren(declaration).find((c) => c.type === 'import_spec');
    if (!spec) return null;
    const specs = [spec.text, quoted].sort((a, b) => (specPath(a) < specPath(b) ? -1 : 1));
    return { start: declaration.startIndex, end: declaration.endIndex, newText: `import (${newline}${specs.map((s) => `\t${s}`).join(newline)}${newline})` };
  }
  const specs = namedChildren(list).filter((c) => c.type === 'import_spec');
  if (specs.length === 0) {
    const open = list.children.find((c) => c?.type === '(');
    if (!open) return null;
    return { start: open.endIndex, end: open.endIndex, newText: `${newline}\t${quoted}` };
  }
  // The first group: specs up to the first blank line between two of them.
  const group: Node[] = [specs[0]];
  for (let i = 1; i < specs.length; i++) {
    if (specs[i].startPosition.row - specs[i - 1].endPosition.row > 1) break;
    group.push(specs[i]);
  }
  const after = group.find((s) => pathOf(s) > path);
  if (after) {
    const indentation = file.text.slice(file.text.lastIndexOf('\n', after.startIndex - 1) + 1, after.startIndex);
    if (!/^[ \t]*$/.test(indentation)) return null;
    return { start: after.startIndex, end: after.startIndex, newText: `${quoted}${newline}${indentation}` };
  }
  const last = group[group.length - 1];
  const lineEnd = file.text.indexOf('\n', last.endIndex);
  const rest = file.text.slice(last.endIndex, lineEnd === -1 ? undefined : lineEnd).replace(/\r$/, '');
  if (!/^\s*(\/\/.*)?$/.test(rest)) return null;
  const indentation = file.text.slice(file.text.lastIndexOf('\n', last.startIndex - 1) + 1, last.startIndex);
  const at = last.endIndex + rest.length;
  return { start: at, end: at, newText: `${newline}${indentation}${quoted}` };
}

function pathOf(spec: Node): string {
  const p = spec.childForFieldName('path');
  return (p && stringLiteralValue(p)) ?? '';
}

function specPath(specText: string): string {
  const m = /"([^"]*)"|`([^`]*)`/.exec(specText);
  return m ? (m[1] ?? m[2]) : specText;
}
