// Bundles TypeScript source of the project (an entry given as text) into a
// temporary directory with the tree-sitter wasm files beside it, and loads
// it: for the scripts that time or stress the engine in process.
import { build } from 'esbuild';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const root = join(dirname(new URL(import.meta.url).pathname), '..');

/** The module `entry` exports; pass its directory as the Analyzer's `wasmDirectory`. */
export async function bundleSource(entry, name) {
  const out = mkdtempSync(join(tmpdir(), `gcl-${name}-`));
  await build({
    stdin: { contents: entry, resolveDir: root, loader: 'ts' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: join(out, `${name}.js`),
    logLevel: 'warning',
    alias: { 'web-tree-sitter': require.resolve('web-tree-sitter') },
  });
  copyFileSync(require.resolve('web-tree-sitter/tree-sitter.wasm'), join(out, 'tree-sitter.wasm'));
  copyFileSync(join(dirname(require.resolve('tree-sitter-go/package.json')), 'tree-sitter-go.wasm'), join(out, 'tree-sitter-go.wasm'));
  return { module: require(join(out, `${name}.js`)), directory: out };
}
