// discarded-cancel: `ctx, _ := context.WithTimeout(...)` throws the cancel
// function away, so the context can never be released early.
import { cancelBinding, contextEscapes } from '../engine/context';
import { freeName } from '../engine/names';
import { indentationAt, isInsideLoop } from '../engine/syntax';
import { insertLineAfter, replaceNode } from '../ruleapi/edits';
import type { Fix, Rule } from '../ruleapi/rule';

export const discardedCancel: Rule = {
  id: 'discarded-cancel',
  category: 'context',
  defaultSeverity: 'warning',
  peers: [{ linter: 'govet', checks: ['lostcancel'] }, { linter: 'gosec', checks: ['G118'] }],
  summary: 'The cancel function of a derived context is assigned to _.',
  nodeTypes: ['call_expression'],
  tokens: ['WithCancel', 'WithTimeout', 'WithDeadline', 'NotifyContext'],
  // The visited call is the finding's: its callee's name is in its own text.
  nodeTokens: ['WithCancel', 'WithTimeout', 'WithDeadline', 'NotifyContext'],
  visit(call, context) {
    const { file } = context;
    const binding = cancelBinding(file, call);
    if (!binding || binding.target.type !== 'identifier' || binding.target.text !== '_') return;
    const { statement, target } = binding;
    const fixes: Fix[] = [];
    // Deferring the cancel would cancel a context that outlives the function (returned, or used by a goroutine).
    if (binding.defines && statement.parent?.type === 'statement_list' && !isInsideLoop(statement) && !contextEscapes(file, binding)) {
      const name = freeName(file, statement, binding.constructor.conventionalName);
      fixes.push({
        title: `Name it ${name} and add defer ${name}(${binding.constructor.callArguments})`,
        edits: [replaceNode(target, name), insertLineAfter(file.text, statement, `${indentationAt(file.text, statement.startIndex)}defer ${name}(${binding.constructor.callArguments})`)],
        preferred: true,
      });
    }
    context.report({
      start: target.startIndex,
      end: target.endIndex,
      message: `the ${binding.constructor.conventionalName} function returned by ${binding.constructor.displayName} is discarded: ${binding.constructor.leak}`,
      fixes,
    });
  },
};
