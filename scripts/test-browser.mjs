#!/usr/bin/env node
// npm run test:browser: tests what users install, as a user would use it.
//
//   1. installs code-server, Node.js 24, playwright-core and Chromium on first
//      use (scripts/browser-tools.mjs; cached in .cache/test-browser/);
//   2. builds dist/, packages the .vsix, checks its file list and size, and
//      runs the CLI from the extracted .vsix on a copy of examples/;
//   3. installs the .vsix into a fresh code-server, opens a copy of examples/
//      in headless Chromium and drives the workbench through the DOM, the
//      keyboard and the command palette (never the extension API): squiggles,
//      the Problems panel, quick fixes, the documentation preview, Scan
//      Workspace, a settings change and the language status item.
//
// Every scenario prints ok/FAIL with its time; a failure prints what the page
// showed (Problems panel, notifications, dialogs, the extension's log) and
// saves a screenshot. The last line is "browser: N passed, N failed".
//
// Options:
//   --screenshot FILE  also save a picture of a finding with its Quick Fix
//                      menu open (docs/images/quick-fix.png)
//   --only a,b         run only the scenarios whose name contains a or b
//   --keep             keep the scratch folder (workspace, profile, logs)
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';
import { CACHE, ensureBrowserTools, loadPlaywright } from './browser-tools.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const option = (name) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const screenshotFile = option('--screenshot') && resolve(option('--screenshot'));
const only = option('--only')?.split(',');
const keep = argv.includes('--keep');

const log = (line) => console.log(`[test:browser] ${line}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const scratch = mkdtempSync(join(tmpdir(), 'gcl-browser-'));
const userData = join(scratch, 'user-data'); // code-server's profile, whose logs a failure prints
const failDir = join(CACHE, 'failures');
const results = [];
let page; // the workbench, once it is open
const serverOutput = [];
const consoleErrors = [];
let server; // code-server: stopped, and the scratch folder removed, however this script exits
process.on('exit', () => {
  server?.kill('SIGTERM');
  if (!keep) rmSync(scratch, { recursive: true, force: true, maxRetries: 3 });
});
process.on('SIGINT', () => process.exit(130));

/**
 * Runs one scenario: pass/fail with its time; a failure shows what the page
 * showed. The workspace files it names in touches are put back afterwards,
 * pass or fail, so that the next scenario starts from the examples as shipped.
 */
async function scenario(name, fn, touches = []) {
  // The package checks always run: the scenarios use what they extract.
  if (only && !name.startsWith('vsix:') && !only.some((o) => name.includes(o))) return;
  const t0 = Date.now();
  const marks = { logs: new Map(logFiles().map((f) => [f, statSync(f).size])), console: consoleErrors.length, server: serverOutput.length };
  const seconds = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
  let ok = true;
  const fail = async (message) => {
    ok = false;
    console.log(`FAIL ${name} (${seconds()}): ${message}`);
    await showFailure(name, marks);
  };
  await fn().catch((err) => fail(err.message));
  if (page) {
    await resetUi();
    for (const rel of touches) {
      await restore(rel).catch((err) => (ok ? fail(`could not put ${rel} back: ${err.message}`) : console.log(`  (could not put ${rel} back: ${err.message})`)));
    }
  }
  if (ok) console.log(`ok   ${name} (${seconds()})`);
  results.push({ name, ok });
}

// ---------------------------------------------------------------------------
// 1-2. Tools, build, package, and what the package holds.

let tools;
try {
  tools = ensureBrowserTools();
} catch (err) {
  console.error(`[test:browser] FAILED to install the tools: ${err.message}`);
  process.exit(1);
}
rmSync(failDir, { recursive: true, force: true });

log('building dist/ (node scripts/build.mjs)');
run(process.execPath, [join(root, 'scripts', 'build.mjs')], 'the build');
const vsix = join(scratch, 'x.vsix');
log('packaging the .vsix (vsce package --no-dependencies)');
run(join(root, 'node_modules', '.bin', 'vsce'), ['package', '--no-dependencies', '-o', vsix], 'vsce package');
const extracted = join(scratch, 'vsix');
const pristine = join(scratch, 'examples'); // what the scenarios restore files from
cpSync(join(root, 'examples'), pristine, { recursive: true });
const fixed = join(scratch, 'examples-fixed'); // the CLI's --fix result, what "Fix all" must give
const expectedAfterFix = {};

await scenario('vsix: holds the run-time files and the rule docs, under 5 MB', async () => {
  const entries = readZip(vsix);
  for (const [name, data] of entries) {
    mkdirSync(dirname(join(extracted, name)), { recursive: true });
    writeFileSync(join(extracted, name), data());
  }
  const names = [...entries.keys()];
  const required = ['package.json', 'dist/extension.js', 'dist/server.js', 'dist/cli.js', 'dist/worker.js', 'dist/tree-sitter.wasm', 'dist/tree-sitter-go.wasm'];
  const missing = required.filter((f) => !names.includes(`extension/${f}`));
  if (missing.length) throw new Error(`missing from the .vsix: ${missing.join(', ')}`);
  const docs = names.filter((n) => /^extension\/docs\/rules\/[^/]+\.md$/.test(n)).length;
  const ruleDocs = readdirSync(join(root, 'docs', 'rules')).filter((f) => f.endsWith('.md')).length;
  if (docs < ruleDocs) throw new Error(`the .vsix has ${docs} docs/rules/*.md, the repository ${ruleDocs}`);
  const size = statSync(vsix).size;
  if (size >= 5 * 1024 * 1024) throw new Error(`the .vsix is ${(size / 1048576).toFixed(1)} MB`);
  log(`  ${names.length} files, ${(size / 1024).toFixed(0)} KB, ${docs} rule docs`);
});

await scenario('vsix: its CLI finds the examples\' bugs (exit 1), with worker threads', async () => {
  const cli = join(extracted, 'extension', 'dist', 'cli.js');
  const copy = join(scratch, 'examples-cli');
  cpSync(pristine, copy, { recursive: true });
  const r = spawnSync(process.execPath, [cli, copy], { encoding: 'utf8' });
  if (r.status !== 1) throw new Error(`exit ${r.status}, expected 1\n${r.stdout}${r.stderr}`);
  for (const rule of ['lost-cancel', 'discarded-cancel']) if (!r.stdout.includes(` ${rule}: `)) throw new Error(`no ${rule} finding in:\n${r.stdout}`);
  if (/worker threads are unavailable/.test(r.stderr)) throw new Error(`the scan fell back to one thread: ${r.stderr}`);
  // What "Fix all" in the editor must give: the CLI's --fix on the same files.
  cpSync(pristine, fixed, { recursive: true });
  spawnSync(process.execPath, [cli, '--fix', fixed], { encoding: 'utf8' });
  const rest = JSON.parse(spawnSync(process.execPath, [cli, '--format', 'json', fixed], { encoding: 'utf8' }).stdout).findings;
  for (const rel of ['discarded-cancel/bad.go', 'lost-cancel/bad.go']) {
    expectedAfterFix[rel] = { text: readFileSync(join(fixed, rel), 'utf8'), findings: rest.filter((f) => f.path.endsWith(rel)).length };
  }
  log(`  ${r.stdout.trim().split('\n').length} findings`);
});

// ---------------------------------------------------------------------------
// 3. code-server with the .vsix installed, driven in Chromium.

const workspace = join(scratch, 'workspace');

const extensionsDir = join(scratch, 'extensions');
cpSync(pristine, workspace, { recursive: true });
mkdirSync(join(userData, 'User'), { recursive: true });
writeFileSync(
  join(userData, 'User', 'settings.json'),
  JSON.stringify(
    {
      // A fresh profile that opens straight into the folder: no trust prompt,
      // welcome page, tips, telemetry, update or marketplace look-ups
      // (there is no network), chat or AI panel.
      'security.workspace.trust.enabled': false,
      'security.workspace.trust.startupPrompt': 'never',
      'workbench.startupEditor': 'none',
      'workbench.welcomePage.walkthroughs.openOnInstall': false,
      'workbench.tips.enabled': false,
      'workbench.enableExperiments': false,
      'workbench.secondarySideBar.defaultVisibility': 'hidden',
      'telemetry.telemetryLevel': 'off',
      'update.mode': 'none',
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'extensions.ignoreRecommendations': true,
      'chat.disableAIFeatures': true,
      'git.enabled': false,
      'editor.minimap.enabled': false,
      'workbench.editor.enablePreview': false,
      'editor.hover.delay': 300,
    },
    null,
    2,
  ),
);

log(`installing the .vsix into a fresh code-server profile (${scratch})`);
const install = spawnSync(tools.node, [tools.codeServer, '--user-data-dir', userData, '--extensions-dir', extensionsDir, '--install-extension', vsix], { encoding: 'utf8' });
if (install.status !== 0 || !/successfully installed/.test(install.stdout + install.stderr)) {
  results.push({ name: 'code-server --install-extension', ok: false });
  console.log(`FAIL code-server --install-extension (exit ${install.status}):\n${install.stdout}${install.stderr}`);
  await finish();
}

const port = await freePort();
log(`starting code-server on 127.0.0.1:${port}`);
server = spawn(
  tools.node,
  [tools.codeServer, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--disable-getting-started-override', '--ignore-last-opened', '--user-data-dir', userData, '--extensions-dir', extensionsDir],
  { stdio: ['ignore', 'pipe', 'pipe'] },
);
for (const s of [server.stdout, server.stderr]) s.on('data', (d) => serverOutput.push(...String(d).split('\n')));
let browser;
try {
  await until('code-server to answer', async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.ok, 60000, () => server.exitCode === null || `code-server exited (${server.exitCode})`);
  const { chromium } = loadPlaywright();
  // Flags: this machine's network is closed, and Chromium's own background
  // connections would only fail (see the probe notes in the README).
  browser = await chromium.launch({
    executablePath: tools.chromium,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text().slice(0, 300)));
  page.on('pageerror', (e) => consoleErrors.push(String(e).slice(0, 300)));
  log('opening the workbench');
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: 60000 });
  // More room for the editor and the Problems panel; the Explorer is not used.
  await command('View: Close Primary Side Bar');
  await scenarios();
} catch (err) {
  results.push({ name: 'workbench', ok: false });
  console.log(`FAIL the workbench could not be driven: ${err.message}`);
  if (page) await showFailure('workbench');
} finally {
  await browser?.close().catch(() => undefined);
}
await finish();

async function scenarios() {
  const lostCancel = 'lost-cancel/bad.go';

  await scenario('diagnostics: squiggle and a lost-cancel entry in the Problems panel', async () => {
    await openFile(lostCancel);
    // The first lint waits for the extension to activate and its server to start.
    await until('a squiggle in the editor', () => page.locator('.part.editor .monaco-editor .squiggly-warning').count(), 90000);
    const m = await findMarker(lostCancel, (m) => m.code === 'lost-cancel' && /context\.WithTimeout/.test(m.message));
    if (m.source !== 'go-concurrency-lint') throw new Error(`the finding's source is ${m.source}`);
    if (m.severity !== 'Warning') throw new Error(`the finding is ${m.severity}, expected Warning`);
    if (screenshotFile) {
      await page.locator('.panel input[aria-label="Filter Problems"]').fill('');
      await goTo(m.line, m.col);
      await openQuickFixMenu('Add defer cancel()');
      mkdirSync(dirname(screenshotFile), { recursive: true });
      await page.screenshot({ path: screenshotFile });
      log(`  screenshot saved: ${screenshotFile}`);
    }
  });

  await scenario('quick fix: "Add defer cancel() after this statement" inserts it, the finding goes', async () => {
    await openFile(lostCancel);
    const m = await findMarker(lostCancel, (m) => m.code === 'lost-cancel' && /context\.WithTimeout/.test(m.message));
    await goTo(m.line, m.col);
    await chooseQuickFix('Add defer cancel()');
    await until('"defer cancel()" right after the statement in the editor', async () => {
      const lines = await visibleLines();
      const i = lines.findIndex((l) => l.includes('context.WithTimeout('));
      return i >= 0 && lines[i + 1]?.trim() === 'defer cancel()';
    });
    await until('the finding to leave the Problems panel', async () => !(await markers(lostCancel)).some((x) => /context\.WithTimeout/.test(x.message)));
  }, [lostCancel]);

  await scenario('quick fix: "Disable lost-cancel for this line" writes //nolint:lost-cancel, the finding goes', async () => {
    await openFile(lostCancel);
    const m = await findMarker(lostCancel, (m) => m.code === 'lost-cancel' && /context\.WithTimeout/.test(m.message));
    await goTo(m.line, m.col);
    await chooseQuickFix('Disable lost-cancel for this line', { exact: true });
    await until('"//nolint:lost-cancel // <reason>" at the end of the line', async () =>
      (await visibleLines()).some((l) => /context\.WithTimeout\(.*\)\s*\/\/nolint:lost-cancel \/\/ \S/.test(l)),
    );
    await until('the finding to leave the Problems panel', async () => !(await markers(lostCancel)).some((x) => /context\.WithTimeout/.test(x.message)));
  }, [lostCancel]);

  await scenario('quick fix: "Show documentation for lost-cancel" opens the rule page offline in a Markdown preview', async () => {
    const heading = readFileSync(join(root, 'docs', 'rules', 'lost-cancel.md'), 'utf8').match(/^# (.+)$/m)[1];
    await openFile(lostCancel);
    const m = await findMarker(lostCancel, (m) => m.code === 'lost-cancel');
    await goTo(m.line, m.col);
    await chooseQuickFix('Show documentation for lost-cancel', { exact: true });
    await until('a "Preview lost-cancel.md" tab', async () => (await tabs()).some((t) => /^Preview lost-cancel\.md/.test(t)));
    await until(`the preview to show the heading "${heading}"`, async () => {
      for (const frame of page.frames()) {
        const h = await frame.evaluate(() => [...document.querySelectorAll('h1')].map((e) => e.textContent.trim())).catch(() => []);
        if (h.includes(heading)) return true;
      }
    });
    await command('View: Close All Editors');
  });

  await scenario('problems panel: the rule link of a finding opens its page offline in a Markdown preview', async () => {
    await openFile(lostCancel);
    await findMarker(lostCancel, (m) => m.code === 'lost-cancel');
    await page.locator('.markers-panel .monaco-list-row a', { hasText: /^lost-cancel$/ }).first().click();
    await until('a "Preview lost-cancel.md" tab', async () => (await tabs()).some((t) => /^Preview lost-cancel\.md/.test(t)));
    // The link keeps the keyboard focus (and the preview's webview may take it): put it in a text editor, by its tab, before the palette.
    await page.mouse.move(0, 0);
    await page.locator('.tabs-container .tab', { hasText: 'bad.go' }).first().click();
    await until('the bad.go editor to have the focus', () => page.evaluate(() => !!document.activeElement?.closest('.monaco-editor')));
    await command('View: Close All Editors');
  });

  await scenario('command palette: "Go Concurrency Lint: Scan Workspace" lists findings of files never opened', async () => {
    const before = await markers('discarded-cancel/bad.go');
    if (before.length) throw new Error(`discarded-cancel/bad.go is listed before the scan: ${before.length} findings`);
    await command('Go Concurrency Lint: Scan Workspace');
    const found = await until('discarded-cancel/bad.go findings in the Problems panel', async () => {
      const ms = await markers('discarded-cancel/bad.go');
      return ms.filter((m) => m.code === 'discarded-cancel' && m.source === 'go-concurrency-lint').length >= 2 && ms;
    });
    log(`  discarded-cancel/bad.go: ${found.length} findings`);
  });

  await scenario('quick fix: "Fix all auto-fixable problems" gives what the CLI\'s --fix gives', async () => {
    await fixAllScenario('discarded-cancel/bad.go', async (m) => {
      await goTo(m.line, m.col);
      await chooseQuickFix('Fix all auto-fixable problems', { exact: true });
    });
  }, ['discarded-cancel/bad.go']);

  await scenario('command palette: "Fix All" gives what the CLI\'s --fix gives', async () => {
    await fixAllScenario('discarded-cancel/bad.go', async () => {
      await focusEditor();
      await command('Fix All');
    });
  }, ['discarded-cancel/bad.go']);

  await scenario('settings: goConcurrencyLint.rules {"lost-cancel": "error"} in .vscode/settings.json makes it an error', async () => {
    await openFile(lostCancel);
    await findMarker(lostCancel, (m) => m.code === 'lost-cancel' && m.severity === 'Warning');
    const settings = join(workspace, '.vscode', 'settings.json');
    mkdirSync(dirname(settings), { recursive: true });
    writeFileSync(settings, JSON.stringify({ 'goConcurrencyLint.rules': { 'lost-cancel': 'error' } }, null, 2));
    try {
      await until('an error squiggle (.squiggly-error)', () => page.locator('.part.editor .monaco-editor .squiggly-error').count());
      await until('the Problems panel to show the finding as an Error', async () => (await markers(lostCancel)).some((m) => m.code === 'lost-cancel' && m.severity === 'Error'));
    } finally {
      rmSync(settings);
    }
    await until('the finding to be a Warning again after the setting is removed', async () =>
      (await markers(lostCancel)).some((m) => m.code === 'lost-cancel' && m.severity === 'Warning'),
    );
  });

  await scenario('status bar: the language status item ({}) of a Go file shows Go Concurrency Lint', async () => {
    await openFile(lostCancel);
    const item = page.locator('[id="status.languageStatus"]');
    await until('the language status item {} in the status bar', () => item.isVisible());
    await item.hover();
    const text = await until('its hover to mention Go Concurrency Lint', async () => {
      const t = (await page.locator('.hover-language-status').allInnerTexts()).join(' | ');
      return /Go Concurrency Lint/i.test(t) && t;
    });
    log(`  language status: ${text.replace(/\s+/g, ' ')}`);
  });
}

/** Opens rel, applies fix-all with apply, checks editor, Problems panel and the saved file against the CLI's --fix. */
async function fixAllScenario(rel, apply) {
  await openFile(rel);
  const first = await findMarker(rel, (m) => m.source === 'go-concurrency-lint');
  await apply(first);
  const want = expectedAfterFix[rel];
  if (!want) throw new Error(`no expected result for ${rel}: the CLI check above failed`);
  await until(`${want.findings} findings left in ${rel}`, async () => (await markers(rel)).length === want.findings);
  // Save (refactorings may already have saved it) and compare with the CLI.
  await focusEditor();
  await page.keyboard.press('Control+s');
  await until(`the saved file to equal the CLI's --fix result`, async () => readFileSync(join(workspace, rel), 'utf8') === want.text);
}

// ---------------------------------------------------------------------------
// Driving the workbench as a user: keyboard, command palette, DOM.

/** Quick Open (Ctrl+P) a workspace-relative path, and wait for its editor. */
async function openFile(rel) {
  if ((await page.title()).startsWith(`${basename(rel)} `) && (await breadcrumbs()).startsWith(dirname(rel).split('/').join(' '))) return focusEditor();
  await page.keyboard.press('Control+p');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(rel);
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: basename(rel) }).filter({ hasText: dirname(rel) }).first();
  await row.waitFor();
  await row.click();
  await until(`${rel} to be the active editor`, async () => (await page.title()).startsWith(`${basename(rel)} `) && (await breadcrumbs()).startsWith(dirname(rel).split('/').join(' ')));
  await until(`${rel}'s text in the editor`, async () => (await visibleLines()).length > 0);
}

async function breadcrumbs() {
  return (await page.locator('.part.editor .breadcrumbs-control').first().innerText().catch(() => '')).replace(/\s+/g, ' ');
}

async function focusEditor() {
  await page.keyboard.press('Control+1');
}

/** Runs a command from the command palette (F1) by its exact label. */
async function command(label) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${label}`);
  // The row whose label is exactly this (its aria-label may add ", <keybinding>").
  const row = await until(`"${label}" in the command palette`, async () => {
    for (const r of await page.locator('.quick-input-widget .monaco-list-row').all()) {
      const aria = (await r.getAttribute('aria-label', { timeout: 500 })) || '';
      if (aria === label || aria.startsWith(`${label}, `)) return r;
    }
  });
  await row.click();
}

/** Go to Line (Ctrl+G), then check the status bar says we are there. */
async function goTo(line, col) {
  await focusEditor();
  await page.keyboard.press('Control+g');
  await page.locator('.quick-input-widget input').waitFor({ state: 'visible' });
  await page.keyboard.type(`${line}:${col}`);
  await page.keyboard.press('Enter');
  await until(`the cursor at Ln ${line}, Col ${col}`, async () => (await page.locator('[id="status.editor.selection"]').innerText()).includes(`Ln ${line}, Col ${col}`));
}

/** Ctrl+. at the cursor; waits for an item starting with title. */
async function openQuickFixMenu(title, { exact = false } = {}) {
  await page.keyboard.press('Control+.');
  const item = page.locator('.action-widget .monaco-list-row.action').filter({ hasText: title }).first();
  try {
    await until(`"${title}" in the Ctrl+. menu`, async () => {
      const label = (await item.getAttribute('aria-label', { timeout: 500 }).catch(() => null))?.replace(/, Quick Fix$/, '');
      return label && (exact ? label === title : label.startsWith(title));
    }, 15000);
  } catch (err) {
    const offered = await page.locator('.action-widget .monaco-list-row.action').allInnerTexts().catch(() => []);
    throw new Error(`${err.message}; the menu offered: ${offered.length ? offered.map((t) => `"${t}"`).join(', ') : 'nothing'}`);
  }
  return item;
}

async function chooseQuickFix(title, opts) {
  await (await openQuickFixMenu(title, opts)).click();
}

/** The editor's rendered lines, top to bottom (Monaco renders only what is in view). */
async function visibleLines() {
  return page
    .locator('.part.editor .editor-group-container.active .monaco-editor .view-lines .view-line')
    .evaluateAll((els) => els.map((e) => [parseFloat(e.style.top), e.textContent.replace(/\u00a0/g, ' ')]).sort((a, b) => a[0] - b[0]).map((x) => x[1]))
    .catch(() => []);
}

async function tabs() {
  return page.locator('.part.editor .tabs-container .tab').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') || ''));
}

/**
 * The findings the Problems panel lists for one file: the panel is opened
 * (View: Focus Problems) and filtered to the file, as a user would.
 */
async function markers(rel) {
  const panel = page.locator('.markers-panel');
  if (!(await panel.isVisible())) {
    await command('View: Focus Problems (Errors, Warnings, Infos)');
    await panel.waitFor({ state: 'visible' });
  }
  const filter = page.locator('.panel input[aria-label="Filter Problems"]');
  if ((await filter.inputValue()) !== `**/${rel}`) await filter.fill(`**/${rel}`);
  const rows = await panel.locator('.monaco-list-row').evaluateAll((els) =>
    els.map((e) => ({ index: Number(e.dataset.index), label: e.getAttribute('aria-label') || '', text: e.innerText.split('\n').map((s) => s.trim()) })),
  );
  rows.sort((a, b) => a.index - b.index);
  const out = [];
  let inFile = false;
  for (const r of rows) {
    const file = r.label.match(/^\d+ problems? in file (.+) of folder (.+)$/);
    if (file) {
      inFile = `${file[2]}/${file[1]}`.endsWith(rel);
      continue;
    }
    const m = r.label.match(/^(Error|Warning|Info)\w*: (.*) at line (\d+) and character (\d+)\..*?(?:generated by (\S+))?$/s);
    if (!inFile || !m) continue; // related locations have no severity
    const source = m[5]?.replace(/\.$/, '');
    const code = r.text[r.text.indexOf(source) + 1] || '';
    out.push({ severity: m[1], message: m[2], line: Number(m[3]), col: Number(m[4]), source, code });
  }
  return out;
}

async function findMarker(rel, pred, timeout = 30000) {
  return until(`a matching finding of ${rel} in the Problems panel`, async () => (await markers(rel)).find(pred), timeout);
}

/**
 * Puts a file back as it was: on disk, then in the editor (File: Revert File),
 * until the editor shows the original's first lines (a fix may leave the first
 * line alone, so all visible lines are compared). The revert is asked again
 * when the editor has not taken it: a command chosen while the previous
 * scenario's widgets close is sometimes lost.
 */
async function restore(rel) {
  writeFileSync(join(workspace, rel), readFileSync(join(pristine, rel)));
  const original = readFileSync(join(pristine, rel), 'utf8').split('\n').map(squeeze);
  const shown = async () => {
    const lines = await visibleLines();
    return lines.length > 1 && lines.every((l, i) => squeeze(l) === original[i]);
  };
  for (let attempt = 1; ; attempt++) {
    await openFile(rel);
    await command('File: Revert File');
    await focusEditor();
    await page.keyboard.press('Control+Home');
    try {
      return await until(`${rel} to show its original text`, shown, 10000);
    } catch (err) {
      if (attempt === 3) throw err;
    }
  }
}

function squeeze(line) {
  return line.replace(/\s+/g, ' ').trim();
}

/** Closes menus, widgets and dialogs between scenarios. */
async function resetUi() {
  for (let i = 0; i < 3; i++) await page.keyboard.press('Escape').catch(() => undefined);
}

/**
 * Polls cond until it returns something truthy (returned), or throws after
 * timeout. alive may return a string: a reason to stop waiting at once.
 */
async function until(what, cond, timeout = 20000, alive) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await Promise.resolve().then(cond).catch(() => undefined);
    if (value) return value;
    const dead = alive?.();
    if (typeof dead === 'string') throw new Error(dead);
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout / 1000} s waiting for ${what}`);
    await sleep(200);
  }
}

// ---------------------------------------------------------------------------
// Reporting.

/** Prints what the page showed and saves a screenshot into failDir. */
async function showFailure(name, marks = { logs: new Map(), console: 0, server: 0 }) {
  const show = (title, lines) => lines.length && console.log(`  --- ${title}\n${lines.map((l) => `  | ${l}`).join('\n')}`);
  if (page) {
    mkdirSync(failDir, { recursive: true });
    const file = join(failDir, `${results.length}-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}.png`);
    await page.screenshot({ path: file }).then(() => console.log(`  screenshot: ${file}`), () => undefined);
    const texts = async (sel) => (await page.locator(sel).allInnerTexts().catch(() => [])).map((t) => t.replace(/\s+/g, ' ').trim()).filter(Boolean);
    show('dialogs', await texts('.monaco-dialog-box'));
    show('notifications', await texts('.notifications-toasts .notification-list-item, .notifications-center .notification-list-item'));
    show('Problems panel (as filtered)', await page.locator('.markers-panel .monaco-list-row').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label'))).catch(() => []));
    show('editor (visible lines)', await visibleLines());
    show('tabs', await tabs().catch(() => []));
    show('browser console errors during the scenario (last 10)', consoleErrors.slice(marks.console).slice(-10));
  }
  show('code-server output during the scenario (last 15 lines)', serverOutput.slice(marks.server).filter((l) => l.trim()).slice(-15));
  // The extension's output channel and the extension host's log, as far as
  // they were written during this scenario.
  for (const f of logFiles()) {
    const lines = readFileSync(f).subarray(marks.logs.get(f) ?? 0).toString('utf8').trimEnd().split('\n').filter(Boolean);
    show(`${f.slice(userData.length + 1)}, written during the scenario (last 30 lines)`, lines.slice(-30));
  }
}

function logFiles() {
  const dir = join(userData, 'logs');
  if (!existsSync(dir)) return [];
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const p = join(e.parentPath ?? e.path, e.name);
    if (e.isFile() && /^(Go Concurrency Lint|remoteexthost|exthost)\.log$/.test(e.name)) out.push(p);
  }
  return out;
}

async function finish() {
  // Let code-server stop its extension host and watcher before the scratch
  // folder they write into goes.
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    await Promise.race([new Promise((r) => server.once('exit', r)), sleep(5000)]);
  }
  const failed = results.filter((r) => !r.ok).length;
  if (failed) console.log(`[test:browser] failures: screenshots in ${failDir}`);
  if (keep) console.log(`[test:browser] scratch folder kept: ${scratch}`);
  console.log(`browser: ${results.length - failed} passed, ${failed} failed`);
  process.exit(failed || results.length === 0 ? 1 : 0);
}

// ---------------------------------------------------------------------------
// Small utilities.

function run(cmd, args, what) {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) {
    console.error(`[test:browser] FAILED: ${what} (exit ${r.status ?? r.error?.message})\n${r.stdout}${r.stderr}`);
    process.exit(1);
  }
}

/** The entries of a zip file (a .vsix): name -> () => contents. Stored and deflated entries only, as vsce writes. */
function readZip(file) {
  const buf = readFileSync(file);
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error(`${file} is not a zip file`);
  const entries = new Map();
  let p = buf.readUInt32LE(eocd + 16);
  for (let i = buf.readUInt16LE(eocd + 10); i > 0; i--) {
    const method = buf.readUInt16LE(p + 10);
    const size = buf.readUInt32LE(p + 20);
    const nameLength = buf.readUInt16LE(p + 28);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLength);
    entries.set(name, () => {
      const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
      const data = buf.subarray(start, start + size);
      return method === 8 ? inflateRawSync(data) : data;
    });
    p += 46 + nameLength + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
  }
  return entries;
}

function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port: p } = srv.address();
      srv.close(() => res(p));
    });
  });
}
