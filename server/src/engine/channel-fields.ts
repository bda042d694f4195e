// Channel fields across a package: every use of a struct field as a channel
// (`s.f <- v`, `<-s.f`, `range s.f`, `close(s.f)`) or as a value handed on,
// how the package makes it (buffered or not), and which receives sit in an
// endless `for { select { ... } }` loop that some case leaves (the loop of a
// goroutine that stops on a signal): a field's protocol as the package shows it.
import type { Node } from 'web-tree-sitter';
import { channelMake, selectOf } from './channels';
import { GoFile } from './file';
import type { PlaceInFile } from './goroutines';
import { locksTaken, ownerType } from './locks';
import { selectLoopExit } from './loops';
import type { FileFactKind } from './package';
import { LineIndex } from './positions';
import { namedChildren } from './syntax';

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
  /** The package type whose field this is (`s.f` in a method of `*server`: server), when known. */
  ownerType?: string;
  /** The mutexes (MutexCall keys) the function holding the operation locks (engine/locks locksTaken), with where. */
  takes?: { key: string; exclusive: boolean; place: PlaceInFile }[];
}

interface FileChannelFields {
  packageName: string;
  /**
   * The field names this file uses in a channel operation (by its text): for
   * these, every use in the file is recorded. A file that mentions `.f` for
   * a name not in this set uses it some other way only.
   */
  candidates: Set<string>;
  /** Uses by field name, for the candidates. */
  uses: Map<string, ChannelFieldUse[]>;
  /** Candidates made with a buffer somewhere in the file (`f: make(chan T, n)`, `x.f = make(chan T, n)`). */
  buffered: Set<string>;
  /** Candidates made without one (`f: make(chan T)`). */
  unbuffered: Set<string>;
  /** The file's text, to tell whether it mentions a field at all (shared with the index: not a copy). */
  text: string;
}

/** `.f <-`, `<-x.f` (not `<-x.Done()`), `range x.f`, `close(x.f)`: a field name used as a channel, by the text. */
const CHANNEL_OPERATIONS = [/\.(\w+)\s*<-/g, /<-\s*[\w.]*\.(\w+)\b(?!\s*\()/g, /\brange\s+[\w.]*\.(\w+)\s*\{/g, /\bclose\(\s*[\w.]*\.(\w+)\s*\)/g];

/**
 * Per file: the field names it uses as channels (found in its text), and
 * every use of those fields in it (a channel operation, or the value handed
 * on), found from their occurrences rather than a walk of the tree.
 */
export const CHANNEL_FIELDS: FileFactKind<FileChannelFields> = {
  key: 'channel-fields.uses',
  // The whole file: the locks a use's function takes are keyed by their owners' declared types (type declarations).
  compute(root, path, text, own) {
    const file = own ?? new GoFile(path, text, root.tree);
    const facts: FileChannelFields = { packageName: file.packageName, candidates: new Set(), uses: new Map(), buffered: new Set(), unbuffered: new Set(), text };
    if (!text.includes('<-') && !text.includes('close(')) return facts;
    for (const pattern of CHANNEL_OPERATIONS) for (const match of text.matchAll(pattern)) facts.candidates.add(match[1]);
    let lines: LineIndex | undefined;
    const place = (n: Node): PlaceInFile => {
      lines ??= new LineIndex(text);
      return { path, start: n.startIndex, end: n.endIndex, range: { start: lines.position(n.startIndex), end: lines.position(n.endIndex) } };
    };
    const context: Context = { file, place, declarations: namedChildren(root), exits: new Map() };
    for (const field of facts.candidates) {
      const list: ChannelFieldUse[] = [];
      for (const at of wordOccurrences(text, field)) {
        const node = root.namedDescendantForIndex(at, at + field.length);
        const selector = node?.type === 'field_identifier' && node.parent?.type === 'selector_expression' && node.parent.childForFieldName('field')?.id === node.id ? node.parent : null;
        if (selector) {
          const use = classify(context, selector);
          if (use === 'made-buffered') facts.buffered.add(field);
          else if (use === 'made-unbuffered') facts.unbuffered.add(field);
          else if (use) list.push(use);
          continue;
        }
        // `f: make(chan T, n)` in a composite literal.
        const key = node?.parent?.type === 'literal_element' ? node.parent : null;
        const element = key?.parent?.type === 'keyed_element' ? key.parent : null;
        const value = element && element.childForFieldName('key')?.id === key!.id ? element.childForFieldName('value')?.namedChild(0) : null;
        const made = value ? channelMake(file, value) : null;
        if (made) (made.unbuffered ? facts.unbuffered : facts.buffered).add(field);
      }
      facts.uses.set(field, list);
    }
    return facts;
  },
};

/** The offsets where `word` occurs in `text` as a whole word. */
function wordOccurrences(text: string, word: string): number[] {
  const found: number[] = [];
  for (let i = text.indexOf(word); i !== -1; i = text.indexOf(word, i + 1)) {
    if (/\w/.test(text[i - 1] ?? '') || /\w/.test(text[i + word.length] ?? '')) continue;
    found.push(i);
  }
  return found;
}

/** The top-level function or method holding `offset` (by binary search over the file's declarations: no walk up the tree). */
function topLevelFunctionAt(declarations: readonly Node[], offset: number): Node | null {
  let low = 0;
  let high = declarations.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const d = declarations[middle];
    if (offset < d.startIndex) high = middle - 1;
    else if (offset >= d.endIndex) low = middle + 1;
    else return d.type === 'function_declaration' || d.type === 'method_declaration' ? d : null;
  }
  return null;
}

interface Context {
  file: GoFile;
  place: (n: Node) => PlaceInFile;
  declarations: readonly Node[];
  /** Each receiving select case's exit case (selectLoopExit), by the case's id. */
  exits: Map<number, Node | null>;
}

function classify({ file, place, declarations, exits }: Context, selector: Node): ChannelFieldUse | 'made-buffered' | 'made-unbuffered' | null {
  let n = selector;
  while (n.parent?.type === 'parenthesized_expression') n = n.parent;
  const parent = n.parent;
  if (!parent) return null;
  const fn = topLevelFunctionAt(declarations, selector.startIndex);
  const functionName = fn?.childForFieldName('name')?.text ?? '';
  const use = (kind: ChannelFieldUse['kind'], operation: Node): ChannelFieldUse => {
    const { selectCase, hasAlternative } = selectOf(operation);
    let exit: Node | null = null;
    if (kind === 'receive' && selectCase?.parent) {
      if (!exits.has(selectCase.id)) exits.set(selectCase.id, selectLoopExit(selectCase.parent, selectCase));
      exit = exits.get(selectCase.id)!;
    }
    const takes = kind !== 'escape' && file.text.includes('Lock()') ? locksTaken(file, operation).map((c) => ({ key: c.key, exclusive: c.exclusive, place: place(c.call) })) : undefined;
    const owner = takes?.length ? ownerType(file, selector.childForFieldName('operand')!, fn) : undefined;
    return { kind, hasAlternative, functionName, place: place(operation), exitCase: exit ? place(exit) : undefined, ...(takes?.length ? { takes } : {}), ...(owner ? { ownerType: owner } : {}) };
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
      return made ? (made.unbuffered ? 'made-unbuffered' : 'made-buffered') : null;
    }
    return use('escape', n);
  }
  if (parent.type === 'return_statement' || parent.type === 'literal_element' || parent.type === 'keyed_element') return use('escape', n);
  return null;
}

/**
 * Every use of channel fields named `field` in the package, whether any file
 * makes one with a buffer, and (asked last: it reads every file's text)
 * whether some file mentions the field without using it as a channel there,
 * a use this model does not record (the value may be handed on).
 */
export function channelFieldUses(file: GoFile, field: string): { uses: ChannelFieldUse[]; buffered: boolean; unbuffered: boolean; mentionedOtherwise: () => boolean } {
  file.dependsOn(field);
  const facts = file.packageFacts(CHANNEL_FIELDS).filter((f) => f.packageName === file.packageName);
  const mention = new RegExp(`\\.${field}\\b`);
  return {
    uses: facts.flatMap((f) => f.uses.get(field) ?? []),
    buffered: facts.some((f) => f.buffered.has(field)),
    unbuffered: facts.some((f) => f.unbuffered.has(field)),
    mentionedOtherwise: () => facts.some((f) => !f.candidates.has(field) && f.text.includes(`.${field}`) && mention.test(f.text)),
  };
}
