// syncmap-by-value: a sync.Map, or a struct that holds one by value, is
// copied: the copy and the original share some entries and not others.
import { pointerParameterEdits, pointerParameterIsLocal, signatureCopies, statementCopies, type Copy } from '../engine/copies';
import type { Fix, Rule } from '../ruleapi/rule';
import { copyMessage } from '../engine/copies-text';
import { textMayHoldByValue } from '../engine/syncmap';

const SIGNATURES = new Set(['function_declaration', 'method_declaration', 'func_literal']);

export const syncmapByValue: Rule = {
  id: 'syncmap-by-value',
  category: 'sync',
  defaultSeverity: 'error',
  peers: [{ linter: 'govet', checks: ['copylocks'] }],
  summary: 'A sync.Map (or a struct holding one by value) is copied: passed, returned or received by value, dereferenced, or ranged over.',
  nodeTypes: ['function_declaration', 'method_declaration', 'func_literal', 'short_var_declaration', 'assignment_statement', 'var_spec', 'range_clause'],
  // The type holding it may be declared in another file of the package.
  packageTokens: ['Map'],
  // Only a file that names the type or a struct type of the package holding one can copy it.
  mayFire: (text, path, packages) => textMayHoldByValue(packages, path, text, 'Map'),
  visit(node, context) {
    const { file } = context;
    const copies: Copy[] = SIGNATURES.has(node.type) ? signatureCopies(file, node, 'Map') : statementCopies(file, node, 'Map');
    for (const copy of copies) {
      const fixes: Fix[] = [];
      const edits = pointerParameterEdits(file, copy);
      if (edits) fixes.push({ title: copy.kind === 'receiver' ? 'Use a pointer receiver' : 'Pass a pointer', edits, preferred: pointerParameterIsLocal(file, copy) });
      context.report({ start: copy.node.startIndex, end: copy.node.endIndex, message: copyMessage(copy, 'sync.Map', MAP_CONSEQUENCE), fixes });
    }
  },
};

const MAP_CONSEQUENCE = 'the copy shares some entries with the original and not others, so stores and deletes through one show through the other only sometimes';
