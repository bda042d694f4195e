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
