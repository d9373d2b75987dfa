import * as fs from 'node:fs';
import * as path from 'node:path';
import { Language, Parser, type Tree } from 'web-tree-sitter';
import type { LanguageId } from './types';

const GRAMMAR_FILE: Record<LanguageId, string> = {
  python: 'tree-sitter-python.wasm',
  javascript: 'tree-sitter-javascript.wasm',
  typescript: 'tree-sitter-typescript.wasm',
  tsx: 'tree-sitter-tsx.wasm',
};

const PACKAGE_OF: Record<string, string> = {
  'web-tree-sitter.wasm': 'web-tree-sitter/web-tree-sitter.wasm',
  'tree-sitter-python.wasm': 'tree-sitter-python/tree-sitter-python.wasm',
  'tree-sitter-javascript.wasm': 'tree-sitter-javascript/tree-sitter-javascript.wasm',
  'tree-sitter-typescript.wasm': 'tree-sitter-typescript/tree-sitter-typescript.wasm',
  'tree-sitter-tsx.wasm': 'tree-sitter-typescript/tree-sitter-tsx.wasm',
};

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

let initPromise: Promise<void> | undefined;
const languages = new Map<LanguageId, Promise<Language>>();
const loaded = new Map<LanguageId, Language>();
const parsers = new Map<LanguageId, Parser>();

function init(): Promise<void> {
  initPromise ??= Parser.init({ locateFile: (name: string) => locateWasm(name) });
  return initPromise;
}

/** Loads grammars lazily, once each; later calls are free. */
export async function ensureLanguages(langs: Iterable<LanguageId>): Promise<void> {
  await init();
  await Promise.all(
    [...new Set(langs)].map((lang) => {
      let p = languages.get(lang);
      if (!p) {
        p = Language.load(fs.readFileSync(locateWasm(GRAMMAR_FILE[lang]))).then((l) => {
          loaded.set(lang, l);
          return l;
        });
        languages.set(lang, p);
      }
      return p;
    }),
  );
}

export function isLanguageLoaded(lang: LanguageId): boolean {
  return loaded.has(lang);
}

/**
 * Parses synchronously; `ensureLanguages` must have resolved for `lang`. Passing the previous
 * tree (already `edit`ed) makes the parse incremental, which the editor uses on every keystroke.
 */
export function parseSync(lang: LanguageId, text: string, oldTree?: Tree): Tree {
  const language = loaded.get(lang);
  if (!language) throw new Error(`SiteWarden: grammar for ${lang} is not loaded`);
  let parser = parsers.get(lang);
  if (!parser) {
    parser = new Parser();
    parser.setLanguage(language);
    parsers.set(lang, parser);
  }
  const tree = parser.parse(text, oldTree ?? null);
  if (!tree) throw new Error(`SiteWarden: parse of ${lang} text was cancelled`);
  return tree;
}

export async function parse(lang: LanguageId, text: string): Promise<Tree> {
  await ensureLanguages([lang]);
  return parseSync(lang, text);
}

export type { Tree, Node } from 'web-tree-sitter';
