// Choosing identifiers that a fix can introduce without capturing or
// shadowing anything.
import type { Node } from 'web-tree-sitter';
import type { GoFile } from './file';
import { topLevel, topLevelFunction, walk } from './syntax';

/**
 * `base`, or `base2`, `base3`... : the first name that no identifier of the
 * enclosing top-level function uses and that the file does not declare or
 * import, so introducing it anywhere in that function changes no binding.
 */
export function freeName(file: GoFile, at: Node, base: string): string {
  const taken = new Set<string>(file.imports.byName.keys());
  const scope = topLevelFunction(at) ?? file.root;
  walk(scope, (n) => {
    if (n.type === 'identifier') taken.add(n.text);
    return true;
  });
  for (const child of topLevel(file.root)) {
    if (child && child.type !== 'function_declaration' && child.type !== 'method_declaration') {
      walk(child, (n) => {
        if (n.type === 'identifier' || n.type === 'type_identifier') taken.add(n.text);
        return true;
      });
    } else if (child?.type === 'function_declaration') {
      const name = child.childForFieldName('name');
      if (name) taken.add(name.text);
    }
  }
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}${i}`)) return `${base}${i}`;
}
