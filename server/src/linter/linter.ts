// Runs the active rules over one file in a single walk of its tree, then
// drops suppressed findings. At a rule's defaults, findings in tests and
// test helpers are dropped (see docs/precision.md). A rule that throws on a strange tree (half-typed
// code) loses its findings for that file; the others still report.
import type { GoFile } from '../engine/file';
import { nodesOfTypes } from '../engine/syntax';
import type { Finding, Report, RuleContext, Severity } from '../ruleapi/rule';
import type { ActiveRule } from './config';
import { LineIndex } from './positions';
import { Suppressions } from './suppressions';

export interface LintResult {
  findings: Finding[];
  /** Rules that failed on this file, with the error, for the log. */
  failures: { ruleId: string; error: unknown }[];
}

export function lintFile(file: GoFile, rules: readonly ActiveRule[]): LintResult {
  const byType = new Map<string, ActiveRule[]>();
  for (const active of rules) {
    for (const type of active.rule.nodeTypes) {
      let list = byType.get(type);
      if (!list) byType.set(type, (list = []));
      list.push(active);
    }
  }
  const findings: Finding[] = [];
  const failed = new Map<string, unknown>();
  const contexts = new Map<ActiveRule, RuleContext>();
  const contextOf = (active: ActiveRule): RuleContext => {
    let context = contexts.get(active);
    if (!context) {
      const report = ({ inTests, ...r }: Report) => {
        const hidden = inTests !== 'show' && (file.codeKind === 'test' || file.codeKind === 'test-support');
        const severity = findingSeverity(active, hidden ? 'off' : r.severity);
        if (severity !== 'off') findings.push({ related: [], fixes: [], ...r, ruleId: active.rule.id, severity });
      };
      contexts.set(active, (context = { file, report }));
    }
    return context;
  };

  // One pass over the tree, in source order; a node object is only made for
  // the node types some rule asked for, and the walk itself runs in wasm.
  const nodes = nodesOfTypes(file.root, new Set(byType.keys()), file.text);
  for (const node of nodes) {
    const interested = byType.get(node.type);
    if (!interested) continue;
    for (const active of interested) {
      if (failed.has(active.rule.id)) continue;
      try {
        active.rule.visit(node, contextOf(active));
      } catch (error) {
        failed.set(active.rule.id, error);
      }
    }
  }

  const kept = findings.filter((f) => !failed.has(f.ruleId));
  const ruleOf = new Map(rules.map((active) => [active.rule.id, active.rule]));
  const lines = kept.length > 0 ? new LineIndex(file.text) : undefined;
  const suppressions = kept.length > 0 ? new Suppressions(file.root, lines!, file.text) : undefined;
  return {
    findings: kept.filter((f) => !suppressions!.suppresses(ruleOf.get(f.ruleId)!, lines!.lineOf(f.start))).sort((a, b) => a.start - b.start || a.ruleId.localeCompare(b.ruleId)),
    failures: [...failed].map(([ruleId, error]) => ({ ruleId, error })),
  };
}

const RANK: Readonly<Record<Severity, number>> = { error: 0, warning: 1, information: 2, hint: 3 };

/**
 * The severity of one finding: the rule's configured severity, or the lower
 * severity the rule reported for it when the rule runs at its default
 * severity (not configured by the user). A rule can lower, never raise.
 */
export function findingSeverity(active: ActiveRule, reported: Severity | 'off' | undefined): Severity | 'off' {
  if (!reported || active.configured || active.severity !== active.rule.defaultSeverity) return active.severity;
  if (reported === 'off') return 'off';
  return RANK[reported] > RANK[active.severity] ? reported : active.severity;
}
