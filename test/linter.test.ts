// The linter's handling of a severity reported by a rule: a rule may lower a
// finding below its default severity, and only while the user has not
// configured the rule's severity.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { activeRules, type ActiveRule } from '../server/src/linter/config';
import { findingSeverity } from '../server/src/linter/linter';
import type { Rule, Severity } from '../server/src/ruleapi/rule';
import { sharedAnalyzer } from './support/analyzer';

/** Reports every call: `weak()` with severity hint, `strong()` asking for error, others with none. */
const probe: Rule = {
  id: 'severity-probe',
  category: 'context',
  defaultSeverity: 'warning',
  summary: 'Test rule.',
  nodeTypes: ['call_expression'],
  visit(call, context) {
    const name = call.childForFieldName('function')?.text;
    const severity: Severity | undefined = name === 'weak' ? 'hint' : name === 'strong' ? 'error' : undefined;
    context.report({ start: call.startIndex, end: call.endIndex, message: name ?? '', ...(severity ? { severity } : {}) });
  },
};

const SOURCE = `package p

func f() {
	weak()
	strong()
	plain()
}
`;

async function severities(active: ActiveRule): Promise<Record<string, Severity>> {
  const result = (await sharedAnalyzer()).lintText('/nonexistent/p/p.go', SOURCE, [active]);
  assert.deepEqual(result.failures, []);
  return Object.fromEntries(result.findings.map((f) => [f.message, f.severity]));
}

describe('severity reported by a rule', () => {
  test('lowers the finding when the rule runs at its default severity', async () => {
    assert.deepEqual(await severities({ rule: probe, severity: 'warning' }), { weak: 'hint', strong: 'warning', plain: 'warning' });
  });

  test('a severity the user configures applies to every finding, even the default one', async () => {
    assert.deepEqual(await severities({ rule: probe, severity: 'error', configured: true }), { weak: 'error', strong: 'error', plain: 'error' });
    assert.deepEqual(await severities({ rule: probe, severity: 'warning', configured: true }), { weak: 'warning', strong: 'warning', plain: 'warning' });
    assert.deepEqual(await severities({ rule: probe, severity: 'hint', configured: true }), { weak: 'hint', strong: 'hint', plain: 'hint' });
  });

  test('an active rule built without the configured flag (older callers) at another severity applies it to all', async () => {
    assert.deepEqual(await severities({ rule: probe, severity: 'information' }), { weak: 'information', strong: 'information', plain: 'information' });
  });

  test('findingSeverity: rules only lower, never raise', () => {
    const active: ActiveRule = { rule: probe, severity: 'warning' };
    assert.equal(findingSeverity(active, undefined), 'warning');
    assert.equal(findingSeverity(active, 'information'), 'information');
    assert.equal(findingSeverity(active, 'hint'), 'hint');
    assert.equal(findingSeverity(active, 'warning'), 'warning');
    assert.equal(findingSeverity(active, 'error'), 'warning');
    assert.equal(findingSeverity({ ...active, configured: true }, 'hint'), 'warning');
  });

  test('activeRules marks the rules whose severity the configuration sets', () => {
    const byId = (rules: ActiveRule[]) => Object.fromEntries(rules.map((r) => [r.rule.id, r.configured]));
    const configured = byId(activeRules({ rules: { 'lost-cancel': 'error', 'discarded-cancel': 'warning' } }));
    assert.equal(configured['lost-cancel'], true);
    assert.equal(configured['discarded-cancel'], true);
    for (const [id, flag] of Object.entries(byId(activeRules()))) assert.equal(flag, false, id);
  });
});
