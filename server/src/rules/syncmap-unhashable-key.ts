// syncmap-unhashable-key: a slice, map or function used as a sync.Map key.
// sync.Map keys go into a Go map of `any`: hashing such a key panics.
import { SYNC_MAP_KEYED, compactText, syncMapCall, unhashableValue, textMaySyncValue } from '../engine/syncmap';
import type { Rule } from '../ruleapi/rule';

export const syncmapUnhashableKey: Rule = {
  id: 'syncmap-unhashable-key',
  category: 'sync',
  defaultSeverity: 'error',
  summary: 'A slice, map or function value is used as a sync.Map key: the call panics at run time.',
  nodeTypes: ['call_expression'],
  tokens: ['Load(', 'LoadOrStore(', 'LoadAndDelete(', 'Store(', 'Delete(', 'Swap('],
  // Only a sync.Map can be the receiver: the file or another of its package names the type.
  mayFire: (text, path, packages) => textMaySyncValue(packages, path, text, 'Map'),
  // The visited call is the finding's: its callee's name is in its own text.
  nodeTokens: ['Load', 'Store', 'Delete', 'Swap'],
  visit(call, context) {
    const { file } = context;
    const info = syncMapCall(file, call);
    if (!info || !SYNC_MAP_KEYED.has(info.method) || info.args.length === 0) return;
    const key = info.args[0];
    const kind = unhashableValue(file, key);
    if (!kind) return;
    context.report({
      start: key.startIndex,
      end: key.endIndex,
      message: `this key is a ${kind}, which is not comparable: ${compactText(info.map)}.${info.method} panics at run time with "hash of unhashable type"; use a string, an array or a struct of comparable fields as the key`,
    });
  },
};
