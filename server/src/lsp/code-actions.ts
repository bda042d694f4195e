// The code actions on a finding, in the order the Ctrl+. menu shows them: its
// fixes (the preferred one first), "Fix all <rule> problems in this file",
// "Fix all auto-fixable problems", "Disable <rule> for this line" and "for
// this file" (the cursor lands on the reason when the client can place it),
// and "Show documentation for <rule>". Also the source.fixAll action of
// fix-on-save.
import { CodeAction, CodeActionKind, type Command, type Range } from 'vscode-languageserver';
import type { Node } from 'web-tree-sitter';
import { applyEdits, preferredEdits } from '../linter/fixes';
import { LineIndex } from '../engine/positions';
import { UNUSED_SUPPRESSION } from '../linter/suppression-check';
import { disableForFile, disableForLine, type SuppressionEdit } from '../linter/suppression-edits';
import type { Finding } from '../ruleapi/rule';
import { FIX_ALL_KIND, rangesIntersect, toDiagnostic, toQuickFixes, toRange, toTextEdits } from './convert';

/** The server's own command for "Show documentation": it asks the client to open the rule's web page. */
export const SHOW_DOCUMENTATION_COMMAND = 'go-concurrency-lint.showDocumentation';

/** Commands a client offers for the actions (initializationOptions.clientCommands), so that it can do them its own way. */
export interface ClientCommands {
  /** Opens a rule's documentation; argument: the rule id (VS Code: the page shipped in the extension, offline). */
  showDocumentation?: string;
  /** Selects a range in an editor after an edit; arguments: uri, range (the reason of a new suppression). */
  selectRange?: string;
}

export interface LintedDocument {
  uri: string;
  version: number;
  text: string;
  lines: LineIndex;
  root: Node;
  findings: readonly Finding[];
}

export function codeActions(doc: LintedDocument, range: Range, only: readonly string[] | undefined, commands: ClientCommands): CodeAction[] {
  const wants = (kind: string) => !only || only.some((o) => kind === o || kind.startsWith(`${o}.`));
  const actions: CodeAction[] = [];
  if (wants(CodeActionKind.QuickFix)) {
    const here = doc.findings.filter((f) => rangesIntersect(toRange(doc.lines, f), range));
    for (const finding of here) actions.push(...toQuickFixes(doc.uri, doc.version, doc.lines, finding).sort((a, b) => Number(!!b.isPreferred) - Number(!!a.isPreferred)));
    const rules = [...new Set(here.map((f) => f.ruleId))];
    for (const ruleId of rules) {
      const fixable = doc.findings.filter((f) => f.ruleId === ruleId && f.fixes.some((fix) => fix.preferred));
      if (fixable.length > 1) actions.push(editAction(doc, `Fix all ${ruleId} problems in this file`, CodeActionKind.QuickFix, preferredEdits(fixable)));
    }
    const all = preferredEdits(doc.findings);
    if (here.length > 0 && all.length > 0) actions.push(editAction(doc, 'Fix all auto-fixable problems', CodeActionKind.QuickFix, all));
    for (const ruleId of rules) {
      if (ruleId === UNUSED_SUPPRESSION) continue;
      const finding = here.find((f) => f.ruleId === ruleId)!;
      const line = disableForLine(doc.root, doc.text, doc.lines, ruleId, doc.lines.lineOf(finding.start));
      if (line) actions.push(suppressionAction(doc, `Disable ${ruleId} for this line`, line, commands, finding));
      actions.push(suppressionAction(doc, `Disable ${ruleId} for this file`, disableForFile(doc.root, doc.text, doc.lines, ruleId), commands, finding));
    }
    for (const ruleId of rules) {
      const command = commands.showDocumentation ?? SHOW_DOCUMENTATION_COMMAND;
      actions.push({ title: `Show documentation for ${ruleId}`, kind: CodeActionKind.QuickFix, command: { title: `Show documentation for ${ruleId}`, command, arguments: [ruleId] } });
    }
  }
  if (only && wants(FIX_ALL_KIND)) {
    const edits = preferredEdits(doc.findings);
    if (edits.length) actions.push(editAction(doc, 'Fix all Go concurrency problems', FIX_ALL_KIND, edits));
  }
  return actions;
}

function editAction(doc: LintedDocument, title: string, kind: string, edits: Finding['fixes'][number]['edits']): CodeAction {
  return { title, kind, edit: { documentChanges: [{ textDocument: { uri: doc.uri, version: doc.version }, edits: toTextEdits(doc.lines, { edits }) }] } };
}

function suppressionAction(doc: LintedDocument, title: string, suppression: SuppressionEdit, commands: ClientCommands, finding: Finding): CodeAction {
  const action = editAction(doc, title, CodeActionKind.QuickFix, suppression.edits);
  action.diagnostics = [toDiagnostic(doc.uri, doc.lines, finding)];
  if (suppression.reason && commands.selectRange) {
    // The reason is placed in the text as it is after the edit.
    const after = new LineIndex(applyEdits(doc.text, suppression.edits));
    const command: Command = { title: 'Select the reason', command: commands.selectRange, arguments: [doc.uri, toRange(after, suppression.reason)] };
    action.command = command;
  }
  return action;
}
