// Living beside gopls: gopls runs go vet's analyzers (lostcancel, copylocks)
// and, when enabled, staticcheck, and reports some of the problems this
// extension reports, at the same place. Two squiggles for one problem is
// noise, so where gopls already shows a diagnostic of a peer check of our
// rule (the server lists them in the diagnostic's data.peers) on the same
// lines, ours is hidden; its quick fixes stay available, since the server
// answers code actions from its own findings. No VS Code import: unit-tested.

export interface Lines {
  start: { line: number };
  end: { line: number };
}

export interface OurDiagnostic {
  range: Lines;
  /** Names of the checks of other tools that report the same problem (vet's lostcancel, staticcheck's SA1012). */
  peers?: readonly string[];
}

export interface OtherDiagnostic {
  range: Lines;
  source?: string;
  code?: string | number | { value: string | number };
}

/** Our diagnostics that another tool (gopls) does not already show at the same place. */
export function withoutDuplicates<T extends OurDiagnostic>(ours: readonly T[], others: readonly OtherDiagnostic[]): T[] {
  if (others.length === 0) return [...ours];
  return ours.filter((diagnostic) => {
    const peers = diagnostic.peers;
    if (!peers?.length) return true;
    return !others.some((other) => (peers.includes(other.source ?? '') || peers.includes(codeOf(other))) && linesOverlap(diagnostic.range, other.range));
  });
}

function codeOf(diagnostic: OtherDiagnostic): string {
  const code = diagnostic.code;
  if (code === undefined) return '';
  return String(typeof code === 'object' ? code.value : code);
}

function linesOverlap(a: Lines, b: Lines): boolean {
  return a.start.line <= b.end.line && b.start.line <= a.end.line;
}
