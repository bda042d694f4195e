// Re-linting only the top-level declarations an edit can change (the
// editor's keystroke path). A finding comes from the rules' visit of the nodes
// of one top-level declaration. What it depends on outside that declaration
// is reached in one of two ways:
// - facts of functions of the file, keyed by their names (never returns, loops
//   forever, derives a context, ignores its context...): a declaration that
//   mentions an edited function is linted again; and, when the set of
//   functions that never return changed, whatever mentions those in turn;
// - words the rules look up across the file (a field read anywhere, the call
//   sites of a callee, the first go statement of a callee, a method's name),
//   recorded per declaration through GoFile.dependsOn: a declaration that
//   depends on a word an edited declaration holds (before or after) is linted
//   again.
// A kept finding that points into an edited declaration (a related place, a
// fix's edit) is linted again too; the others keep their findings, moved by
// the edit's length. Edits of functions (bodies, signatures, functions added
// or removed unless that changes the file's function names) and of comments
// between them qualify; anything else (a type, variable, constant, import or
// package clause, declarations swallowed by a syntax error, a changed sibling
// file, other rules or Go version) lints the whole file. An unchanged
// declaration parses the same wherever it moved: its text and bounds are the
// same, and it starts in the parser's top-level state.
// test/reuse.test.ts checks that the result is the whole lint's after random
// edits of the fixtures, the examples and standard library files.
import type { Node } from 'web-tree-sitter';
import { IDENTIFIER_WORDS } from '../engine/syntax';
import type { Finding } from '../ruleapi/rule';
import type { CodeKind, GoFile } from '../engine/file';
import type { ActiveRule } from './config';

/** What a lint of one version of a file leaves for the lint of the next version. */
export interface LintMemo {
  readonly text: string;
  readonly path: string;
  readonly rules: readonly ActiveRule[];
  readonly goVersion: string | undefined;
  /** What the file's code is for (a go.mod created above it can change it, and with it which findings show). */
  readonly codeKind: CodeKind;
  /** The texts of the other files of the package when it was linted. */
  readonly siblings: readonly (readonly [string, string | undefined])[];
  readonly declarations: readonly DeclarationShape[];
  /** Every finding the rules reported (before suppressions), with the index of the declaration it came from. */
  readonly findings: readonly OriginFinding[];
  /** Findings the rules' defaults hid (for the unused-suppression check), likewise. */
  readonly hidden: readonly OriginHidden[];
  /** The names of the file's functions that never return. */
  readonly neverReturning: ReadonlySet<string>;
}

export interface OriginFinding {
  finding: Finding;
  declaration: number;
}

export interface OriginHidden {
  ruleId: string;
  start: number;
  declaration: number;
}

export interface DeclarationShape {
  start: number;
  end: number;
  type: string;
  /** The words of its text and the names it declares, found when a later lint first needs them. */
  words?: ReadonlySet<string>;
  declares?: readonly string[];
  /** The words its findings depend on in other declarations (GoFile.dependsOn), as its last lint recorded them. */
  depends?: Set<string>;
}

/** What to lint again, and the findings kept (already moved to the new text). */
export interface ReusePlan {
  /** The top-level declarations to visit, in source order. */
  declarations: Node[];
  findings: OriginFinding[];
  hidden: OriginHidden[];
}

const FUNCTIONS = new Set(['function_declaration', 'method_declaration']);
/** What an edit may touch and still leave the rest of the file's findings to reuse. */
const EDITABLE = new Set([...FUNCTIONS, 'comment']);

/** Words that name nothing: Go's keywords and the blank identifier. */
const KEYWORDS = new Set(
  '_ break case chan const continue default defer else fallthrough for func go goto if import interface map package range return select struct switch type var'.split(' '),
);

const BLOCK = 1024;

export function declarationShapes(nodes: readonly Node[]): DeclarationShape[] {
  return nodes.map((node) => ({ start: node.startIndex, end: node.endIndex, type: node.type }));
}

/** The index of the top-level declaration holding `offset` in `shapes` (sorted, disjoint), or -1. */
export function declarationAt(shapes: readonly { start: number; end: number }[], offset: number): number {
  let lo = 0;
  let hi = shapes.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (shapes[mid].end <= offset) lo = mid + 1;
    else if (shapes[mid].start > offset) hi = mid - 1;
    else return mid;
  }
  return -1;
}

/**
 * The plan for linting `file` given the lint of an earlier version, or
 * undefined when the whole file must be linted.
 */
export function planReuse(memo: LintMemo | undefined, file: GoFile, nodes: readonly Node[], fresh: readonly DeclarationShape[], rules: readonly ActiveRule[], siblings: LintMemo['siblings']): ReusePlan | undefined {
  if (!memo || memo.rules !== rules || memo.path !== file.path || memo.goVersion !== versionKey(file) || memo.codeKind !== file.codeKind || !sameSiblings(memo.siblings, siblings)) return undefined;
  const before = memo.text;
  const after = file.text;
  if (before === after) return undefined;
  // The edit as one replaced region: [from, beforeEnd) of the old text became [from, afterEnd) of the new.
  const shorter = Math.min(before.length, after.length);
  // Whole blocks first (native comparison), then character by character.
  let from = 0;
  while (from + BLOCK <= shorter && before.slice(from, from + BLOCK) === after.slice(from, from + BLOCK)) from += BLOCK;
  while (from < shorter && before.charCodeAt(from) === after.charCodeAt(from)) from++;
  let tail = 0;
  while (tail + BLOCK <= shorter - from && before.slice(before.length - tail - BLOCK, before.length - tail) === after.slice(after.length - tail - BLOCK, after.length - tail)) tail += BLOCK;
  while (tail < shorter - from && before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)) tail++;
  const beforeEnd = before.length - tail;
  const afterEnd = after.length - tail;
  const delta = afterEnd - beforeEnd;

  const old = memo.declarations;
  // Untouched declarations lie wholly before or after the region (not even adjacent), in both versions alike.
  const oldTouched = old.map((d) => !(d.end < from || d.start > beforeEnd));
  const newTouched = fresh.map((d) => !(d.end < from || d.start > afterEnd));
  const oldKept = old.filter((_, i) => !oldTouched[i]);
  const newKept = fresh.filter((_, i) => !newTouched[i]);
  if (oldKept.length !== newKept.length) return undefined;
  // The new index of each old declaration that was kept.
  const newIndexOfOld = new Map<number, number>();
  {
    const keptOld = old.map((_, i) => i).filter((i) => !oldTouched[i]);
    const keptNew = fresh.map((_, i) => i).filter((i) => !newTouched[i]);
    for (let k = 0; k < keptOld.length; k++) {
      const o = old[keptOld[k]];
      const n = fresh[keptNew[k]];
      const shift = o.start < from ? 0 : delta;
      if (o.type !== n.type || o.start + shift !== n.start || o.end + shift !== n.end) return undefined;
      newIndexOfOld.set(keptOld[k], keptNew[k]);
    }
  }
  // The edited declarations: functions, methods (added, removed, changed) and comments between them.
  const oldEdited = old.filter((_, i) => oldTouched[i]);
  const newEdited = fresh.map((d, i) => ({ d, i })).filter(({ i }) => newTouched[i]);
  if (![...oldEdited, ...newEdited.map(({ d }) => d)].every((d) => EDITABLE.has(d.type))) return undefined;

  // Fixes choose new names unused by the file's functions (engine/names.ts): a function added, removed or renamed changes them anywhere.
  const functionNames = (list: readonly DeclarationShape[], text: string) =>
    list.filter((d) => d.type === 'function_declaration').map((d) => functionName(text, d)).sort().join(' ');
  if (functionNames(oldEdited, before) !== functionNames(newEdited.map(({ d }) => d), after)) return undefined;

  const relint = new Set(newEdited.filter(({ d }) => d.type !== 'comment').map(({ i }) => i));
  // A doc comment is part of what its function means (a process-long loop, say): the declaration after an edited comment (and the comments between).
  if ([...oldEdited, ...newEdited.map(({ d }) => d)].some((d) => d.type === 'comment')) {
    const following = fresh.findIndex((d, i) => !newTouched[i] && d.start > afterEnd && d.type !== 'comment');
    if (following >= 0) relint.add(following);
  }
  // Words and names of the declarations: carried over for the kept ones (same text), found for the others.
  const oldIndexOfNew = new Map([...newIndexOfOld].map(([o, n]) => [n, o]));
  for (const [i, d] of fresh.entries()) {
    const o = oldIndexOfNew.get(i);
    d.words = (o !== undefined ? old[o].words : undefined) ?? wordsOf(after, d);
    d.declares = (o !== undefined ? old[o].declares : undefined) ?? declaredNames(nodes[i]);
    if (o !== undefined) d.depends = old[o].depends;
  }
  for (const d of oldEdited) {
    d.words ??= wordsOf(before, d);
    d.declares ??= FUNCTIONS.has(d.type) ? [functionName(before, d)] : [];
  }
  // The facts of a function (never returns, loops forever, derives a context...) are keyed by its name and can
  // depend on the facts of the functions it names: the declarations that name an edited one are linted again.
  const changedNames = new Set<string>();
  for (const d of oldEdited) for (const n of d.declares ?? []) changedNames.add(n);
  for (const i of relint) for (const n of fresh[i].declares!) changedNames.add(n);
  // Unless a function started or stopped never returning, the facts of a function follow from its own text and those of
  // the functions it calls: the callers of the edited functions, not their callers.
  const transitive = !sameSet(memo.neverReturning, file.neverReturningFunctions);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [i, d] of fresh.entries()) {
      if (relint.has(i) || !mentionsAny(d.words!, changedNames)) continue;
      relint.add(i);
      // Only a function's facts follow from the functions it names; a type or a variable that names one is linted again, no further.
      if (!FUNCTIONS.has(d.type) || !transitive) continue;
      for (const n of d.declares!) {
        if (changedNames.has(n)) continue;
        changedNames.add(n);
        grew = true;
      }
    }
  }
  // A declaration whose findings depend on what other declarations say about a word the edited ones hold.
  const edited = new Set<string>();
  for (const d of [...oldEdited, ...newEdited.map(({ d }) => d)]) for (const w of d.words!) edited.add(w);
  for (const [i, d] of fresh.entries()) if (!relint.has(i) && d.depends && mentionsAny(d.depends, edited)) relint.add(i);

  const kept: OriginFinding[] = [];
  const keptHidden: OriginHidden[] = [];
  // An offset inside an edited declaration cannot move: what it pointed at may have changed (a call site, a loop).
  const move = (offset: number): number | undefined =>
    oldEdited.some((d) => offset >= d.start && offset <= d.end) ? undefined : offset < from ? offset : offset > beforeEnd ? offset + delta : undefined;
  for (let grew = true; grew; ) {
    grew = false;
    kept.length = 0;
    keptHidden.length = 0;
    // A kept finding that points into an edited declaration (a related place, a fix's edit) is linted again.
    for (const { finding, declaration } of memo.findings) {
      const now = newIndexOfOld.get(declaration);
      if (now === undefined || relint.has(now)) continue;
      const moved = moveFinding(finding, move);
      if (moved) kept.push({ finding: moved, declaration: now });
      else {
        relint.add(now);
        grew = true;
      }
    }
    for (const { ruleId, start, declaration } of memo.hidden) {
      const now = newIndexOfOld.get(declaration);
      if (now === undefined || relint.has(now)) continue;
      const moved = move(start);
      if (moved !== undefined) keptHidden.push({ ruleId, start: moved, declaration: now });
      else {
        relint.add(now);
        grew = true;
      }
    }
  }
  return { declarations: [...relint].sort((a, b) => a - b).map((i) => nodes[i]), findings: kept, hidden: keptHidden };
}

export function versionKey(file: GoFile): string | undefined {
  const v = file.goVersion;
  return v ? JSON.stringify(v) : undefined;
}

function sameSiblings(a: LintMemo['siblings'], b: LintMemo['siblings']): boolean {
  return a.length === b.length && a.every(([path, text], i) => b[i][0] === path && b[i][1] === text);
}

function wordsOf(text: string, d: DeclarationShape): Set<string> {
  const words = new Set(text.slice(d.start, d.end).match(IDENTIFIER_WORDS) ?? []);
  for (const k of KEYWORDS) words.delete(k);
  return words;
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((x) => b.has(x));
}

function mentionsAny(words: ReadonlySet<string>, names: ReadonlySet<string>): boolean {
  const [small, large] = words.size < names.size ? [words, names] : [names, words];
  for (const n of small) if (large.has(n)) return true;
  return false;
}

/** The name of a function or method declaration, from its text. */
function functionName(text: string, d: DeclarationShape): string {
  return /^func\s*(?:\([^)]*\)\s*)?([\p{L}_][\p{L}\p{N}_]*)/u.exec(text.slice(d.start, Math.min(d.end, d.start + 500)))?.[1] ?? '';
}

/** The names a top-level declaration declares (functions, methods, types, variables, constants). */
function declaredNames(node: Node): string[] {
  if (FUNCTIONS.has(node.type)) return [node.childForFieldName('name')?.text ?? ''].filter(Boolean);
  const names: string[] = [];
  for (const spec of node.descendantsOfType(['type_spec', 'type_alias', 'var_spec', 'const_spec'])) {
    for (const name of spec?.childrenForFieldName('name') ?? []) if (name) names.push(name.text);
  }
  return names;
}

/** The finding with every offset in this file moved past the edit, or undefined when one falls inside it. */
function moveFinding(finding: Finding, move: (offset: number) => number | undefined): Finding | undefined {
  const start = move(finding.start);
  const end = move(finding.end);
  if (start === undefined || end === undefined) return undefined;
  const related = [];
  for (const r of finding.related) {
    if (r.path !== undefined) {
      related.push(r);
      continue;
    }
    const rs = move(r.start);
    const re = move(r.end);
    if (rs === undefined || re === undefined) return undefined;
    related.push({ ...r, start: rs, end: re });
  }
  const fixes = [];
  for (const fix of finding.fixes) {
    const edits = [];
    for (const e of fix.edits) {
      const es = move(e.start);
      const ee = move(e.end);
      if (es === undefined || ee === undefined) return undefined;
      edits.push({ ...e, start: es, end: ee });
    }
    fixes.push({ ...fix, edits });
  }
  return { ...finding, start, end, related, fixes };
}
