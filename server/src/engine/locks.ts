// Mutexes from the syntax: the calls that lock and unlock a mutex field
// (`s.mu.Lock()`, `s.Lock()` on a struct that embeds one), keyed by the
// owner's package type and the field (`server.mu`), which locks a function
// holds at a given statement, and which it takes at all (itself, or in a
// method of the file it calls).
import type { Node } from 'web-tree-sitter';
import { fieldTypeOf, typeOfName } from './declared-types';
import type { GoFile } from './file';
import { receiverTypeName } from './summaries';
import { enclosingFunction, isAncestor, isFunction, namedChildren, unparen, walk } from './syntax';

export interface MutexCall {
  /** `<owner type>.<field>` (`server.mu`), or `<owner type>` for a mutex the owner embeds. */
  key: string;
  kind: 'lock' | 'unlock';
  /** Lock or Unlock, not RLock or RUnlock. */
  exclusive: boolean;
  /** Under `defer`: it runs when the function returns. */
  deferred: boolean;
  call: Node;
}

const METHODS: Readonly<Record<string, [MutexCall['kind'], boolean]>> = { Lock: ['lock', true], RLock: ['lock', false], Unlock: ['unlock', true], RUnlock: ['unlock', false] };

/** The package type of an operand (`s`, `s.inner`), when known: the receiver's, a name's declared or made type, a field's declared type. */
export function ownerType(file: GoFile, operand: Node, fn: Node | null = topFunction(operand)): string | undefined {
  const o = unparen(operand);
  if (o.type === 'identifier') {
    const receiver = fn?.type === 'method_declaration' ? fn.childForFieldName('receiver')?.namedChild(0)?.childForFieldName('name') : null;
    if (receiver && file.resolution.resolve(o)?.node.id === receiver.id) return receiverTypeName(fn!);
    const t = typeOfName(file, o);
    return t && t.path === '' && t.name && t.dotImports.length === 0 ? t.name : undefined;
  }
  if (o.type === 'selector_expression') {
    const t = fieldTypeOf(file, o);
    return t && t.path === '' && t.name && t.dotImports.length === 0 ? t.name : undefined;
  }
  return undefined;
}

/** `x.mu.Lock()`, `x.mu.RUnlock()`, `x.Lock()`...: the mutex call, when its owner's type is known. */
export function mutexCall(file: GoFile, call: Node): MutexCall | null {
  const callee = call.childForFieldName('function');
  if (callee?.type !== 'selector_expression') return null;
  const method = METHODS[callee.childForFieldName('field')?.text ?? ''];
  const operand = callee.childForFieldName('operand');
  if (!method || !operand || call.childForFieldName('arguments')?.namedChildCount) return null;
  const fn = topFunction(call);
  let key: string | undefined;
  const target = unparen(operand);
  if (target.type === 'selector_expression') {
    const owner = ownerType(file, target.childForFieldName('operand')!, fn);
    key = owner && `${owner}.${target.childForFieldName('field')!.text}`;
  } else if (target.type === 'identifier') {
    // `c.Lock()`: a mutex the owner's struct embeds (a local or parameter named like a package would be an import).
    if (file.resolution.resolve(target)?.kind === 'import') return null;
    key = ownerType(file, target, fn);
  }
  if (!key) return null;
  return { key, kind: method[0], exclusive: method[1], deferred: call.parent?.type === 'defer_statement', call };
}

function topFunction(node: Node): Node | null {
  let fn = enclosingFunction(node);
  while (fn?.type === 'func_literal') fn = enclosingFunction(fn);
  return fn;
}

/** The mutex calls of `fn`'s own body (not of the function literals in it), in source order. */
export function mutexCallsIn(file: GoFile, fn: Node): MutexCall[] {
  const body = fn.childForFieldName('body');
  if (!body || !/\b(R?Lock|R?Unlock)\(\)/.test(body.text)) return [];
  const calls: MutexCall[] = [];
  walk(body, (n) => {
    if (n.id !== body.id && isFunction(n)) return false;
    if (n.type === 'call_expression') {
      const m = mutexCall(file, n);
      if (m) calls.push(m);
    }
    return true;
  });
  return calls;
}

/**
 * The locks `fn` holds when it runs `at`: a lock before it, in a block that
 * holds `at`, with no unlock of the same mutex between them (a deferred one
 * runs only at the return).
 */
export function heldAt(file: GoFile, fn: Node, at: Node): MutexCall[] {
  const calls = mutexCallsIn(file, fn);
  return calls.filter((lock) => {
    if (lock.kind !== 'lock' || lock.deferred || lock.call.startIndex > at.startIndex) return false;
    const statement = lock.call.parent;
    const block = statement?.parent;
    if (!block || !isAncestor(block, at) || enclosingFunction(at)?.id !== fn.id) return false;
    return !calls.some((u) => u.kind === 'unlock' && !u.deferred && u.key === lock.key && u.call.startIndex > lock.call.startIndex && u.call.startIndex < at.startIndex);
  });
}

/**
 * The mutexes the function holding `at` locks (not under `defer`), directly
 * or in a method of the same file it calls (`s.handle(v)` that locks
 * `s.mu`): before `at` (it cannot get there while another function holds
 * the mutex), or after it, ready for the next time the function runs or its
 * loop goes round.
 */
export function locksTaken(file: GoFile, at: Node): MutexCall[] {
  const fn = enclosingFunction(at);
  const body = fn?.childForFieldName('body');
  if (!fn || !body) return [];
  const found = mutexCallsIn(file, fn).filter((c) => c.kind === 'lock' && !c.deferred);
  // One level of calls: methods of this file locking a mutex of the same owner type.
  const methods = fileMethods(file);
  walk(body, (n) => {
    if (n.id !== body.id && isFunction(n)) return false;
    if (n.type !== 'call_expression') return true;
    const callee = n.childForFieldName('function');
    const name = callee?.type === 'selector_expression' ? callee.childForFieldName('field')?.text : undefined;
    const candidates = name ? (methods.get(name) ?? []) : [];
    if (candidates.length === 1 && candidates[0].id !== fn.id) {
      for (const c of mutexCallsIn(file, candidates[0])) if (c.kind === 'lock' && !c.deferred) found.push(c);
    }
    return true;
  });
  return found;
}

const methodsByFile = new WeakMap<GoFile, Map<string, Node[]>>();

function fileMethods(file: GoFile): Map<string, Node[]> {
  let methods = methodsByFile.get(file);
  if (!methods) {
    methods = new Map();
    for (const n of namedChildren(file.root)) {
      if (n.type !== 'method_declaration') continue;
      const name = n.childForFieldName('name')?.text;
      if (name) methods.set(name, [...(methods.get(name) ?? []), n]);
    }
    methodsByFile.set(file, methods);
  }
  return methods;
}
