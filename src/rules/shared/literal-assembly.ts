import type { Node } from 'web-tree-sitter';
import type { Semantics } from '../../core/semantics';

/**
 * Whether text is assembled from literals only, whatever data decides how many times: a constant,
 * or concatenation / interpolation / `%` / `join` / `repeat` of constants and of placeholder lists
 * (`",".join(["%s"] * len(ids))`, `ids.map(() => '?').join(',')`). The values then travel as
 * query parameters, so the SQL rules of both languages treat such a query as not built from data.
 */
export function isLiteralAssembly(sem: Semantics, node: Node, depth = 0): boolean {
  if (depth > 8) return false;
  if (sem.isConstant(node)) return true;
  const d = sem.dialect;
  const n = d.unwrap(node);
  if (d.isIdentifier(n)) {
    const values = sem.reachingValues(n);
    return values.length > 0 && values.every((v) => v.id !== n.id && isLiteralAssembly(sem, v, depth + 1));
  }
  const next = (x: Node | null | undefined) => !!x && isLiteralAssembly(sem, x, depth + 1);
  const interp = d.interpolations(n);
  if (interp) return interp.every(next);
  const parts = d.concatParts(n);
  if (parts) return parts.every(next);
  const op = n.childForFieldName('operator')?.type;
  if (n.type === 'binary_operator' && op === '%') {
    const right = n.childForFieldName('right');
    return sem.isConstant(n.childForFieldName('left')) && !!right && (right.type === 'tuple' ? right.namedChildren.every(next) : next(right));
  }
  // `"?, " * len(ids)`: a constant string repeated.
  if (n.type === 'binary_operator' && op === '*') return [n.childForFieldName('left'), n.childForFieldName('right')].some((x) => !!x && sem.stringValue(x) !== undefined);
  if (n.type === 'subscript' || n.type === 'subscript_expression') return next(n.childForFieldName('value') ?? n.childForFieldName('object'));
  if (d.isCall(n)) {
    const m = sem.methodName(n);
    const recv = sem.receiver(n);
    if (m === 'join' && recv && sem.isConstant(recv)) return isRepeatedLiteral(sem, firstArgument(sem, n), depth + 1); // Python sep.join(items)
    if (m === 'join' && recv) return isRepeatedLiteral(sem, recv, depth + 1) && sem.args(n).positional.every((a) => sem.isConstant(a)); // JS items.join(sep)
    if ((m === 'repeat' || m === 'slice' || m === 'substring' || m === 'trim' || m === 'rstrip' || m === 'strip') && recv) return next(recv);
  }
  return false;
}

/** A list whose elements are constants, whatever its length. */
function isRepeatedLiteral(sem: Semantics, node: Node | undefined, depth: number): boolean {
  if (!node || depth > 8) return false;
  const d = sem.dialect;
  const n = d.unwrap(node);
  if (sem.isConstant(n)) return true;
  if (d.isIdentifier(n)) {
    const values = sem.reachingValues(n);
    return values.length > 0 && values.every((v) => v.id !== n.id && isRepeatedLiteral(sem, v, depth + 1));
  }
  const op = n.childForFieldName('operator')?.type;
  if (n.type === 'binary_operator' && op === '*') return [n.childForFieldName('left'), n.childForFieldName('right')].some((x) => !!x && x.type === 'list' && sem.isConstant(x));
  if (n.type === 'list_comprehension' || n.type === 'generator_expression' || n.type === 'set_comprehension') return sem.isConstant(n.childForFieldName('body'));
  if (!d.isCall(n) && !d.isNew(n)) return false;
  const m = sem.methodName(n);
  const name = sem.calleeName(n);
  const args = sem.args(n).positional;
  if (m === 'fill') return args.length > 0 && sem.isConstant(args[0]);
  if (m === 'map' || name === 'Array.from') return isConstantCallback(sem, args[m === 'map' ? 0 : 1]);
  if (m === 'slice' || m === 'concat') return !!sem.receiver(n) && isRepeatedLiteral(sem, sem.receiver(n), depth + 1) && (m === 'slice' || args.every((a) => sem.isConstant(a)));
  return false;
}

/** `() => '?'`, `(_, i) => '$' + (i + 1)`: the result depends on nothing but the element's index. */
function isConstantCallback(sem: Semantics, fn: Node | undefined): boolean {
  if (!fn || !sem.dialect.isFunction(fn)) return false;
  const body = fn.childForFieldName('body');
  if (!body || body.type === 'statement_block') return false;
  if (sem.isConstant(body)) return true;
  const params = fn.childForFieldName('parameters')?.namedChildren.filter((p): p is Node => !!p && p.type !== 'comment') ?? [];
  const index = params[1]?.text.replace(/[:=].*$/s, '').trim();
  if (!index) return false;
  return body.descendantsOfType('identifier').every((id) => !!id && id.text === index);
}

/** The first argument of a call, including Python's bare generator argument (`"".join(x for x in y)`). */
function firstArgument(sem: Semantics, call: Node): Node | undefined {
  const a = call.childForFieldName('arguments');
  if (a?.type === 'generator_expression') return a;
  return sem.args(call).positional[0];
}
