// Reply channels: a function makes an unbuffered channel, stores it in a
// keyed field of a request value (`&request{reply: ch}`), hands the request
// on, and waits for the reply. When it waits in a select that another case
// can win (a timeout, ctx.Done(), a shutdown signal), whoever replies on
// `req.reply` later blocks forever: nobody else receives from that channel.
import type { Node } from 'web-tree-sitter';
import { channelUses, localChannel } from './channels';
import { GoFile } from './file';
import type { PlaceInFile } from './goroutines';
import type { FileFactKind } from './package';
import { LineIndex } from './positions';
import { unparen } from './syntax';

/** A requester's wait for the reply on a channel it stored in the field. */
export interface ReplyWait {
  /** The other case of the select the reply is received in (the way the requester stops waiting); absent when it always waits. */
  abandon?: PlaceInFile;
  /** Where the requester makes the channel. */
  make: PlaceInFile;
}

interface FileReplies {
  packageName: string;
  /** By field name: the requesters of this file that store a channel they made in that field. */
  byField: Map<string, ReplyWait[]>;
}

/**
 * Per file: every keyed element `f: ch` of a composite literal where `ch` is
 * an unbuffered channel the function makes and otherwise only receives from
 * (never sends on, closes, or hands on another way).
 */
export const REPLY_CHANNELS: FileFactKind<FileReplies> = {
  key: 'replies.waits',
  compute(root, path, text, own) {
    const file = own ?? new GoFile(path, text, root.tree);
    const facts: FileReplies = { packageName: file.packageName, byField: new Map() };
    if (!text.includes('make(chan')) return facts;
    let lines: LineIndex | undefined;
    const place = (n: Node): PlaceInFile => {
      lines ??= new LineIndex(text);
      return { path, start: n.startIndex, end: n.endIndex, range: { start: lines.position(n.startIndex), end: lines.position(n.endIndex) } };
    };
    for (const element of root.descendantsOfType('keyed_element')) {
      const key = element?.childForFieldName('key')?.namedChild(0);
      const value = element?.childForFieldName('value')?.namedChild(0);
      if (key?.type !== 'identifier' || !value) continue;
      const reference = unparen(value);
      const channel = localChannel(file, reference);
      if (!channel || !channel.make.unbuffered || channel.make.type.text.startsWith('<-')) continue;
      const others = channelUses(file, channel).filter((u) => u.reference.id !== reference.id);
      if (others.length === 0 || !others.every((u) => u.kind === 'receive' && u.function?.id === channel.function.id)) continue;
      const abandoned = others.find((u) => u.hasAlternative && u.selectCase?.parent);
      const other = abandoned ? otherCase(abandoned.selectCase!) : null;
      const wait: ReplyWait = { make: place(channel.make.call), ...(other ? { abandon: place(other) } : {}) };
      const list = facts.byField.get(key.text);
      if (list) list.push(wait);
      else facts.byField.set(key.text, [wait]);
    }
    return facts;
  },
};

/** The header of another case of the select `clause` belongs to (`case <-ctx.Done():`, `default:`). */
function otherCase(clause: Node): Node | null {
  const select = clause.parent!;
  for (const c of select.namedChildren) {
    if (!c || c.id === clause.id) continue;
    if (c.type === 'default_case') return c.child(0);
    if (c.type === 'communication_case') return c.childForFieldName('communication');
  }
  return null;
}

/** The requesters of the package that store a channel they made in a field named `field`. */
export function replyWaits(file: GoFile, field: string): ReplyWait[] {
  file.dependsOn(field);
  return file
    .packageFacts(REPLY_CHANNELS)
    .filter((f) => f.packageName === file.packageName)
    .flatMap((f) => f.byField.get(field) ?? []);
}
