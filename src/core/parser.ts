import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as TreeSitter from 'web-tree-sitter';
import type { Language, Parser, Tree } from 'web-tree-sitter';
import { languageEntry, wasmModules } from './language-registry';
import type { LanguageId } from './types';

/** Where each .wasm file is in node_modules: the grammars come from the language registry. */
const PACKAGE_OF = wasmModules();
const RUNTIME_WASM = 'web-tree-sitter.wasm';

/**
 * Finds a .wasm file: next to the bundle (dist/wasm, what the .vsix and `npx sitewarden` use),
 * else in node_modules (tests run from out/ against the installed packages).
 */
export function locateWasm(name: string): string {
  const candidates = [path.join(__dirname, 'wasm', name), path.join(__dirname, '..', 'wasm', name)];
  for (const c of candidates) if (fs.existsSync(c)) return c;
  const spec = PACKAGE_OF[name];
  if (spec) return require.resolve(spec);
  throw new Error(`SiteWarden: cannot find ${name}`);
}

/** web-tree-sitter's CommonJS build: copied next to the bundles (dist/), else the installed one. */
function locateRuntimeScript(): string {
  for (const c of [path.join(__dirname, 'web-tree-sitter.cjs'), path.join(__dirname, '..', 'web-tree-sitter.cjs')]) {
    if (fs.existsSync(c)) return c;
  }
  return require.resolve('web-tree-sitter');
}

/**
 * The parser crashed inside WebAssembly on this text. Tree-sitter's 64 KB WebAssembly stack can
 * overflow on some malformed input (found by fuzzing: deep call nesting after runs of quotes);
 * the overflow writes over the module's static data, so that instance is never used again and
 * the next parse gets a fresh one. The file is reported as not analysed, with this message.
 */
export class ParserCrashError extends Error {
  constructor(lang: LanguageId, cause: unknown) {
    super(`tree-sitter (${lang}) crashed on this file (${(cause as Error)?.message ?? cause})`);
    this.name = 'ParserCrashError';
  }
}

// The compile target's lib has no WebAssembly types (the global is there in every Node): the
// few members used here.
interface WasmModule {
  readonly __wasmModule?: never;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  instantiate(module: WasmModule, imports: unknown): Promise<unknown>;
  RuntimeError: abstract new () => Error;
}
const Wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** A trap inside WebAssembly (out-of-bounds access, unreachable, table index), not a JS error. */
export function isWasmTrap(e: unknown): boolean {
  return e instanceof Wasm.RuntimeError;
}

/**
 * One instance of web-tree-sitter: its module (a fresh copy of the script, so a fresh
 * WebAssembly instance), the grammars loaded into it and a parser per grammar. Every tree,
 * node and query belongs to the instance that made it.
 */
interface Runtime {
  ts: typeof TreeSitter;
  /** Emscripten's module object: the options passed to `Parser.init`, filled in by it. */
  module: Record<string, unknown>;
  ready: Promise<void>;
  languages: Map<LanguageId, Promise<Language>>;
  loaded: Map<LanguageId, Language>;
  parsers: Map<LanguageId, Parser>;
}

let current: Runtime | undefined;
/** How many times a crashed instance was replaced (for tests and the output channel). */
let restarts = 0;

/** A compiled `.wasm` file (`WebAssembly.Module`): compiled once per process and shared with scan workers. */
export type CompiledWasm = WasmModule;

/**
 * The compiled `.wasm` files of this thread, by file name: the runtime and every grammar are
 * compiled once (on the thread that starts the workers) and handed to each worker, which
 * instantiates them without compiling. V8 compiles a module's functions lazily and shares that
 * code between every thread holding the same module, so a worker starts on code the first thread
 * already compiled and tiered up. A new instance after a crash reuses the module too.
 */
const compiled = new Map<string, CompiledWasm>();
/** `new WebAssembly.Module` calls on this thread (tests: the workers make none). */
let compiles = 0;

function compiledWasm(name: string): CompiledWasm {
  let m = compiled.get(name);
  if (!m) {
    m = new Wasm.Module(fs.readFileSync(locateWasm(name)));
    compiles++;
    compiled.set(name, m);
  }
  return m;
}

/** Every `.wasm` file the registry names, compiled (once), for the scan workers' setup. */
export function compiledWasmFiles(): Record<string, CompiledWasm> {
  return Object.fromEntries(Object.keys(PACKAGE_OF).map((name) => [name, compiledWasm(name)]));
}

/** A worker takes the modules its starter compiled; it then compiles nothing itself. */
export function adoptCompiledWasm(files: Record<string, CompiledWasm>): void {
  for (const [name, m] of Object.entries(files)) if (!compiled.has(name)) compiled.set(name, m);
}

/** How many `.wasm` files this thread compiled. */
export function wasmCompiles(): number {
  return compiles;
}

function startRuntime(): Runtime {
  const script = locateRuntimeScript();
  // A new evaluation of the script has its own module-level state, hence its own instance.
  delete require.cache[script];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts = require(script) as typeof TreeSitter;
  const runtimeWasm = compiledWasm(RUNTIME_WASM);
  let failed: (e: unknown) => void = () => undefined;
  const instantiateFailed = new Promise<never>((_resolve, reject) => (failed = reject));
  const module: Record<string, unknown> = {
    locateFile: (name: string) => locateWasm(name),
    // Emscripten's hook: an instance of the shared compiled module instead of compiling the file.
    instantiateWasm: (imports: unknown, receive: (instance: unknown, module: CompiledWasm) => void) => {
      Wasm.instantiate(runtimeWasm, imports).then((instance) => receive(instance, runtimeWasm), failed);
      return {};
    },
  };
  const rt: Runtime = {
    ts,
    module,
    ready: Promise.race([ts.Parser.init(module), instantiateFailed]),
    languages: new Map(),
    loaded: new Map(),
    parsers: new Map(),
  };
  // Awaited by ensureLanguages; a start begun from a synchronous path must not become an
  // unhandled rejection if nobody awaits it.
  rt.ready.catch(() => undefined);
  return rt;
}

function runtime(): Runtime {
  current ??= startRuntime();
  return current;
}

/**
 * Retires an instance after a trap. Its memory may be overwritten, so every export becomes a
 * no-op: trees and parsers of it that are still referenced (and their finalizers, which free
 * them when garbage-collected) then touch nothing instead of trapping again.
 */
function retire(rt: Runtime): void {
  if (current === rt) current = undefined;
  restarts++;
  for (const key of Object.keys(rt.module)) {
    if (key.startsWith('_') && typeof rt.module[key] === 'function') rt.module[key] = () => 0;
  }
}

export function runtimeRestarts(): number {
  return restarts;
}

/** The running instance's classes, for code that builds queries or edits. */
export function treeSitter(): typeof TreeSitter {
  return runtime().ts;
}

/** Loads grammars lazily, once each per instance; later calls are free. */
export async function ensureLanguages(langs: Iterable<LanguageId>): Promise<void> {
  const rt = runtime();
  await rt.ready;
  await Promise.all(
    [...new Set(langs)].map((lang) => {
      let p = rt.languages.get(lang);
      if (!p) {
        // An instance of the compiled grammar (loadSync takes a `WebAssembly.Module`).
        p = Promise.resolve().then(() => {
          const l = rt.ts.Language.loadSync(compiledWasm(languageEntry(lang).grammar.wasm) as unknown as Parameters<typeof rt.ts.Language.loadSync>[0]);
          rt.loaded.set(lang, l);
          return l;
        });
        rt.languages.set(lang, p);
      }
      return p;
    }),
  );
}

export function isLanguageLoaded(lang: LanguageId): boolean {
  return !!current?.loaded.has(lang);
}

/**
 * Parses synchronously; `ensureLanguages` must have resolved for `lang`. Passing the previous
 * tree (already `edit`ed) makes the parse incremental, which the editor uses on every keystroke.
 * A trap inside WebAssembly retires the instance and throws `ParserCrashError`; the caller's
 * next `ensureLanguages` starts a new one.
 */
export function parseSync(lang: LanguageId, text: string, oldTree?: Tree): Tree {
  const rt = current;
  const language = rt?.loaded.get(lang);
  if (!rt || !language) throw new Error(`SiteWarden: grammar for ${lang} is not loaded`);
  const tree = guardTraps(lang, () => {
    let parser = rt.parsers.get(lang);
    if (!parser) {
      parser = new rt.ts.Parser();
      parser.setLanguage(language);
      rt.parsers.set(lang, parser);
    }
    // A tree of a retired instance (an editor's document after a crash elsewhere) is not reused.
    return parser.parse(text, oldTree instanceof rt.ts.Tree ? oldTree : null);
  });
  if (!tree) throw new Error(`SiteWarden: parse of ${lang} text was cancelled`);
  return tree;
}

/**
 * Runs `f` (a parse, or reading a tree: a query or a node on a tree the parser built wrongly can
 * trap too) and turns a trap into `ParserCrashError`, retiring the instance it happened in.
 */
export function guardTraps<T>(lang: LanguageId, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (!isWasmTrap(e)) throw e;
    if (current) retire(current);
    throw new ParserCrashError(lang, e);
  }
}

export async function parse(lang: LanguageId, text: string): Promise<Tree> {
  await ensureLanguages([lang]);
  return parseSync(lang, text);
}

export type { Tree, Node } from 'web-tree-sitter';
