#!/usr/bin/env node
// Runs the in-editor tests (test/vscode/suite/index.js), or takes a
// screenshot, in code-server: a real VS Code whose workbench runs in a
// (headless) browser and whose extension host runs our extension on this
// machine. Used where no VS Code desktop can be downloaded. See
// docs/vscode.md ("code-server recipe") for how to install the tools; none
// of them is a dependency of the project.
//
// Environment:
//   CODE_SERVER       path to the code-server launcher (required; else skipped)
//   CODE_SERVER_NODE  Node.js (>= the version code-server wants) to run it with
//   CHROMIUM          browser executable (default /usr/bin/chromium)
//   PLAYWRIGHT_CORE   path of the playwright-core package (default: resolved
//                     from the project, then next to CODE_SERVER)
//
// Flags:
//   --vsix FILE        install FILE into a fresh extensions dir and test that,
//                      instead of loading the repository as a development extension
//   --untrusted        keep workspace trust on: the folder opens in Restricted Mode
//   --screenshot FILE  instead of the tests (needs --vsix): start code-server
//                      itself, open lostcancel.go, show the Problems panel and
//                      the hover, and save a PNG to FILE
//   --no-build         do not run scripts/build.mjs first
//   --keep             keep the scratch directory (logs, settings) and print it
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const option = (name) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};

const codeServer = process.env.CODE_SERVER;
if (!codeServer) {
  console.log('in-editor tests in code-server skipped: set CODE_SERVER (see docs/vscode.md).');
  process.exit(0);
}
const vsix = option('--vsix') && resolve(option('--vsix'));
const screenshot = option('--screenshot') && resolve(option('--screenshot'));
const untrusted = flag('--untrusted');
const chromium = process.env.CHROMIUM || '/usr/bin/chromium';
if (screenshot && !vsix) {
  console.error('--screenshot needs --vsix FILE (build one with vsce package, see docs/vscode.md)');
  process.exit(1);
}

function loadPlaywright() {
  const candidates = [process.env.PLAYWRIGHT_CORE, 'playwright-core'];
  const bases = [join(root, 'package.json'), realpathSync(codeServer)];
  for (const c of candidates.filter(Boolean)) {
    for (const base of bases) {
      try {
        return createRequire(base)(c);
      } catch {
        /* try the next one */
      }
    }
  }
  // npm --prefix P puts code-server in P/node_modules/code-server/out/node/entry.js
  // and playwright-core in P/node_modules/playwright-core.
  let dir = dirname(realpathSync(codeServer));
  while (dir !== dirname(dir)) {
    const p = join(dir, 'node_modules', 'playwright-core');
    if (existsSync(p)) return createRequire(import.meta.url)(p);
    dir = dirname(dir);
  }
  throw new Error('playwright-core not found: set PLAYWRIGHT_CORE');
}

if (!flag('--no-build') && !vsix) {
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit', cwd: root });
}

const scratch = mkdtempSync(join(tmpdir(), 'gcl-code-server-'));
const workspace = join(scratch, 'workspace');
const userData = join(scratch, 'user-data');
const extensionsDir = join(scratch, 'extensions');
cpSync(join(here, 'fixture'), workspace, { recursive: true });
mkdirSync(join(userData, 'User'), { recursive: true });
mkdirSync(extensionsDir, { recursive: true });
writeFileSync(
  join(userData, 'User', 'settings.json'),
  JSON.stringify(
    {
      // Restricted Mode without the modal "Do you trust the authors?" prompt.
      'security.workspace.trust.startupPrompt': 'never',
      'security.workspace.trust.enabled': untrusted,
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'telemetry.telemetryLevel': 'off',
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'update.mode': 'none',
      'window.commandCenter': false,
      'chat.disableAIFeatures': true,
      'workbench.colorTheme': 'Default Dark Modern',
      'editor.hover.delay': 100,
    },
    null,
    2,
  ),
);

const nodeForCodeServer = process.env.CODE_SERVER_NODE;
function codeServerCommand(args) {
  return nodeForCodeServer ? [nodeForCodeServer, [codeServer, ...args]] : [codeServer, args];
}

let devExtension = root;
if (vsix) {
  const [cmd, args] = codeServerCommand(['--extensions-dir', extensionsDir, '--user-data-dir', userData, '--install-extension', vsix]);
  execFileSync(cmd, args, { stdio: 'inherit' });
  // VS Code runs --extensionTestsPath only alongside a development
  // extension; give it an empty one so that the installed .vsix is tested.
  devExtension = join(scratch, 'empty-dev-extension');
  mkdirSync(devExtension);
  writeFileSync(
    join(devExtension, 'package.json'),
    JSON.stringify({ name: 'gcl-test-host', publisher: 'test', version: '0.0.0', engines: { vscode: '*' } }),
  );
}

const port = await new Promise((res, rej) => {
  const srv = createServer();
  srv.once('error', rej);
  srv.listen(0, '127.0.0.1', () => {
    const { port: p } = srv.address();
    srv.close(() => res(p));
  });
});

// The screenshot goes through code-server's own launcher, as a person would
// use it. The tests need VS Code's --enable-smoke-test-driver (without it a
// built workbench ignores extensionDevelopmentPath/extensionTestsPath in the
// URL), which code-server's launcher refuses as an unknown option, so they
// start the VS Code server that code-server bundles (lib/vscode) directly.
let serverArgs;
let cmd;
let args;
if (screenshot) {
  serverArgs = [
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    '--user-data-dir', userData,
    '--extensions-dir', extensionsDir,
  ];
  if (!untrusted) serverArgs.push('--disable-workspace-trust');
  [cmd, args] = codeServerCommand(serverArgs);
} else {
  const serverMain =
    process.env.VSCODE_SERVER_MAIN ||
    join(dirname(realpathSync(codeServer)), '..', '..', 'lib', 'vscode', 'out', 'server-main.js');
  if (!existsSync(serverMain)) throw new Error(`${serverMain} not found: set VSCODE_SERVER_MAIN`);
  serverArgs = [
    '--host', '127.0.0.1',
    '--port', String(port),
    '--without-connection-token',
    '--accept-server-license-terms',
    '--enable-smoke-test-driver',
    '--telemetry-level', 'off',
    '--user-data-dir', userData,
    '--extensions-dir', extensionsDir,
  ];
  if (!untrusted) serverArgs.push('--disable-workspace-trust');
  cmd = nodeForCodeServer || process.execPath;
  args = [serverMain, ...serverArgs];
}
const serverLog = [];
const server = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, GCL_TEST_EXPECT_TRUSTED: untrusted ? '0' : '1' } });
server.stdout.on('data', (d) => serverLog.push(String(d)));
server.stderr.on('data', (d) => serverLog.push(String(d)));

let exitCode = 1;
let browser;
try {
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(`${base}/`, 60000);
  const { chromium: pwChromium } = loadPlaywright();
  browser = await pwChromium.launch({
    executablePath: chromium,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 850 } });
  const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
  let url = `${base}/?folder=${encodeURIComponent(workspace)}`;

  if (screenshot) {
    await page.goto(url);
    exitCode = await takeScreenshot(page);
  } else {
    let finish;
    const done = new Promise((res) => (finish = res));
    // The workbench calls these when it runs extension tests: the log of
    // the extension host (our suite's console.log lines among it) and its
    // exit code.
    await page.exposeFunction('codeAutomationLog', (_type, args) => {
      const text = (Array.isArray(args) ? args : [args]).map(String).join(' ');
      const ours = text.match(/\[go-concurrency-lint vscode tests\].*|vscode: \d+ passed, \d+ failed.*/s);
      if (ours) console.log(ours[0]);
      else if (process.env.GCL_TEST_VERBOSE) console.log(`[log] ${text}`);
    });
    await page.exposeFunction('codeAutomationExit', (code) => finish(code));
    if (process.env.GCL_TEST_VERBOSE) page.on('console', (msg) => console.log(`[browser ${msg.type()}] ${msg.text()}`));
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', remote(devExtension)],
      ['extensionTestsPath', remote(join(here, 'suite', 'index.js'))],
      ['skipWelcome', 'true'],
    ]);
    url += `&payload=${encodeURIComponent(payload)}`;
    await page.goto(url);
    const timeout = Number(process.env.GCL_TEST_TOTAL_TIMEOUT_MS || 300000);
    const code = await Promise.race([done, new Promise((res) => setTimeout(() => res('timeout'), timeout))]);
    if (code === 'timeout') {
      const shot = join(tmpdir(), `gcl-code-server-timeout-${Date.now()}.png`);
      await page.screenshot({ path: shot }).catch(() => undefined);
      console.error(`in-editor tests did not finish within ${timeout} ms (screenshot: ${shot})`);
      exitCode = 1;
    } else {
      console.log(`extension host exited with code ${code}`);
      exitCode = code === 0 ? 0 : 1;
    }
  }
} catch (err) {
  console.error(err);
  console.error(serverLog.join('').slice(-4000));
  exitCode = 1;
} finally {
  if (browser) await browser.close().catch(() => undefined);
  server.kill('SIGTERM');
  if (flag('--keep')) console.log(`scratch directory kept: ${scratch}`);
  else rmSync(scratch, { recursive: true, force: true });
}
process.exit(exitCode);

async function waitForHttp(url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      /* not up yet */
    }
    if (server.exitCode !== null) throw new Error(`code-server exited with ${server.exitCode}`);
    if (Date.now() > deadline) throw new Error(`code-server did not answer on ${url}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Opens lostcancel.go, waits for the squiggle, shows Problems and the hover. */
async function takeScreenshot(page) {
  const workbench = page.locator('.monaco-workbench');
  await workbench.waitFor({ timeout: 60000 });
  await page.waitForTimeout(3000);
  // Open lostcancel.go from the Explorer, as a person would.
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'lostcancel.go' }).first().dblclick();
  await page.locator('.monaco-editor .view-lines').first().waitFor({ timeout: 30000 });
  const squiggle = page.locator('.monaco-editor .squiggly-warning, .monaco-editor .squiggly-error, .monaco-editor .squiggly-info');
  let found = true;
  try {
    await squiggle.first().waitFor({ timeout: 60000 });
  } catch {
    found = false;
    console.error('no squiggle appeared in the editor');
  }
  // Problems panel
  await page.keyboard.press('Control+Shift+M');
  const problem = page.locator('.markers-panel .monaco-list-row', { hasText: 'lost-cancel' });
  try {
    await problem.first().waitFor({ timeout: 20000 });
  } catch {
    found = false;
    console.error('no lost-cancel entry in the Problems panel');
  }
  if (found) {
    // Hover the squiggle to show the message and the quick fix link.
    // (the squiggle lies under the text layer, so move the mouse there)
    const box = await squiggle.first().boundingBox();
    if (box) {
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2 - 4);
      await page.waitForTimeout(2000);
    }
  }
  await page.screenshot({ path: screenshot });
  console.log(`screenshot saved to ${screenshot}${found ? '' : ' (diagnostic NOT found)'}`);
  if (!found) return 1;
  // Second picture: the Quick Fix menu (Ctrl+.) on the diagnostic.
  const quickFixShot = screenshot.replace(/(\.png)?$/i, '-quickfix.png');
  await page.keyboard.press('Escape');
  await squiggle.first().click({ force: true });
  await page.keyboard.press('Control+.');
  const menu = page.locator('.action-widget', { hasText: 'defer cancel()' });
  try {
    await menu.first().waitFor({ timeout: 15000 });
  } catch {
    console.error('the Quick Fix menu did not offer "defer cancel()"');
    found = false;
  }
  await page.screenshot({ path: quickFixShot });
  console.log(`screenshot saved to ${quickFixShot}`);
  return found ? 0 : 1;
}
