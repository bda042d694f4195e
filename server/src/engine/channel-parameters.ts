// The package model's channel-parameter summaries: for each function and
// method of a package, the channel parameters it only ever sends on (and
// may close), at most once on each path and without another way out (no
// select case, no default), such as `func fetch(u string, out chan<- result) { out <-
// get(u) }`. A goroutine that runs it (`go fetch(u, ch)`) blocks on that send
// until someone receives, as a literal with the same body would: the
// goroutine rules judge such a `go` statement with the callee's summary, in
// whichever file of the package it is declared.
import type { Node } from 'web-tree-sitter';
import { atMostOneOnEachPath, parameterUses } from './channels';
import { typeOfName } from './declared-types';
import { GoFile } from './file';
import type { PlaceInFile } from './goroutines';
import type { FileFactKind } from './package';
import { LineIndex } from './positions';
import { declaring, packageMethodsNamed, receiverTypeName, setByOwner, type ByOwner } from './summaries';
import { namedChildren, unparen } from './syntax';

/** A channel parameter its function sends on once and does nothing else with (but close it). */
export interface ChannelParameterSend {
  /** The parameter's position among the call's arguments. */
  index: number;
  /** The parameter's name, for messages. */
  name: string;
  /** The first send on it. */
  send: PlaceInFile;
}

/** Per file: the functions and methods that send once on a channel parameter. */
interface FileChannelParameters extends ByOwner<ChannelParameterSend[]> {
  packageName: string;
}

/** Per file: its functions and methods that send once on a channel parameter. */
export const CHANNEL_PARAMETER_SENDS: FileFactKind<FileChannelParameters> = {
  key: 'channel-parameters.sends',
  // The functions and methods that mention a channel (their parameters may be one), and the imports.
  reads: (keyword, text) => keyword === 'import' || (keyword === 'func' && text.includes('chan')),
  compute(root, path, text, own) {
    const facts: FileChannelParameters = {
      packageName: root.namedChildren.find((c) => c?.type === 'package_clause')?.namedChild(0)?.text ?? '',
      functions: new Map(),
      methods: new Map(),
    };
    let file: GoFile | undefined = own;
    let lines: LineIndex | undefined;
    const place = (n: Node): PlaceInFile => {
      lines ??= new LineIndex(text);
      return { path, start: n.startIndex, end: n.endIndex, range: { start: lines.position(n.startIndex), end: lines.position(n.endIndex) } };
    };
    for (const fn of namedChildren(root)) {
      if (fn.type !== 'function_declaration' && fn.type !== 'method_declaration') continue;
      const name = fn.childForFieldName('name')?.text;
      const type = fn.type === 'method_declaration' ? receiverTypeName(fn) : undefined;
      if (!name || (fn.type === 'method_declaration' && !type)) continue;
      const parameters = fn.childForFieldName('parameters');
      if (!parameters?.text.includes('chan') || !fn.childForFieldName('body')) continue;
      const sends = sendingParameters((file ??= new GoFile(path, text, root.tree)), fn, parameters, place);
      if (sends.length > 0) setByOwner(facts, type, name, sends);
    }
    return facts;
  },
};

function sendingParameters(file: GoFile, fn: Node, parameters: Node, place: (n: Node) => PlaceInFile): ChannelParameterSend[] {
  const out: ChannelParameterSend[] = [];
  let index = 0;
  for (const declaration of namedChildren(parameters)) {
    // A variadic parameter ends the list: its arguments do not line up one to one.
    if (declaration.type !== 'parameter_declaration') break;
    const names = declaration.childrenForFieldName('name').filter((n): n is Node => !!n);
    const type = declaration.childForFieldName('type');
    const sendable = type?.type === 'channel_type' && !type.text.startsWith('<-');
    for (const name of names.length > 0 ? names : [null]) {
      const uses = sendable && name ? parameterUses(file, name) : [];
      const sends = uses.filter((u) => u.kind === 'send');
      if (
        sends.length > 0 &&
        uses.every((u) => (u.kind === 'send' || u.kind === 'close') && u.function?.id === fn.id && !u.hasAlternative) &&
        atMostOneOnEachPath(file, fn, sends.map((u) => u.operation))
      ) {
        out.push({ index, name: name!.text, send: place(sends[0].operation) });
      }
      index++;
    }
  }
  return out;
}

/**
 * The channel parameters the function or method `go` statement's call runs
 * only sends on, once (CHANNEL_PARAMETER_SENDS), when it is one of the
 * package's: `f(...)` not a local, or `x.m(...)` where `x`'s package type is
 * known, or only one type of the package has a method of that name.
 */
export function goroutineParameterSends(file: GoFile, call: Node): ChannelParameterSend[] {
  const callee = unparen(call.childForFieldName('function') ?? call);
  const facts = () => file.packageFacts(CHANNEL_PARAMETER_SENDS).filter((f) => f.packageName === file.packageName);
  if (callee.type === 'identifier') {
    const declaration = file.resolution.resolve(callee);
    if (declaration && (declaration.kind !== 'package' || declaration.node.parent?.type !== 'function_declaration')) return [];
    file.dependsOn(callee.text);
    // A function of this file: its summary alone (the other files are parsed only for a function declared there).
    if (declaration) return file.ownFact(CHANNEL_PARAMETER_SENDS).functions.get(callee.text) ?? [];
    if (!file.siblingMentions(declaring(callee.text, false))) return [];
    for (const f of facts()) {
      const sends = f.functions.get(callee.text);
      if (sends) return sends;
    }
    return [];
  }
  if (callee.type !== 'selector_expression') return [];
  const operand = unparen(callee.childForFieldName('operand')!);
  const name = callee.childForFieldName('field')?.text;
  if (!name || operand.type !== 'identifier' || file.resolution.resolve(operand)?.kind === 'import') return [];
  file.dependsOn(name);
  // The receiver's type when known: a type of another package may have a method of that name.
  const known = typeOfName(file, operand);
  const type = known && known.path === '' && known.name && known.dotImports.length === 0 ? known.name : undefined;
  if (known && !type) return [];
  // This file first; the others only when one declares a method of that name.
  const all = file.siblingMentions(declaring(name, true)) ? facts() : [file.ownFact(CHANNEL_PARAMETER_SENDS)];
  if (type) return all.map((f) => f.methods.get(type)?.get(name)).find((s) => s) ?? [];
  // The package's method sets (function summaries): one type only declares a method of that name.
  if (packageMethodsNamed(file, name).length !== 1) return [];
  for (const f of all) for (const set of f.methods.values()) if (set.has(name)) return set.get(name)!;
  return [];
}
