import type { Node } from 'web-tree-sitter';
import type { RuleContext } from '../../core/rule';
import type { SqlPieces } from '../shared/sql-holes';

/**
 * A Python SQL text as literal pieces and holes (src/rules/shared/sql-holes.ts): f-string
 * replacement fields, `%` conversions, `.format()` fields, the non-literal operands of `+`, and
 * variables that hold one such text. Anything else is one hole.
 */
export function sqlTextPieces(ctx: RuleContext, q: Node): SqlPieces {
  const pieces: (string | null)[] = [];
  walk(ctx, q, 0, pieces);
  // Adjacent literal pieces read as one text.
  const merged: (string | null)[] = [];
  for (const p of pieces) {
    if (p !== null && typeof merged[merged.length - 1] === 'string') merged[merged.length - 1] += p;
    else merged.push(p);
  }
  return merged;
}

// printf-style conversions (`%s`, `%(name)s`, `%-10d`) are holes; `%%` is a percent sign.
const PERCENT = /%%|%(?:\([^)]*\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[a-zA-Z]/g;
// str.format fields (`{}`, `{0}`, `{name!r:>10}`) are holes; `{{`/`}}` are braces.
const FORMAT = /\{\{|\}\}|\{[^{}]*\}/g;

function splitTemplate(text: string, re: RegExp, literal: (m: string) => string | null, out: (string | null)[]): void {
  let last = 0;
  for (const m of text.matchAll(re)) {
    out.push(text.slice(last, m.index));
    out.push(literal(m[0]));
    last = m.index! + m[0].length;
  }
  out.push(text.slice(last));
}

function walk(ctx: RuleContext, e: Node, depth: number, out: (string | null)[]): void {
  const { sem } = ctx;
  const n = sem.dialect.unwrap(e);
  if (depth > 6) { out.push(null); return; }
  if (n.type === 'string') { stringPieces(n, out); return; }
  if (n.type === 'concatenated_string') { for (const c of n.namedChildren) if (c?.type === 'string') stringPieces(c, out); return; }
  if (n.type === 'binary_operator') {
    const op = n.childForFieldName('operator')?.type;
    const left = n.childForFieldName('left');
    const right = n.childForFieldName('right');
    if (op === '+' && left && right) { walk(ctx, left, depth + 1, out); walk(ctx, right, depth + 1, out); return; }
    const template = op === '%' && left ? sem.stringValue(left) : undefined;
    if (template !== undefined && right) {
      // A conversion filled by a number (`%s` % math.pi) is literal text: numbers cannot carry SQL.
      const r = sem.dialect.unwrap(right);
      const values = r.type === 'tuple' ? r.namedChildren.filter((c): c is Node => !!c) : [r];
      let k = 0;
      splitTemplate(template, PERCENT, (m) => {
        if (m === '%%') return '%';
        const v = m.startsWith('%(') ? undefined : values[k++];
        return v && isNumber(ctx, v) ? v.text : null;
      }, out);
      return;
    }
  }
  if (n.type === 'call' && sem.methodName(n) === 'format') {
    const fn = n.childForFieldName('function');
    const template = fn?.type === 'attribute' ? sem.stringValue(fn.childForFieldName('object')) : undefined;
    if (template !== undefined) { splitTemplate(template, FORMAT, (m) => (m === '{{' ? '{' : m === '}}' ? '}' : null), out); return; }
  }
  if (n.type === 'identifier') {
    const constant = sem.stringValue(n);
    if (constant !== undefined) { out.push(constant); return; }
    const values = sem.reachingValues(n).filter((x) => x.id !== n.id);
    if (values.length === 1 && !sem.dialect.isIdentifier(values[0])) { walk(ctx, values[0], depth + 1, out); return; }
  }
  out.push(null);
}

const NUMERIC_CONSTANTS = new Set(['math.pi', 'math.e', 'math.tau', 'math.inf']);

function isNumber(ctx: RuleContext, v: Node): boolean {
  const n = ctx.sem.dialect.unwrap(v);
  return n.type === 'integer' || n.type === 'float' || NUMERIC_CONSTANTS.has(ctx.sem.qualifiedName(n) ?? '');
}

/** A string literal's text with each f-string replacement field as a hole. */
function stringPieces(s: Node, out: (string | null)[]): void {
  for (const c of s.children) {
    if (!c || c.type === 'string_start' || c.type === 'string_end') continue;
    out.push(c.type === 'interpolation' ? null : c.text);
  }
}
