import type { Node } from 'web-tree-sitter';
import type { Semantics } from '../../core/semantics';

/** A key written in the code, as the JS secret rules see it. */
export interface KeyLiteral {
  /** The literal's text (its first element for a key list). */
  text: string;
  /** The literal node, reported once however many calls use it. */
  node: Node;
  /** `process.env.X || 'dev'`: only a fallback, used when the variable is unset. */
  fallback: boolean;
}

/** Wrappers that turn a literal into key material without changing what it is. */
const KEY_WRAPPERS = new Set(['Buffer.from', 'buffer.Buffer.from', 'crypto.createSecretKey', 'TextEncoder().encode', 'util.TextEncoder().encode', 'jose.base64url.decode']);

function plainString(sem: Semantics, n: Node): string | undefined {
  return n.type === 'string' || (n.type === 'template_string' && !n.namedChildren.some((c) => c?.type === 'template_substitution')) ? sem.stringValue(n) : undefined;
}

/**
 * The literal a key argument is, when it is one: a string, a name bound once to one, a literal
 * wrapped in `Buffer.from` / `new TextEncoder().encode` / `createSecretKey`, the first literal of a
 * key list (`keys: ['a', 'b']`), or the right side of `process.env.X || '...'` (a fallback).
 */
export function keyLiteral(sem: Semantics, node: Node | null | undefined, depth = 0): KeyLiteral | undefined {
  if (!node || depth > 4) return undefined;
  const n = sem.literalOf(node);
  const text = plainString(sem, n);
  if (text !== undefined) return { text, node: n, fallback: false };
  if (n.type === 'call_expression' && KEY_WRAPPERS.has(sem.calleeName(n) ?? '')) return keyLiteral(sem, sem.arg(n, 0), depth + 1);
  if (n.type === 'array') {
    const first = n.namedChildren[0];
    return first ? keyLiteral(sem, first, depth + 1) : undefined;
  }
  if (n.type === 'binary_expression' && /^(\|\||\?\?)$/.test(n.childForFieldName('operator')?.text ?? '')) {
    const left = n.childForFieldName('left');
    const right = keyLiteral(sem, n.childForFieldName('right'), depth + 1);
    // `a || 'x'` where `a` is itself a literal is folded by the first case; here `a` is read at run time.
    return right && left && !sem.isConstant(left) ? { ...right, fallback: true } : undefined;
  }
  return undefined;
}
