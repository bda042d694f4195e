// Shared by the tests: one Analyzer per test process, loaded from the wasm
// files that the test build copies beside the bundles.
import { Analyzer } from '../../server/src/linter/analyzer';
import { activeRules, type LintConfig } from '../../server/src/linter/config';
import type { LintOptions } from '../../server/src/linter/linter';
import type { Finding } from '../../server/src/ruleapi/rule';

let analyzer: Promise<Analyzer> | undefined;

export function sharedAnalyzer(): Promise<Analyzer> {
  return (analyzer ??= Analyzer.create({ wasmDirectory: __dirname }));
}

export async function lint(path: string, text: string, config: LintConfig = {}, options: LintOptions = {}): Promise<Finding[]> {
  const a = await sharedAnalyzer();
  const result = a.lintText(path, text, activeRules(config), options);
  if (result.failures.length) throw new Error(`rule failed: ${result.failures.map((f) => `${f.ruleId}: ${String((f.error as Error)?.stack ?? f.error)}`).join('\n')}`);
  return result.findings;
}

/** True when the text parses without ERROR or MISSING nodes. */
export async function parsesCleanly(text: string): Promise<boolean> {
  return (await sharedAnalyzer()).parsesCleanly(text);
}
