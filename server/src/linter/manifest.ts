// The JSON schema of the editor setting goConcurrencyLint.rules, derived from
// the registry (scripts/manifest.mjs writes it into package.json; a test
// checks that it is up to date).
import { docUrl } from '../ruleapi/rule';
import { SEVERITIES } from './config';
import { RULES } from './registry';

export function ruleSettingsSchema(): object {
  const optIn = RULES.filter((r) => r.optIn).map((r) => `\`${r.id}\``);
  return {
    type: 'object',
    default: {},
    properties: Object.fromEntries(
      RULES.map((rule) => [
        rule.id,
        {
          type: 'string',
          enum: SEVERITIES,
          default: rule.optIn ? 'off' : rule.defaultSeverity,
          markdownDescription: `${rule.summary}${rule.optIn ? ' Off by default (opt-in).' : ''} [Documentation](${docUrl(rule.id)})`,
        },
      ]),
    ),
    additionalProperties: false,
    markdownDescription: `Per-rule severity, for example \`{"lost-cancel": "error", "discarded-cancel": "off"}\`; overrides \`.go-concurrency-lint.json\`. Setting a severity turns on an opt-in rule (off by default: ${optIn.join(', ')}) and shows the cases a rule hides by default (tests, one-shot programs, bounded effects), at that severity. See [docs/precision.md](https://github.com/go-concurrency-lint/go-concurrency-lint/blob/main/docs/precision.md).`,
  };
}

/** The JSON schema of the project configuration file (.go-concurrency-lint.json), for completion and checks in editors. */
export function configFileSchema(): object {
  const rules = ruleSettingsSchema() as { properties: object };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'Go Concurrency Lint project configuration (.go-concurrency-lint.json)',
    type: 'object',
    additionalProperties: false,
    properties: {
      $schema: { type: 'string' },
      rules: { type: 'object', description: 'Per-rule severity or "off"; the editor settings and the CLI flags override it.', properties: rules.properties, additionalProperties: false },
      exclude: { type: 'array', items: { type: 'string' }, description: 'Globs of paths not to lint, relative to this file\'s directory, for example "**/mocks/**".' },
      goVersion: { type: 'string', pattern: '^(go)?\\d+\\.\\d+(\\.\\d+)?$', description: 'The Go version the code is compiled with, over go.mod\'s, for example "1.22".' },
    },
  };
}

/**
 * A TextMate grammar injected into Go line comments: the suppression
 * directives this tool reads (//nolint, //lint:ignore, //lint:file-ignore),
 * the rule ids of this tool in them, and the reason.
 */
export function suppressionGrammar(): object {
  const ids = [...RULES.map((r) => r.id), 'go-concurrency-lint'].sort((a, b) => b.length - a.length).join('|');
  const names = { patterns: [{ match: `(?<![\\w-])(?:${ids})(?![\\w-])`, name: 'entity.name.tag.rule.go-concurrency-lint' }] };
  return {
    scopeName: 'go-concurrency-lint.suppression.injection',
    injectionSelector: 'L:comment.line.double-slash.go',
    patterns: [
      {
        match: '(?<=//|// )(nolint)(?:(:)([\\w,-]+))?(?:\\s*(//)\\s*(.*))?',
        captures: {
          1: { name: 'keyword.control.directive.suppression.go-concurrency-lint' },
          2: { name: 'punctuation.separator.go-concurrency-lint' },
          3: names,
          4: { name: 'punctuation.definition.comment.go' },
          5: { name: 'string.unquoted.reason.go-concurrency-lint' },
        },
      },
      {
        match: '(?<=//)(lint:(?:ignore|file-ignore))\\s+(\\S+)(?:\\s+(.*))?',
        captures: {
          1: { name: 'keyword.control.directive.suppression.go-concurrency-lint' },
          2: names,
          3: { name: 'string.unquoted.reason.go-concurrency-lint' },
        },
      },
    ],
  };
}
