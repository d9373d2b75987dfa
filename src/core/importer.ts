import type { Node } from 'web-tree-sitter';
import { applyEdits } from './engine';
import type { ImportRequest, Importer } from './import-edit';
import { JavaScriptImporter } from './javascript/importer';
import { javascriptDialect } from './javascript/dialect';
import { parseSync } from './parser';
import { PythonImporter } from './python/importer';
import { pythonDialect } from './python/dialect';
import { Semantics } from './semantics';
import type { LanguageId } from './types';

export type { ImportRequest, ImportedName, Importer } from './import-edit';

/**
 * The one way fixes and generators add an import: the language's helper reuses an import the
 * file already has (under its alias) or adds one where the language allows it, and says which
 * name to write.
 */
export function importerFor(file: string, language: LanguageId, text: string, root: Node, sem: Semantics): Importer {
  return language === 'python' ? new PythonImporter(root, text, sem) : new JavaScriptImporter(file, root, text, sem);
}

/**
 * For generators, which edit whole texts: makes every request bound in `text`, one after the
 * other (each sees the imports added before it). Undefined when a name is taken by other code.
 * The grammar of `language` must be loaded (`ensureLanguages`).
 */
export function withImports(file: string, language: LanguageId, text: string, requests: readonly ImportRequest[]): { text: string; names: string[] } | undefined {
  const names: string[] = [];
  for (const req of requests) {
    const tree = parseSync(language, text);
    try {
      const sem = new Semantics(tree.rootNode, language === 'python' ? pythonDialect : javascriptDialect);
      const got = importerFor(file, language, text, tree.rootNode, sem).use(req);
      if (!got) return undefined;
      names.push(got.name);
      text = applyEdits(text, got.edits);
    } finally {
      tree.delete();
    }
  }
  return { text, names };
}
