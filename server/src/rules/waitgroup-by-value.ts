// waitgroup-by-value: a sync.WaitGroup, or a struct that holds one by value,
// is copied: Add and Done on the copy never reach the original's Wait.
import { pointerParameterEdits, pointerParameterIsLocal, signatureCopies, statementCopies, type Copy } from '../engine/copies';
import { copyMessage } from '../engine/copies-text';
import { textMayHoldByValue } from '../engine/syncmap';
import type { Fix, Rule } from '../ruleapi/rule';

const SIGNATURES = new Set(['function_declaration', 'method_declaration', 'func_literal']);

export const waitgroupByValue: Rule = {
  id: 'waitgroup-by-value',
  category: 'sync',
  defaultSeverity: 'error',
  peers: [{ linter: 'govet', checks: ['copylocks'] }],
  summary: 'A sync.WaitGroup (or a struct holding one by value) is copied: Done on the copy never reaches Wait.',
  nodeTypes: ['function_declaration', 'method_declaration', 'func_literal', 'short_var_declaration', 'assignment_statement', 'var_spec', 'range_clause'],
  // The type holding it may be declared in another file of the package.
  packageTokens: ['WaitGroup'],
  // Only a file that names the type or a struct type of the package holding one can copy it.
  mayFire: (text, path, packages) => textMayHoldByValue(packages, path, text, 'WaitGroup'),
  visit(node, context) {
    const { file } = context;
    const copies: Copy[] = SIGNATURES.has(node.type) ? signatureCopies(file, node, 'WaitGroup') : statementCopies(file, node, 'WaitGroup');
    for (const copy of copies) {
      const fixes: Fix[] = [];
      const edits = pointerParameterEdits(file, copy);
      if (edits) fixes.push({ title: copy.kind === 'receiver' ? 'Use a pointer receiver' : 'Pass a pointer', edits, preferred: pointerParameterIsLocal(file, copy) });
      context.report({ start: copy.node.startIndex, end: copy.node.endIndex, message: copyMessage(copy, 'sync.WaitGroup', CONSEQUENCE), fixes });
    }
  },
};

const CONSEQUENCE = "Add and Done on the copy change only the copy's counter, so Wait on the original blocks forever or returns too early";
