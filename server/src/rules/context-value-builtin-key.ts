// context-value-builtin-key: context.WithValue with a key of a built-in type
// (a string or number literal, string("k"), a constant declared with a
// literal). Any package that uses an equal key of the same type reads or
// overwrites the value.
import { builtinKeyType } from '../engine/context-use';
import { namedChildren } from '../engine/syntax';
import type { Rule } from '../ruleapi/rule';

export const contextValueBuiltinKey: Rule = {
  id: 'context-value-builtin-key',
  category: 'context',
  defaultSeverity: 'warning',
  optIn: true,
  peers: [{ linter: 'staticcheck', checks: ['SA1029'] }, { linter: 'revive', checks: ['context-keys-type'] }],
  summary: 'context.WithValue is called with a key of a built-in type (string, int...), which other packages can collide with.',
  nodeTypes: ['call_expression'],
  tokens: ['WithValue'],
  // The visited call is the finding's: its callee's name is in its own text.
  nodeTokens: ['WithValue'],
  visit(call, context) {
    const { file } = context;
    const callee = call.childForFieldName('function');
    if (!callee || file.packageMember(callee, 'context') !== 'WithValue') return;
    const args = call.childForFieldName('arguments');
    const key = args ? namedChildren(args)[1] : undefined;
    if (!key) return;
    const type = builtinKeyType(file, key);
    if (!type) return;
    const shown = key.text.length <= 40 && !key.text.includes('\n') ? `${key.text} ` : '';
    context.report({
      start: key.startIndex,
      end: key.endIndex,
      message: `the context.WithValue key ${shown}has the built-in type ${type}: any other package that stores a value under an equal ${type} key overwrites this one or reads it, so Value returns the wrong value; use a key of an unexported type of this package`,
    });
  },
};
