// Bundles the extension and the CLI with esbuild and copies the tree-sitter .wasm files next to
// them, so dist/ runs without node_modules (the .vsix ships only dist/ and media/).
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, chmodSync, existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const watch = process.argv.includes('--watch');
const outdir = 'dist';
mkdirSync(join(outdir, 'wasm'), { recursive: true });

const wasm = {
  'web-tree-sitter.wasm': 'web-tree-sitter/web-tree-sitter.wasm',
  'tree-sitter-python.wasm': 'tree-sitter-python/tree-sitter-python.wasm',
  'tree-sitter-javascript.wasm': 'tree-sitter-javascript/tree-sitter-javascript.wasm',
  'tree-sitter-typescript.wasm': 'tree-sitter-typescript/tree-sitter-typescript.wasm',
  'tree-sitter-tsx.wasm': 'tree-sitter-typescript/tree-sitter-tsx.wasm',
};
for (const [name, spec] of Object.entries(wasm)) {
  copyFileSync(require.resolve(spec), join(outdir, 'wasm', name));
}
// web-tree-sitter is loaded from its own file rather than bundled: after a crash inside
// WebAssembly the engine evaluates the script again to get a fresh instance (src/core/parser.ts).
copyFileSync(require.resolve('web-tree-sitter'), join(outdir, 'web-tree-sitter.cjs'));

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const common = {
  define: { SITEWARDEN_VERSION: JSON.stringify(pkg.version) },
  // jsonc-parser's UMD build requires its parts dynamically, which a bundle cannot follow.
  alias: { 'jsonc-parser': './node_modules/jsonc-parser/lib/esm/main.js' },
  bundle: true,
  // Loaded at run time from dist/web-tree-sitter.cjs (see above); the package name is the fallback.
  external: ['web-tree-sitter'],
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  minify: !watch,
  logLevel: 'warning',
};
const entries = [
  { entryPoints: ['src/cli/main.ts'], outfile: join(outdir, 'cli.js'), banner: { js: '#!/usr/bin/env node' } },
  // Worker threads of workspace scans (CLI and extension), next to them in dist/.
  { entryPoints: ['src/workers/scan-worker.ts'], outfile: join(outdir, 'scan-worker.js') },
  // The dependency check, off the extension host thread (see src/workers/deps-worker.ts).
  { entryPoints: ['src/workers/deps-worker.ts'], outfile: join(outdir, 'deps-worker.js') },
];
if (existsSync('src/extension/extension.ts')) {
  entries.push({ entryPoints: ['src/extension/extension.ts'], outfile: join(outdir, 'extension.js'), external: ['vscode', 'web-tree-sitter'] });
}
await Promise.all(entries.map((e) => build({ ...common, ...e })));
chmodSync(join(outdir, 'cli.js'), 0o755);
