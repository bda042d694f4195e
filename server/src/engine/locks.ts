// Mutexes from the syntax: the calls that lock and unlock a mutex field
// (`s.mu.Lock()`, `s.Lock()` on a struct that embeds one), keyed by the
// owner's package type and the field (`server.mu`), which locks a function
// holds at a given statement, and which it takes at all (itself, or in a
// method of the file it calls).
import type { Node } from 'web-tree-sitter';
import { fieldTypeOf, typeOfName } from './declared-types';
import type { GoFile } from './file';
import { receiverTypeName } from './summaries';
import { enclosingFunction, isAncestor, namedChildren, unparen } from './syntax';

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
function mutexCall(file: GoFile, call: Node): MutexCall | null {
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

/** Per version of a file: mutexCallsIn and locksTaken by function id (every channel operation of a function asks). */
const callsByFile = new WeakMap<GoFile, Map<number, MutexCall[]>>();
const takenByFile = new WeakMap<GoFile, Map<number, MutexCall[]>>();

function memo(cache: WeakMap<GoFile, Map<number, MutexCall[]>>, file: GoFile, fn: Node, compute: () => MutexCall[]): MutexCall[] {
  let byFunction = cache.get(file);
  if (!byFunction) cache.set(file, (byFunction = new Map()));
  let calls = byFunction.get(fn.id);
  if (!calls) byFunction.set(fn.id, (calls = compute()));
  return calls;
}

/** The mutex calls of `fn`'s own body (not of the function literals in it), in source order. */
function mutexCallsIn(file: GoFile, fn: Node): MutexCall[] {
  return memo(callsByFile, file, fn, () => findMutexCalls(file, fn));
}

/** `.Lock()`, `.RLock()`, `.Unlock()`, `.RUnlock()` in a text: the method name starts one past the match. */
const MUTEX_METHOD = /\.(R?Lock|R?Unlock)\(\)/g;

function findMutexCalls(file: GoFile, fn: Node): MutexCall[] {
  const body = fn.childForFieldName('body');
  if (!body) return [];
  const calls: MutexCall[] = [];
  // Found from the text, not by visiting every node of the body.
  for (const match of body.text.matchAll(MUTEX_METHOD)) {
    const at = body.startIndex + match.index! + 1;
    const field = file.root.namedDescendantForIndex(at, at + match[1].length);
    const call = field?.type === 'field_identifier' ? field.parent?.parent : null;
    if (call?.type !== 'call_expression' || enclosingFunction(call)?.id !== fn.id) continue;
    const m = mutexCall(file, call);
    if (m) calls.push(m);
  }
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
  return fn ? memo(takenByFile, file, fn, () => takenBy(file, fn)) : [];
}

function takenBy(file: GoFile, fn: Node): MutexCall[] {
  const body = fn.childForFieldName('body');
  if (!body) return [];
  const found = mutexCallsIn(file, fn).filter((c) => c.kind === 'lock' && !c.deferred);
  // One level of calls: `x.m(...)` of a method of this file (declared once) that locks; found by its name in the text.
  for (const [name, method] of lockingMethods(file)) {
    if (method.id === fn.id) continue;
    const text = body.text;
    for (let i = text.indexOf(`.${name}(`); i !== -1; i = text.indexOf(`.${name}(`, i + 1)) {
      const at = body.startIndex + i + 1;
      const field = file.root.namedDescendantForIndex(at, at + name.length);
      const selector = field?.type === 'field_identifier' ? field.parent : null;
      const call = selector?.parent;
      if (call?.type !== 'call_expression' || call.childForFieldName('function')?.id !== selector!.id || enclosingFunction(call)?.id !== fn.id) continue;
      for (const c of mutexCallsIn(file, method)) if (c.kind === 'lock' && !c.deferred) found.push(c);
      break;
    }
  }
  return found;
}

const lockersByFile = new WeakMap<GoFile, Map<string, Node>>();

/** The methods of the file, declared once by their name, whose own body locks a mutex (not under `defer`). */
function lockingMethods(file: GoFile): Map<string, Node> {
  let lockers = lockersByFile.get(file);
  if (!lockers) {
    const byName = new Map<string, Node[]>();
    for (const n of namedChildren(file.root)) {
      const name = n.type === 'method_declaration' ? n.childForFieldName('name')?.text : undefined;
      if (name) byName.set(name, [...(byName.get(name) ?? []), n]);
    }
    lockers = new Map();
    for (const [name, methods] of byName) {
      if (methods.length === 1 && mutexCallsIn(file, methods[0]).some((c) => c.kind === 'lock' && !c.deferred)) lockers.set(name, methods[0]);
    }
    lockersByFile.set(file, lockers);
  }
  return lockers;
}
