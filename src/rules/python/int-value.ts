import type { Node } from 'web-tree-sitter';
import type { Semantics } from '../../core/semantics';
import { lookup } from '../../core/lookup';

/** The `stat` module's permission bits, so `stat.S_IRWXU | stat.S_IROTH` folds like `0o704`. */
const STAT_BITS: Record<string, number> = {
  S_ISUID: 0o4000, S_ISGID: 0o2000, S_ISVTX: 0o1000,
  S_IRWXU: 0o700, S_IRUSR: 0o400, S_IWUSR: 0o200, S_IXUSR: 0o100, S_IREAD: 0o400, S_IWRITE: 0o200, S_IEXEC: 0o100,
  S_IRWXG: 0o070, S_IRGRP: 0o040, S_IWGRP: 0o020, S_IXGRP: 0o010,
  S_IRWXO: 0o007, S_IROTH: 0o004, S_IWOTH: 0o002, S_IXOTH: 0o001,
};

/** A Python integer literal's value (`0o755`, `0x1ff`, `1_024`, `511`), else undefined. */
export function parseIntLiteral(text: string): number | undefined {
  const t = text.replace(/_/g, '').toLowerCase();
  if (/^0o[0-7]+$/.test(t)) return parseInt(t.slice(2), 8);
  if (/^0x[0-9a-f]+$/.test(t)) return parseInt(t.slice(2), 16);
  if (/^0b[01]+$/.test(t)) return parseInt(t.slice(2), 2);
  if (/^0[0-7]+$/.test(t)) return parseInt(t.slice(1), 8); // Python 2 octal, still in old code
  if (/^\d+$/.test(t)) return Number(t);
  return undefined;
}

/**
 * Folds a constant integer expression: literals, `stat.S_I*` names, constant names and
 * `| & + - ^ << >> ~`. Anything else (a call, a parameter, a float) gives undefined.
 */
export function intValue(sem: Semantics, node: Node | null | undefined, depth = 0): number | undefined {
  if (!node || depth > 8) return undefined;
  const n = sem.dialect.unwrap(node);
  if (n.type === 'integer') return parseIntLiteral(n.text);
  if (n.type === 'attribute' || n.type === 'identifier') {
    const q = sem.qualifiedName(n);
    const m = q && /^stat\.(S_I\w+)$/.exec(q);
    const bits = lookup(STAT_BITS, m?.[1]);
    if (bits !== undefined) return bits;
    if (n.type === 'identifier') {
      const v = sem.valueOf(n);
      return v && sem.bindingsOf(n).length === 1 ? intValue(sem, v, depth + 1) : undefined;
    }
    return undefined;
  }
  if (n.type === 'unary_operator') {
    const v = intValue(sem, n.childForFieldName('argument'), depth + 1);
    const op = n.childForFieldName('operator')?.text;
    if (v === undefined) return undefined;
    return op === '~' ? ~v : op === '-' ? -v : op === '+' ? v : undefined;
  }
  if (n.type === 'binary_operator') {
    const l = intValue(sem, n.childForFieldName('left'), depth + 1);
    const r = intValue(sem, n.childForFieldName('right'), depth + 1);
    if (l === undefined || r === undefined) return undefined;
    switch (n.childForFieldName('operator')?.text) {
      case '|': return l | r;
      case '&': return l & r;
      case '^': return l ^ r;
      case '+': return l + r;
      case '-': return l - r;
      case '*': return l * r;
      case '<<': return l << r;
      case '>>': return l >> r;
      default: return undefined;
    }
  }
  return undefined;
}
