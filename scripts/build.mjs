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

// The grammars are the language registry's (src/core/language-registry.ts): bundled and evaluated
// here so the list exists once. It is our own source, not workspace code.
async function registryWasmModules() {
  const out = await build({ entryPoints: ['src/core/language-registry.ts'], bundle: true, write: false, platform: 'node', format: 'cjs', logLevel: 'warning' });
  const module = { exports: {} };
  new Function('module', 'exports', 'require', out.outputFiles[0].text)(module, module.exports, require);
  return module.exports.wasmModules();
}
const wasm = await registryWasmModules();
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
