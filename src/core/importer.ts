import type { Node } from 'web-tree-sitter';
import { applyEdits } from './engine';
import type { ImportRequest, Importer } from './import-edit';
import { JavaScriptImporter, usesEsm } from './javascript/importer';
import { parseSync } from './parser';
import { PythonImporter } from './python/importer';
import { Semantics } from './semantics';
import { dialectOf, ruleLanguageOf } from './languages';
import { perRuleSet } from './language-registry';
import type { LanguageId, TextEdit } from './types';

export type { ImportRequest, ImportedName, Importer } from './import-edit';

/** Import style for a JavaScript file that shows none (no import, no require): e.g. from package.json `type`. */
export interface ImporterOptions {
  esm?: boolean;
}

/**
 * The one way fixes and generators add an import: the language's helper reuses an import the
 * file already has (under its alias) or adds one where the language allows it, and says which
 * name to write.
 */
export function importerFor(file: string, language: LanguageId, text: string, root: Node, sem: Semantics, opts: ImporterOptions = {}): Importer {
  // An unknown language throws here (perRuleSet) instead of being given JavaScript's importer.
  const make = perRuleSet<() => Importer>(ruleLanguageOf(language), {
    python: () => new PythonImporter(root, text, sem),
    javascript: () => new JavaScriptImporter(file, root, text, sem, opts.esm),
  });
  return make();
}

export interface WithImports {
  text: string;
  /** The name to write for each request, in order. */
  names: string[];
  /** Where a position of the text before lies in the text after (the inserted lines shift it). */
  moved(offset: number): number;
}

/**
 * For generators, which edit whole texts: makes every request bound in `text`, one after the
 * other (each sees the imports added before it). Undefined when a name is taken by other code.
 * The grammar of `language` must be loaded (`ensureLanguages`).
 */
export function withImports(file: string, language: LanguageId, text: string, requests: readonly ImportRequest[], opts: ImporterOptions = {}): WithImports | undefined {
  const names: string[] = [];
  const inserted: TextEdit[] = [];
  for (const req of requests) {
    const tree = parseSync(language, text);
    try {
      const sem = new Semantics(tree.rootNode, dialectOf(language));
      const got = importerFor(file, language, text, tree.rootNode, sem, opts).use(req);
      if (!got) return undefined;
      names.push(got.name);
      inserted.push(...got.edits);
      text = applyEdits(text, got.edits);
    } finally {
      tree.delete();
    }
  }
  const moved = (offset: number) => inserted.reduce((off, e) => (e.start <= off ? off + e.newText.length - (e.end - e.start) : off), offset);
  return { text, names, moved };
}

/** Whether new imports in this JavaScript/TypeScript file are ES imports (else `require`). */
export function writesEsm(file: string, language: LanguageId, text: string, opts: ImporterOptions = {}): boolean {
  const tree = parseSync(language, text);
  try {
    return usesEsm(file, tree.rootNode, opts.esm);
  } finally {
    tree.delete();
  }
}
