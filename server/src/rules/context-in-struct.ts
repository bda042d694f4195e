// context-in-struct: a struct field of type context.Context. The context is
// then tied to the struct's lifetime instead of to each call, so callers of
// its methods can neither cancel that work nor give it a deadline.
import type { Node } from 'web-tree-sitter';
import type { GoFile } from '../engine/file';
import { namedChildren } from '../engine/syntax';
import type { Rule } from '../ruleapi/rule';

export const contextInStruct: Rule = {
  id: 'context-in-struct',
  category: 'context',
  defaultSeverity: 'hint',
  optIn: true,
  peers: [{ linter: 'containedctx' }],
  summary: 'A struct field has type context.Context instead of the context being passed to each call.',
  nodeTypes: ['field_declaration'],
  tokens: ['"context"'],
  visit(field, context) {
    const { file } = context;
    const type = field.childForFieldName('type');
    if (!type || !file.isPackageType(type, 'context', 'Context')) return;
    // An embedded context.Context is how a type implements context.Context itself (a derived context): not reported.
    const names = field.childrenForFieldName('name').filter((n): n is Node => n?.type === 'field_identifier');
    if (names.length === 0) return;
    // Only hidden fields of exported types: their callers (in other packages) cannot see or replace the stored context.
    // An exported field is set by the caller on purpose (a configuration's base context); an unexported type is usually
    // one operation's state (a handshake, a dial) built inside the call that owns the context.
    if (names.some((n) => /^\p{Lu}/u.test(n.text)) || !isExportedStruct(field)) return;
    const list = field.parent!;
    if (isContextItself(file, list) || ownsCancel(file, list) || hasContextAccessor(file, list)) return;
    context.report({
      start: names[0].startIndex,
      end: type.endIndex,
      message: `${names.map((n) => n.text).join(', ')} stores a context.Context in a struct: the methods that use it run with whatever context the struct was built with, so their callers cannot cancel them or give them a deadline, and work outlives the request that started it`,
    });
  },
};

/** True when the field belongs to the struct type of an exported type declaration (`type Queue struct {...}`). */
function isExportedStruct(field: Node): boolean {
  const list = field.parent;
  const struct = list?.type === 'field_declaration_list' ? list.parent : null;
  const spec = struct?.type === 'struct_type' ? struct.parent : null;
  const name = spec?.type === 'type_spec' && spec.childForFieldName('type')?.id === struct!.id ? spec.childForFieldName('name')?.text : undefined;
  return !!name && /^\p{Lu}/u.test(name);
}

/** The struct embeds context.Context: it is a context type (a derived context), which holds its parent by design. */
function isContextItself(file: GoFile, fields: Node): boolean {
  return namedChildren(fields).some((f) => {
    const type = f.childForFieldName('type');
    return f.type === 'field_declaration' && !f.childForFieldName('name') && !!type && file.isPackageType(type, 'context', 'Context');
  });
}

/**
 * The struct also holds the context's cancel function (a context.CancelFunc,
 * or a func() field named cancel...): it owns a context for its own
 * lifetime (a server's base context, a transaction's) and ends it itself.
 */
function ownsCancel(file: GoFile, fields: Node): boolean {
  return namedChildren(fields).some((f) => {
    const type = f.childForFieldName('type');
    if (f.type !== 'field_declaration' || !type) return false;
    if (file.isPackageType(type, 'context', 'CancelFunc') || file.isPackageType(type, 'context', 'CancelCauseFunc')) return true;
    return type.type === 'function_type' && f.childrenForFieldName('name').some((n) => n?.type === 'field_identifier' && /^(cancel|stop)/i.test(n.text));
  });
}

/**
 * The struct's type has a `Context() context.Context` method in this file:
 * the documented exception for values that carry one operation's context
 * (http.Request, tls.ClientHelloInfo), which callers read and replace.
 */
function hasContextAccessor(file: GoFile, fields: Node): boolean {
  const spec = fields.parent?.parent;
  const typeName = spec?.type === 'type_spec' ? spec.childForFieldName('name')?.text : undefined;
  if (!typeName) return false;
  return namedChildren(file.root).some((d) => {
    if (d.type !== 'method_declaration' || d.childForFieldName('name')?.text !== 'Context') return false;
    const receiver = d.childForFieldName('receiver');
    const receiverType = receiver ? namedChildren(receiver)[0]?.childForFieldName('type') : null;
    const base = receiverType?.type === 'pointer_type' ? receiverType.namedChild(0) : receiverType;
    const baseName = base?.type === 'generic_type' ? base.childForFieldName('type')?.text : base?.text;
    return baseName === typeName;
  });
}
