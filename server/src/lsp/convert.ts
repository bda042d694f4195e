// Findings to LSP diagnostics and code actions. Offsets and LSP positions
// both count UTF-16 code units, so conversion is by line starts only.
import {
  CodeAction,
  CodeActionKind,
  Diagnostic,
  DiagnosticSeverity,
  type Range,
  type TextEdit as LspTextEdit,
} from 'vscode-languageserver';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LineIndex } from '../engine/positions';
import { RULES_BY_ID } from '../linter/registry';
import { docUrl, type Finding, type Fix, type Severity, type Span } from '../ruleapi/rule';

export const SOURCE = 'go-concurrency-lint';
export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.${SOURCE}`;

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toRange(lines: LineIndex, span: Span): Range {
  return { start: lines.position(span.start), end: lines.position(span.end) };
}

/** The checks of other tools that report a rule's problems, for a client that shows one squiggle for both (gopls: lostcancel, copylocks). */
function peerChecks(ruleId: string): string[] {
  return (RULES_BY_ID.get(ruleId)?.peers ?? []).flatMap((peer) => peer.checks ?? []);
}

export function toDiagnostic(uri: string, lines: LineIndex, finding: Finding): Diagnostic {
  const peers = peerChecks(finding.ruleId);
  return {
    range: toRange(lines, finding),
    severity: SEVERITY[finding.severity],
    code: finding.ruleId,
    codeDescription: { href: docUrl(finding.ruleId) },
    source: SOURCE,
    message: finding.message,
    relatedInformation: finding.related
      .filter((r) => !r.path || r.range)
      .map((r) => ({ location: r.path && r.range ? { uri: pathToFileURL(r.path).href, range: r.range } : { uri, range: toRange(lines, r) }, message: r.message })),
    ...(peers.length ? { data: { peers } } : {}),
  };
}

export function toTextEdits(lines: LineIndex, fix: Pick<Fix, 'edits'>): LspTextEdit[] {
  return fix.edits.map((e) => ({ range: toRange(lines, e), newText: e.newText }));
}

export function toQuickFixes(uri: string, version: number, lines: LineIndex, finding: Finding): CodeAction[] {
  const diagnostic = toDiagnostic(uri, lines, finding);
  return finding.fixes.map((fix) => ({
    title: fix.title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    isPreferred: !!fix.preferred,
    edit: { documentChanges: [{ textDocument: { uri, version }, edits: toTextEdits(lines, fix) }] },
  }));
}

/** The file system path of a `file:` URI; other schemes (untitled:) keep their URI. */
export function fileUriToPath(uri: string): string {
  return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
}

export function rangesIntersect(a: Range, b: Range): boolean {
  const before = (p: Range['start'], q: Range['start']) => p.line < q.line || (p.line === q.line && p.character < q.character);
  return !before(a.end, b.start) && !before(b.end, a.start);
}
