// The linter's handling of a severity reported by a rule: a rule may lower a
// finding below its default severity, and only while the user has not
// configured the rule's severity.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, test } from 'node:test';
import { activeRules, type ActiveRule } from '../server/src/linter/config';
import { findingSeverity } from '../server/src/linter/linter';
import { RULES } from '../server/src/linter/registry';
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
    const severity: Severity | 'off' | undefined = name === 'weak' ? 'hint' : name === 'strong' ? 'error' : name === 'hidden' ? 'off' : undefined;
    context.report({ start: call.startIndex, end: call.endIndex, message: name ?? '', ...(severity ? { severity } : {}), ...(name === 'bench' ? { inTests: 'show' as const } : {}) });
  },
};

const SOURCE = `package p

func f() {
	weak()
	strong()
	plain()
	hidden()
}
`;

async function severities(active: ActiveRule, path = '/nonexistent/p/p.go', source = SOURCE): Promise<Record<string, Severity>> {
  const result = (await sharedAnalyzer()).lintText(path, source, [active]);
  assert.deepEqual(result.failures, []);
  return Object.fromEntries(result.findings.map((f) => [f.message, f.severity]));
}

describe('severity reported by a rule', () => {
  test('lowers the finding when the rule runs at its default severity', async () => {
    assert.deepEqual(await severities({ rule: probe, severity: 'warning' }), { weak: 'hint', strong: 'warning', plain: 'warning' });
  });

  test('findings in tests and test helpers are dropped at the defaults, unless the rule keeps them; configured, all are shown', async () => {
    const source = 'package p\n\nfunc f() {\n\tplain()\n\tbench()\n}\n';
    for (const path of ['/nonexistent/p/p_test.go', '/nonexistent/p/testutil/p.go']) {
      assert.deepEqual(await severities({ rule: probe, severity: 'warning' }, path, source), { bench: 'warning' }, path);
      assert.deepEqual(await severities({ rule: probe, severity: 'warning', configured: true }, path, source), { plain: 'warning', bench: 'warning' }, path);
    }
    assert.deepEqual(await severities({ rule: probe, severity: 'warning' }, '/nonexistent/p/p.go', source), { plain: 'warning', bench: 'warning' });
  });

  test("a case reported as 'off' is dropped at the defaults and shown at the configured severity", async () => {
    assert.equal((await severities({ rule: probe, severity: 'warning' })).hidden, undefined);
    assert.equal((await severities({ rule: probe, severity: 'warning', configured: true })).hidden, 'warning');
    assert.equal((await severities({ rule: probe, severity: 'hint', configured: true })).hidden, 'hint');
  });

  test('a severity the user configures applies to every finding, even the default one', async () => {
    assert.deepEqual(await severities({ rule: probe, severity: 'error', configured: true }), { weak: 'error', strong: 'error', plain: 'error', hidden: 'error' });
    assert.deepEqual(await severities({ rule: probe, severity: 'warning', configured: true }), { weak: 'warning', strong: 'warning', plain: 'warning', hidden: 'warning' });
    assert.deepEqual(await severities({ rule: probe, severity: 'hint', configured: true }), { weak: 'hint', strong: 'hint', plain: 'hint', hidden: 'hint' });
  });

  test('an active rule built without the configured flag (older callers) at another severity applies it to all', async () => {
    assert.deepEqual(await severities({ rule: probe, severity: 'information' }), { weak: 'information', strong: 'information', plain: 'information', hidden: 'information' });
  });

  test('findingSeverity: rules only lower, never raise', () => {
    const active: ActiveRule = { rule: probe, severity: 'warning' };
    assert.equal(findingSeverity(active, undefined), 'warning');
    assert.equal(findingSeverity(active, 'information'), 'information');
    assert.equal(findingSeverity(active, 'hint'), 'hint');
    assert.equal(findingSeverity(active, 'warning'), 'warning');
    assert.equal(findingSeverity(active, 'error'), 'warning');
    assert.equal(findingSeverity({ ...active, configured: true }, 'hint'), 'warning');
    assert.equal(findingSeverity(active, 'off'), 'off');
    assert.equal(findingSeverity({ ...active, configured: true }, 'off'), 'warning');
  });

  test('opt-in rules run only when named: a severity, --rules (only) or --enable', () => {
    const ids = (rules: ActiveRule[]) => rules.map((r) => r.rule.id);
    const optIn = RULES.filter((r) => r.optIn).map((r) => r.id);
    assert.ok(optIn.includes('unbounded-goroutine-spawn') && optIn.includes('background-context-in-scope'));
    for (const id of optIn) assert.ok(!ids(activeRules()).includes(id), id);
    assert.ok(ids(activeRules({ rules: { 'unbounded-goroutine-spawn': 'warning' } })).includes('unbounded-goroutine-spawn'));
    assert.deepEqual(ids(activeRules({ only: ['context-in-struct'] })), ['context-in-struct']);
    const enabled = activeRules({ enable: ['goroutine-without-exit'] });
    assert.ok(ids(enabled).includes('goroutine-without-exit') && ids(enabled).includes('lost-cancel'));
    assert.equal(enabled.find((r) => r.rule.id === 'goroutine-without-exit')!.configured, false);
    assert.throws(() => activeRules({ enable: ['no-such-rule'] }), /unknown rule "no-such-rule"/);
    // The setting's description lists exactly the opt-in rules.
    const manifest = JSON.parse(readFileSync(resolve(__dirname, '../../package.json'), 'utf8'));
    const description: string = manifest.contributes.configuration.properties['goConcurrencyLint.rules'].markdownDescription;
    const listed = [...(/opt-in rule \(off by default: ([^)]*)\)/.exec(description)?.[1] ?? '').matchAll(/`([a-z-]+)`/g)].map((m) => m[1]);
    assert.deepEqual(listed.sort(), [...optIn].sort());
  });

  test('activeRules marks the rules whose severity the configuration sets', () => {
    const byId = (rules: ActiveRule[]) => Object.fromEntries(rules.map((r) => [r.rule.id, r.configured]));
    const configured = byId(activeRules({ rules: { 'lost-cancel': 'error', 'discarded-cancel': 'warning' } }));
    assert.equal(configured['lost-cancel'], true);
    assert.equal(configured['discarded-cancel'], true);
    for (const [id, flag] of Object.entries(byId(activeRules()))) assert.equal(flag, false, id);
  });
});

describe('shortcuts keep the findings', () => {
  /** Every .go file under the fixtures and the examples. */
  function corpus(): string[] {
    const files: string[] = [];
    const visit = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = resolve(dir, name);
        if (statSync(path).isDirectory()) visit(path);
        else if (name.endsWith('.go')) files.push(path);
      }
    };
    for (const dir of ['../../test/fixtures', '../../examples']) visit(resolve(__dirname, dir));
    return files;
  }

  test("skipping a rule whose words are not in the file, and nodes whose text has none of the rule's node tokens, changes no finding", async () => {
    const analyzer = await sharedAnalyzer();
    const everything = activeRules({ rules: Object.fromEntries(RULES.map((r) => [r.id, r.defaultSeverity])) });
    // The same rules without their words: every node of their types is visited.
    const unfiltered: ActiveRule[] = everything.map((active) => ({ ...active, rule: { ...active.rule, tokens: undefined, nodeTokens: undefined } }));
    assert.ok(everything.filter((a) => a.rule.nodeTokens).length >= 8, 'the rules declare node tokens');
    const shown = (path: string, rules: readonly ActiveRule[]) => {
      const text = readFileSync(path, 'utf8');
      return analyzer.lintText(path, text, rules).findings.map((f) => `${f.ruleId} ${f.start}-${f.end} ${f.message}`);
    };
    let findings = 0;
    for (const path of corpus()) {
      const expected = shown(path, unfiltered);
      findings += expected.length;
      assert.deepEqual(shown(path, everything), expected, path);
    }
    assert.ok(findings > 300, `${findings} findings compared`);
  });
});
