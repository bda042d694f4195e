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
    if (holdsOperationScope(file, list) || adaptsContextFreeInterface(file, list)) return;
    if (names.every((n) => !file.packageReadsField(n.text) || onlyWatchesLifetime(file, n.text) || cancelKeptBeside(file, n.text))) return;
    context.report({
      start: names[0].startIndex,
      end: type.endIndex,
      message: `${names.map((n) => n.text).join(', ')} stores a context.Context in a struct: the methods that use it run with whatever context the struct was built with, so their callers cannot cancel them or give them a deadline; pass the context to each method instead, or, if it is the object's lifetime, keep its cancel function in the struct and end it from a Close or Stop method`,
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
  file.dependsOn('Context');
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

/** The struct also holds the `*errgroup.Group` of errgroup.WithContext: one operation's scope, ended by Wait. */
function holdsOperationScope(file: GoFile, fields: Node): boolean {
  return namedChildren(fields).some((f) => {
    const type = f.childForFieldName('type');
    const base = type?.type === 'pointer_type' ? type.namedChild(0) : type;
    return !!base && file.isPackageType(base, 'golang.org/x/sync/errgroup', 'Group');
  });
}

/**
 * The type implements an interface whose methods take no context
 * (io.Reader, io.Writer: a `Read(p []byte)` or `Write(p []byte)` method in
 * the file): the stored context is the only way to reach one.
 */
function adaptsContextFreeInterface(file: GoFile, fields: Node): boolean {
  const typeName = structTypeName(fields);
  if (!typeName) return false;
  return new RegExp(`func\\s*\\(\\s*\\w+\\s+\\*?${typeName}\\s*\\)\\s*(Read|Write|ReadAt|WriteAt|Next|Recv|Send)\\(`).test(file.text);
}

function structTypeName(fields: Node): string | undefined {
  const spec = fields.parent?.parent;
  return spec?.type === 'type_spec' ? spec.childForFieldName('name')?.text : undefined;
}

/**
 * Every read of the field in the file only watches the object's lifetime:
 * `x.ctx.Done()`, `x.ctx.Err()`, or hands it to a goroutine the object
 * starts (`go x.loop(x.ctx)`): the lifetime context of a long-lived object.
 */
function onlyWatchesLifetime(file: GoFile, field: string): boolean {
  file.dependsOn(field);
  const uses = [...file.text.matchAll(new RegExp(`\\.${field}\\b(?!\\s*(=[^=]|:=))`, 'g'))];
  if (uses.length === 0) return false;
  return uses.every((m) => {
    const after = file.text.slice(m.index! + field.length + 1, m.index! + field.length + 12);
    if (/^\.(Done|Err)\(\)/.test(after)) return true;
    const node = file.root.descendantForIndex(m.index!, m.index! + 1);
    for (let n: Node | null = node; n; n = n.parent) {
      if (n.type === 'go_statement') return true;
      if (n.type === 'function_declaration' || n.type === 'method_declaration') return false;
    }
    return false;
  });
}

/**
 * The function that sets the field (`job.ctx = c`) also stores a cancel
 * function beside it (`p.cancels[id] = cancel`, `job.stop = cancel`): a
 * per-job context that its owner cancels.
 */
function cancelKeptBeside(file: GoFile, field: string): boolean {
  file.dependsOn(field);
  for (const m of file.text.matchAll(new RegExp(`\\.${field}\\s*=[^=]`, 'g'))) {
    const node = file.root.descendantForIndex(m.index!, m.index! + 1);
    let fn: Node | null = node;
    while (fn && fn.type !== 'function_declaration' && fn.type !== 'method_declaration' && fn.type !== 'func_literal') fn = fn.parent;
    if (fn && /[\w\]]\s*=\s*cancel\w*\b|[\w\]]\s*=\s*\w*[cC]ancel\b/.test(fn.text)) return true;
  }
  return false;
}
