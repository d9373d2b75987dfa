import type { Language, Node, Query, QueryOptions } from 'web-tree-sitter';
import { treeSitter } from './parser';

const cache = new WeakMap<Language, Map<string, Query>>();

/**
 * A compiled query matching every node of the given types, cached per language and type set.
 * Matching runs inside the WebAssembly module, which is much faster than walking the tree
 * from JavaScript; captures come back in document order.
 */
const byList = new WeakMap<object, { language: Language; query: Query }>();

export function nodeTypeQuery(language: Language, types: Iterable<string>): Query {
  // Callers that ask again with the same list (live re-checks, many times a second) skip the key.
  const known = byList.get(types as object);
  if (known && known.language === language) return known.query;
  const query = nodeTypeQueryUncached(language, types);
  if (typeof types === 'object') byList.set(types as object, { language, query });
  return query;
}

function nodeTypeQueryUncached(language: Language, types: Iterable<string>): Query {
  const known = [...new Set(types)].filter((t) => language.idForNodeType(t, true) !== null).sort();
  const key = known.join(' ');
  let perLang = cache.get(language);
  if (!perLang) cache.set(language, (perLang = new Map()));
  let q = perLang.get(key);
  if (!q) {
    q = new (treeSitter().Query)(language, known.length ? `[${known.map((t) => `(${t})`).join(' ')}] @n` : '(ERROR) @n');
    perLang.set(key, q);
  }
  return q;
}

export function captureNodes(root: Node, types: Iterable<string>, options?: QueryOptions): Node[] {
  return nodeTypeQuery(root.tree.language, types).captures(root, options).map((c) => c.node);
}
