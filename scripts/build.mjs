// Bundles the client, the language server and the CLI into dist/, and copies
// the tree-sitter wasm files next to them (the engine loads them from there).
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, chmodSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const root = join(dirname(new URL(import.meta.url).pathname), '..');
const dist = join(root, 'dist');
mkdirSync(dist, { recursive: true });

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  // The CommonJS build of web-tree-sitter: its ES module build needs import.meta.url.
  alias: { 'web-tree-sitter': require.resolve('web-tree-sitter') },
};

await Promise.all([
  build({ ...common, entryPoints: [join(root, 'client/src/extension.ts')], outfile: join(dist, 'extension.js'), external: ['vscode'] }),
  build({ ...common, entryPoints: [join(root, 'server/src/lsp/main.ts')], outfile: join(dist, 'server.js') }),
  build({ ...common, entryPoints: [join(root, 'server/src/cli/main.ts')], outfile: join(dist, 'cli.js'), banner: { js: '#!/usr/bin/env node' } }),
  build({ ...common, entryPoints: [join(root, 'server/src/workspace/worker.ts')], outfile: join(dist, 'worker.js') }),
]);
chmodSync(join(dist, 'cli.js'), 0o755);

copyWasm(dist);

// `--tests`: the TypeScript tests, one bundle each, run by `node --test`.
if (process.argv.includes('--tests')) {
  const out = join(root, 'out/test');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const tests = readdirSync(join(root, 'test')).filter((f) => f.endsWith('.test.ts'));
  await build({ ...common, entryPoints: tests.map((f) => join(root, 'test', f)), outdir: out });
  copyWasm(out);
}

function copyWasm(dir) {
  copyFileSync(require.resolve('web-tree-sitter/tree-sitter.wasm'), join(dir, 'tree-sitter.wasm'));
  copyFileSync(join(dirname(require.resolve('tree-sitter-go/package.json')), 'tree-sitter-go.wasm'), join(dir, 'tree-sitter-go.wasm'));
}
