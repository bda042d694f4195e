// The three output formats of the CLI. Lines and columns are 1-based and
// columns count UTF-16 code units, as in SARIF's `utf16CodeUnits`.
import { pathToFileURL } from 'node:url';
import { relative, sep } from 'node:path';
import { RULES } from '../linter/registry';
import { UNUSED_SUPPRESSION, UNUSED_SUPPRESSION_SUMMARY } from '../linter/suppression-check';
import { LineIndex } from '../engine/positions';
import { docUrl, type Finding, type RelatedLocation, type Severity, type Span } from '../ruleapi/rule';

export interface FileReport {
  path: string;
  text: string;
  findings: Finding[];
}

interface Region {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

function region(lines: LineIndex, span: Span): Region {
  const s = lines.position(span.start);
  const e = lines.position(span.end);
  return { startLine: s.line + 1, startColumn: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1 };
}

/** A related location's region: in this file from its offsets, in another file from the range it carries (none without one). */
function relatedRegion(lines: LineIndex, related: RelatedLocation): Region | undefined {
  if (!related.path) return region(lines, related);
  if (!related.range) return undefined;
  const { start, end } = related.range;
  return { startLine: start.line + 1, startColumn: start.character + 1, endLine: end.line + 1, endColumn: end.character + 1 };
}

function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') ? rel : path;
}

export function formatText(reports: readonly FileReport[], cwd: string): string {
  const out: string[] = [];
  for (const report of reports) {
    const lines = new LineIndex(report.text);
    for (const f of report.findings) {
      const r = region(lines, f);
      out.push(`${displayPath(report.path, cwd)}:${r.startLine}:${r.startColumn}: ${f.severity} ${f.ruleId}: ${f.message}`);
      for (const rel of f.related) {
        const rr = relatedRegion(lines, rel);
        if (rr) out.push(`    ${displayPath(rel.path ?? report.path, cwd)}:${rr.startLine}:${rr.startColumn}: ${rel.message}`);
      }
    }
  }
  return out.length ? out.join('\n') + '\n' : '';
}

export function formatJson(reports: readonly FileReport[], cwd: string): string {
  const findings = reports.flatMap((report) => {
    const lines = new LineIndex(report.text);
    return report.findings.map((f) => ({
      path: displayPath(report.path, cwd),
      ruleId: f.ruleId,
      severity: f.severity,
      message: f.message,
      range: region(lines, f),
      related: f.related.flatMap((r) => {
        const range = relatedRegion(lines, r);
        return range ? [{ path: displayPath(r.path ?? report.path, cwd), message: r.message, range }] : [];
      }),
      fixes: f.fixes.map((fix) => ({
        title: fix.title,
        preferred: !!fix.preferred,
        edits: fix.edits.map((e) => ({ range: region(lines, e), newText: e.newText })),
      })),
    }));
  });
  return JSON.stringify({ findings }, null, 2) + '\n';
}

const SARIF_LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

export function formatSarif(reports: readonly FileReport[], cwd: string, version: string): string {
  const ruleIndex = new Map([...RULES.map((r) => r.id), UNUSED_SUPPRESSION].map((id, i) => [id, i]));
  const uri = (path: string) => {
    const rel = relative(cwd, path);
    return rel && !rel.startsWith('..') ? rel.split(sep).map(encodeURIComponent).join('/') : pathToFileURL(path).href;
  };
  const location = (path: string, lines: LineIndex, span: Span) => ({
    physicalLocation: { artifactLocation: { uri: uri(path), uriBaseId: '%SRCROOT%' }, region: region(lines, span) },
  });
  const results = reports.flatMap((report) => {
    const lines = new LineIndex(report.text);
    return report.findings.map((f) => ({
      ruleId: f.ruleId,
      ruleIndex: ruleIndex.get(f.ruleId),
      level: SARIF_LEVEL[f.severity],
      message: { text: f.message },
      locations: [location(report.path, lines, f)],
      ...(f.related.length
        ? {
            relatedLocations: f.related.flatMap((r) => {
              const range = relatedRegion(lines, r);
              return range ? [{ physicalLocation: { artifactLocation: { uri: uri(r.path ?? report.path), uriBaseId: '%SRCROOT%' }, region: range }, message: { text: r.message } }] : [];
            }).map((r, id) => ({ id, ...r })),
          }
        : {}),
      ...(f.fixes.length
        ? {
            fixes: f.fixes.map((fix) => ({
              description: { text: fix.title },
              artifactChanges: [
                {
                  artifactLocation: { uri: uri(report.path), uriBaseId: '%SRCROOT%' },
                  replacements: fix.edits.map((e) => ({ deletedRegion: region(lines, e), insertedContent: { text: e.newText } })),
                },
              ],
            })),
          }
        : {}),
    }));
  });
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'go-concurrency-lint',
            version,
            informationUri: 'https://github.com/go-concurrency-lint/go-concurrency-lint',
            rules: [
              ...RULES.map((r) => ({
                id: r.id,
                name: r.id,
                shortDescription: { text: r.summary },
                helpUri: docUrl(r.id),
                defaultConfiguration: { level: SARIF_LEVEL[r.defaultSeverity], ...(r.optIn ? { enabled: false } : {}) },
                properties: { category: r.category, tags: ['concurrency', r.category] },
              })),
              // Not a rule of its own: the suppression check of --report-unused-suppressions.
              { id: UNUSED_SUPPRESSION, name: UNUSED_SUPPRESSION, shortDescription: { text: UNUSED_SUPPRESSION_SUMMARY }, helpUri: docUrl(UNUSED_SUPPRESSION), defaultConfiguration: { level: 'note', enabled: false }, properties: { category: 'suppression', tags: ['suppression'] } },
            ],
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(cwd + sep).href } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}
