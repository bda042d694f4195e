#!/usr/bin/env node
// Runs the in-editor tests (test/vscode/suite/index.js) inside a real VS Code
// desktop with @vscode/test-electron.
//
//   VSCODE_TEST_EXECUTABLE=/path/to/code npm run test:vscode
//       uses that VS Code executable (Electron binary, e.g.
//       /usr/share/code/code or "Visual Studio Code.app/Contents/MacOS/Electron");
//       nothing is downloaded.
//   npm run test:vscode -- --download
//       with VSCODE_TEST_EXECUTABLE unset: lets @vscode/test-electron download
//       VS Code (stable, or VSCODE_TEST_VERSION) into .vscode-test/.
//   CODE_SERVER=/path/to/code-server npm run test:vscode
//       with VSCODE_TEST_EXECUTABLE unset: runs the same suite in code-server
//       through test/vscode/runInCodeServer.mjs (see there and docs/vscode.md).
//   npm run test:vscode
//       with none of these: uses the code-server that npm run test:browser
//       installed in .cache/test-browser if it is there; else prints that it
//       was skipped and exits 0.
//
// Other flags: --no-build (do not run scripts/build.mjs first),
// --untrusted (leave workspace trust on, so the folder opens in Restricted
// Mode; the suite then checks that it really is untrusted).
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const args = new Set(process.argv.slice(2));

const executable = process.env.VSCODE_TEST_EXECUTABLE;
const download = args.has('--download');

// No VS Code and no CODE_SERVER, but the code-server that npm run
// test:browser installed (.cache/test-browser): use that one.
if (!executable && !download && !process.env.CODE_SERVER) {
  const { cacheIsCurrent, paths, CACHE } = await import('../../scripts/browser-tools.mjs');
  if (cacheIsCurrent()) {
    console.log(`test:vscode: using code-server from ${CACHE} (installed by npm run test:browser)`);
    process.env.CODE_SERVER = paths.codeServer;
    process.env.CODE_SERVER_NODE = paths.node;
  }
}
if (!executable && !download && process.env.CODE_SERVER) {
  // No desktop VS Code, but code-server: run the same suite there.
  const { status } = spawnSync(process.execPath, [join(here, 'runInCodeServer.mjs'), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  process.exit(status ?? 1);
}
if (!executable && !download) {
  console.log(
    'test:vscode skipped: set VSCODE_TEST_EXECUTABLE to a VS Code executable ' +
      '(or CODE_SERVER to a code-server launcher, or pass --download to let ' +
      '@vscode/test-electron download VS Code). See docs/vscode.md.',
  );
  process.exit(0);
}
if (executable && !existsSync(executable)) {
  console.error(`VSCODE_TEST_EXECUTABLE=${executable} does not exist`);
  process.exit(1);
}

if (!args.has('--no-build')) {
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit', cwd: root });
}
for (const f of ['dist/extension.js', 'dist/server.js']) {
  if (!existsSync(join(root, f))) {
    console.error(`${f} is missing: run npm run build first`);
    process.exit(1);
  }
}

const untrusted = args.has('--untrusted');
const scratch = mkdtempSync(join(tmpdir(), 'gcl-vscode-test-'));
const workspace = join(scratch, 'workspace');
cpSync(join(here, 'fixture'), workspace, { recursive: true });
// A fresh profile: in Restricted Mode runs, no modal trust prompt at startup.
mkdirSync(join(scratch, 'user-data', 'User'), { recursive: true });
writeFileSync(
  join(scratch, 'user-data', 'User', 'settings.json'),
  JSON.stringify({ 'security.workspace.trust.startupPrompt': 'never', 'workbench.startupEditor': 'none' }, null, 2),
);

const { runTests } = require('@vscode/test-electron');

let code = 1;
try {
  const launchArgs = [
    workspace,
    '--disable-extensions', // other installed extensions; the one under development still loads
    `--user-data-dir=${join(scratch, 'user-data')}`,
    `--extensions-dir=${join(scratch, 'extensions')}`,
  ];
  const options = {
    extensionDevelopmentPath: root,
    extensionTestsPath: join(here, 'suite', 'index.js'),
    launchArgs,
    extensionTestsEnv: { GCL_TEST_EXPECT_TRUSTED: untrusted ? '0' : '1' },
  };
  if (executable) options.vscodeExecutablePath = executable;
  else if (process.env.VSCODE_TEST_VERSION) options.version = process.env.VSCODE_TEST_VERSION;
  if (untrusted) {
    // runTests always adds --disable-workspace-trust; start VS Code ourselves
    // through the same code path but without it.
    const exe = executable ?? (await require('@vscode/test-electron').downloadAndUnzipVSCode(options.version));
    code = await runWithTrust(exe, options);
  } else {
    code = await runTests(options);
  }
} catch (err) {
  const message = err && err.message ? err.message : String(err);
  if (!executable && /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ENETUNREACH|ETIMEDOUT|getaddrinfo/.test(message)) {
    // --download with no way out to the VS Code download server.
    console.error(
      `test:vscode: cannot download VS Code: this machine cannot reach the VS Code download server (${message}). ` +
        'Set VSCODE_TEST_EXECUTABLE to an installed VS Code, or run the suite in code-server ' +
        '(npm run test:browser installs one from the npm registry; then npm run test:vscode uses it). See docs/vscode.md.',
    );
  } else {
    console.error(`in-editor tests failed: ${message}`);
  }
  code = 1;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
process.exit(code);

/** Like runTests, but keeps workspace trust enabled (Restricted Mode). */
async function runWithTrust(exe, options) {
  const { spawn } = await import('node:child_process');
  const argv = [
    ...options.launchArgs,
    '--no-sandbox',
    '--disable-gpu-sandbox',
    '--disable-updates',
    '--skip-welcome',
    '--skip-release-notes',
    `--extensionTestsPath=${options.extensionTestsPath}`,
    `--extensionDevelopmentPath=${options.extensionDevelopmentPath}`,
  ];
  const child = spawn(exe, argv, { stdio: 'inherit', env: { ...process.env, ...options.extensionTestsEnv } });
  return new Promise((resolveCode) => child.on('exit', (c, signal) => resolveCode(c ?? (signal ? 1 : 0))));
}
