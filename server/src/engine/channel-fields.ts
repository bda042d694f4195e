// Channel fields across a package: every use of a struct field as a channel
// (`s.f <- v`, `<-s.f`, `range s.f`, `close(s.f)`) or as a value handed on,
// how the package makes it (buffered or not), and which receives sit in an
// endless `for { select { ... } }` loop that some case leaves (the loop of a
// goroutine that stops on a signal): a field's protocol as the package shows it.
import type { Node } from 'web-tree-sitter';
import { channelMake } from './channels';
import { GoFile } from './file';
import type { PlaceInFile } from './goroutines';
import { isInfiniteLoop, loopJumps } from './loops';
import type { FileFactKind } from './package';
import { LineIndex } from './positions';
import { isAncestor, namedChildren, topLevelFunction } from './syntax';

export interface ChannelFieldUse {
  /** 'escape': the channel value is handed on (an argument, a result, assigned or stored elsewhere, sent). */
  kind: 'send' | 'receive' | 'range' | 'close' | 'escape';
  /** The communication of a select that has another case or a default. */
  hasAlternative: boolean;
  /** The name of the top-level function or method holding the use ('' outside any). */
  functionName: string;
  place: PlaceInFile;
  /** A receive in a select that is the body of an endless loop which some case of it leaves: the communication of that case. */
  exitCase?: PlaceInFile;
}

interface FileChannelFields {
  packageName: string;
  /** Uses by field name. */
  uses: Map<string, ChannelFieldUse[]>;
  /** Fields made with a buffer somewhere in the file (`f: make(chan T, n)`, `x.f = make(chan T, n)`). */
  buffered: Set<string>;
}

const SEND_OR_RECEIVE = /<-/;

/** Per file: the channel-like uses of struct fields (`x.f` in a channel operation or handed on), by field name. */
export const CHANNEL_FIELDS: FileFactKind<FileChannelFields> = {
  key: 'channel-fields.uses',
  // Functions, and the variables and constants whose values may hold function literals.
  reads: (keyword) => keyword !== 'type',
  compute(root, path, text, own) {
    const file = own ?? new GoFile(path, text, root.tree);
    const facts: FileChannelFields = { packageName: file.packageName, uses: new Map(), buffered: new Set() };
    if (!SEND_OR_RECEIVE.test(text) && !text.includes('close(') && !text.includes('make(')) return facts;
    let lines: LineIndex | undefined;
    const place = (n: Node): PlaceInFile => {
      lines ??= new LineIndex(text);
      return { path, start: n.startIndex, end: n.endIndex, range: { start: lines.position(n.startIndex), end: lines.position(n.endIndex) } };
    };
    for (const selector of root.descendantsOfType('selector_expression')) {
      const field = selector?.childForFieldName('field')?.text;
      if (!selector || !field) continue;
      const use = classify(file, selector, place);
      if (use === 'made-buffered') facts.buffered.add(field);
      if (!use || use === 'made-buffered') continue;
      let list = facts.uses.get(field);
      if (!list) facts.uses.set(field, (list = []));
      list.push(use);
    }
    for (const element of text.includes('make(') ? root.descendantsOfType('keyed_element') : []) {
      const key = element?.childForFieldName('key')?.namedChild(0);
      const value = element?.childForFieldName('value')?.namedChild(0);
      const made = value ? channelMake(file, value) : null;
      if (key && (key.type === 'field_identifier' || key.type === 'identifier') && made && !made.unbuffered) facts.buffered.add(key.text);
    }
    return facts;
  },
};

function classify(file: GoFile, selector: Node, place: (n: Node) => PlaceInFile): ChannelFieldUse | 'made-buffered' | null {
  let n = selector;
  while (n.parent?.type === 'parenthesized_expression') n = n.parent;
  const parent = n.parent;
  if (!parent) return null;
  const functionName = topLevelFunction(selector)?.childForFieldName('name')?.text ?? '';
  const use = (kind: ChannelFieldUse['kind'], operation: Node): ChannelFieldUse => {
    const clause = communicationCase(operation);
    const select = clause?.parent;
    const cases = select ? namedChildren(select).filter((c) => c.type === 'communication_case' || c.type === 'default_case') : [];
    const exit = kind === 'receive' && clause && select ? loopExitCase(select, clause) : null;
    return { kind, hasAlternative: cases.length > 1, functionName, place: place(operation), exitCase: exit ? place(exit) : undefined };
  };
  if (parent.type === 'send_statement') return parent.childForFieldName('channel')?.id === n.id ? use('send', parent) : use('escape', n);
  if (parent.type === 'unary_expression' && parent.childForFieldName('operator')?.type === '<-') return use('receive', parent);
  if (parent.type === 'range_clause' && parent.childForFieldName('right')?.id === n.id) return use('range', parent);
  if (parent.type === 'argument_list') {
    const callee = parent.parent?.childForFieldName('function');
    if (callee?.type === 'identifier' && callee.text === 'close') return use('close', parent.parent!);
    if (callee?.type === 'identifier' && (callee.text === 'len' || callee.text === 'cap')) return null;
    return use('escape', n);
  }
  if (parent.type === 'expression_list') {
    const statement = parent.parent;
    // `x.f = make(chan T, n)`: how the field is made; the target of any other assignment is not a use.
    if ((statement?.type === 'assignment_statement' || statement?.type === 'short_var_declaration') && statement.childForFieldName('left')?.id === parent.id) {
      const right = statement.childForFieldName('right');
      const index = namedChildren(parent).findIndex((c) => c.id === n.id);
      const value = right ? namedChildren(right)[index] : undefined;
      const made = value ? channelMake(file, value) : null;
      return made && !made.unbuffered ? 'made-buffered' : null;
    }
    return use('escape', n);
  }
  if (parent.type === 'return_statement' || parent.type === 'literal_element' || parent.type === 'keyed_element') return use('escape', n);
  return null;
}

function communicationCase(operation: Node): Node | null {
  let n = operation;
  while (n.parent?.type === 'parenthesized_expression') n = n.parent;
  const communication = n.parent?.type === 'receive_statement' || n.parent?.type === 'expression_statement' ? n.parent : n;
  const clause = communication.parent;
  return clause?.type === 'communication_case' && clause.childForFieldName('communication')?.id === communication.id ? clause : null;
}

/**
 * When the select is a statement of the body of an endless `for` loop and
 * one of its cases other than `own` leaves the loop (return, break or goto
 * out of it): that case's communication (or the `default` keyword). A loop
 * left only on a value of the field itself stops when it is told to: that
 * send is the stop signal, not data.
 */
function loopExitCase(select: Node, own: Node): Node | null {
  const list = select.parent?.type === 'statement_list' ? select.parent.parent : select.parent;
  const loop = list?.type === 'block' ? list.parent : null;
  if (!loop || !isInfiniteLoop(loop)) return null;
  for (const jump of loopJumps(loop)) {
    if (jump.kind !== 'return' && jump.kind !== 'break' && jump.kind !== 'goto' && jump.kind !== 'outer') continue;
    if (!isAncestor(select, jump.node) || isAncestor(own, jump.node)) continue;
    const clause = namedChildren(select).find((c) => isAncestor(c, jump.node));
    if (clause?.type === 'communication_case') return clause.childForFieldName('communication');
    if (clause?.type === 'default_case') return clause.child(0);
  }
  return null;
}

/** Every use of channel fields named `field` in the package, and whether any file makes one with a buffer. */
export function channelFieldUses(file: GoFile, field: string): { uses: ChannelFieldUse[]; buffered: boolean } {
  file.dependsOn(field);
  const facts = file.packageFacts(CHANNEL_FIELDS).filter((f) => f.packageName === file.packageName);
  return { uses: facts.flatMap((f) => f.uses.get(field) ?? []), buffered: facts.some((f) => f.buffered.has(field)) };
}
