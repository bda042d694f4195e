// Which rules run, and at what severity. Shared by the CLI flags and the
// editor settings, so both front ends mean the same thing by a rule id.
import type { Rule, Severity } from '../ruleapi/rule';
import { RULES, RULES_BY_ID } from './registry';

export type RuleSetting = Severity | 'off';

export interface LintConfig {
  /** Per-rule overrides: a severity, or 'off'. */
  rules?: Readonly<Record<string, RuleSetting>>;
  /** When given, only these rules run (opt-in rules included). */
  only?: readonly string[];
  /** Opt-in rules to run as well, at their default severity. */
  enable?: readonly string[];
}

export interface ActiveRule {
  rule: Rule;
  severity: Severity;
  /** True when the severity comes from the user's configuration rather than the rule's default. */
  configured?: boolean;
}

export const SEVERITIES: readonly RuleSetting[] = ['off', 'error', 'warning', 'information', 'hint'];

/** The rules that run under `config`; throws on an unknown rule id or severity. */
export function activeRules(config: LintConfig = {}): ActiveRule[] {
  for (const id of [...Object.keys(config.rules ?? {}), ...(config.only ?? []), ...(config.enable ?? [])]) {
    if (!RULES_BY_ID.has(id)) throw new Error(`unknown rule "${id}" (known rules: ${RULES.map((r) => r.id).join(', ')})`);
  }
  const active: ActiveRule[] = [];
  for (const rule of RULES) {
    if (config.only && !config.only.includes(rule.id)) continue;
    const wanted = config.only?.includes(rule.id) || config.enable?.includes(rule.id);
    const setting = config.rules?.[rule.id] ?? (rule.optIn && !wanted ? 'off' : rule.defaultSeverity);
    if (!SEVERITIES.includes(setting)) throw new Error(`unknown severity "${setting}" for rule ${rule.id} (use one of ${SEVERITIES.join(', ')})`);
    if (setting !== 'off') active.push({ rule, severity: setting, configured: config.rules?.[rule.id] !== undefined });
  }
  return active;
}

/**
 * The per-rule settings that can be used, and a sentence for each one that
 * cannot (an unknown rule id, with the nearest known one; a severity that is
 * not one): a misspelled entry is named and ignored, the others still apply.
 */
export function usableRuleSettings(rules: Readonly<Record<string, unknown>>): { rules: Record<string, RuleSetting>; problems: string[] } {
  const usable: Record<string, RuleSetting> = {};
  const problems: string[] = [];
  for (const [id, setting] of Object.entries(rules)) {
    if (!RULES_BY_ID.has(id)) {
      const near = nearestRuleId(id);
      problems.push(`unknown rule "${id}"${near ? ` (did you mean "${near}"?)` : ''}`);
    } else if (!SEVERITIES.includes(setting as RuleSetting)) {
      problems.push(`"${String(setting)}" is not a severity for ${id} (use one of ${SEVERITIES.join(', ')})`);
    } else {
      usable[id] = setting as RuleSetting;
    }
  }
  return { rules: usable, problems };
}

/** The known rule id closest to `id` in edit distance, when it is close (a typo, not another word). */
export function nearestRuleId(id: string): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(id.length / 4)) + 1;
  for (const rule of RULES) {
    const d = editDistance(id, rule.id);
    if (d < bestDistance) [best, bestDistance] = [rule.id, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length];
}
