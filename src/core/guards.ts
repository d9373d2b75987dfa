import type { Node } from 'web-tree-sitter';
import { captureNodes } from './query';
import type { Semantics, TaintInfo } from './semantics';

const CALL_TYPES = ['call', 'call_expression'];

/** Statements that end or redirect the guarded path when the check fails. */
const EXITS = [
  'return_statement', 'raise_statement', 'throw_statement', 'continue_statement', 'break_statement',
  'assignment', 'augmented_assignment', 'assignment_expression', 'augmented_assignment_expression',
];

/**
 * The one policy for checks that make a flow safe (open redirect, path traversal, SSRF): a check
 * (a call or test the rule's `checks` pattern recognises: `is_safe_url`, `startswith('/')`,
 * `urlparse(...).netloc`, `path.basename`) counts only ON THE PATH it guards:
 * - in the value itself or a value it was bound to on the way (`p = os.path.realpath(...)`,
 *   `redirect(u if is_safe(u) else "/")`);
 * - in the condition of an `if` / `while` / ternary / `and` that the sink (or a hop of the path,
 *   such as the call of a helper) is inside: `if is_safe_url(u): redirect(u)` is safe in the
 *   branch only;
 * - in a statement before it in an enclosing block of the same function that stops or rebinds
 *   when the check fails (`if not is_safe_url(u): u = "/"`, `if (!ok) return res.sendStatus(400)`,
 *   `assert ...`, a bare validating call, a `try` whose body validates).
 * A check elsewhere in the function (after the sink, in another branch) no longer counts.
 */
export function isGuarded(sem: Semantics, sink: Node, checks: RegExp, taint?: TaintInfo, target?: Node): boolean {
  if (target && mentionsCheck(sem, target, checks)) return true;
  const steps = taint?.steps ?? [];
  // `return u if url_is_safe else ''` in a helper: the check is in a hop's own expression.
  for (const s of steps) if (mentionsCheck(sem, boundValue(s), checks)) return true;
  const points = [...steps, sink];
  const sinkCallee = sem.dialect.isCall(sink) ? sem.dialect.callee(sink)?.text : undefined;
  for (let i = 0; i < points.length; i++) if (guardedAt(sem, points[i], checks, sinkCallee, points[i + 1])) return true;
  return false;
}

/** The expression a hop binds (the right side of its assignment), else the hop itself. */
function boundValue(step: Node): Node {
  const p = step.parent;
  if (!p) return step;
  const v = p.childForFieldName('right') ?? p.childForFieldName('value');
  return v && v.id !== step.id && (p.childForFieldName('left')?.id === step.id || p.childForFieldName('name')?.id === step.id) ? v : step;
}

/**
 * A guard around `at`, or before it in an enclosing block; with `next` (the following hop, in the
 * same function), also a guard statement after `at` and before `next`: `u = request.GET["next"]`,
 * then `if not url_is_safe: u = "/"`, then `return u`.
 */
function guardedAt(sem: Semantics, at: Node, checks: RegExp, sinkCallee: string | undefined, next?: Node): boolean {
  const d = sem.dialect;
  const fn = sem.enclosingFunction(at);
  const until = next && sem.enclosingFunction(next)?.id === fn?.id && next.startIndex > at.endIndex ? next.startIndex : -1;
  let child = at;
  for (let n: Node | null = at.parent; n; child = n, n = n.parent) {
    const cond = conditionOf(n, child);
    if (cond && !(cond.startIndex <= at.startIndex && at.endIndex <= cond.endIndex) && mentionsCheck(sem, cond, checks)) return true;
    if (d.isBlock(n)) {
      for (const st of n.namedChildren) {
        if (!st || st.id === child.id) continue;
        const before = st.startIndex < child.startIndex;
        const between = st.startIndex >= child.endIndex && st.startIndex < until;
        if (!before && !between) continue;
        if (guardStatement(sem, st, checks, sinkCallee)) return true;
      }
    }
    if (d.isFunction(n)) break;
  }
  return false;
}

/** The condition that decides whether `child` of `n` runs. */
function conditionOf(n: Node, child: Node): Node | undefined {
  switch (n.type) {
    case 'if_statement':
    case 'elif_clause':
    case 'while_statement':
    case 'ternary_expression':
      return n.childForFieldName('condition') ?? undefined;
    case 'conditional_expression': // Python `a if cond else b`
      return n.namedChildren[1] ?? undefined;
    case 'boolean_operator': // `check(u) and go(u)`
    case 'binary_expression': {
      const op = n.childForFieldName('operator')?.type;
      if (op !== 'and' && op !== '&&') return undefined;
      const left = n.childForFieldName('left');
      return left && left.id !== child.id ? left : undefined;
    }
    default:
      return undefined;
  }
}

/** The condition calls a check, directly or through a name bound to one (`ok = is_safe(u)`, `if not ok`). */
function mentionsCheck(sem: Semantics, cond: Node, checks: RegExp): boolean {
  if (checks.test(cond.text)) return true;
  for (const id of captureNodes(cond, ['identifier'])) {
    const v = sem.valueOf(id);
    if (v && checks.test(v.text)) return true;
  }
  return false;
}

/**
 * A statement that, before the sink, stops or rebinds the path when a check fails. An `if` whose
 * branch makes the same call as the sink is the other form, `if is_safe(u): return redirect(u)`:
 * it guards its branch (see `conditionOf`), not what follows it.
 */
function guardStatement(sem: Semantics, st: Node, checks: RegExp, sinkCallee?: string): boolean {
  switch (st.type) {
    case 'if_statement': {
      const cond = st.childForFieldName('condition');
      if (!cond || !mentionsCheck(sem, cond, checks)) return false;
      const branches = st.namedChildren.filter((c): c is Node => !!c && c.id !== cond.id);
      if (sinkCallee && branches.some((b) => captureNodes(b, CALL_TYPES).some((c) => sem.dialect.callee(c)?.text === sinkCallee))) return false;
      return branches.some((b) => /\babort\s*\(/.test(b.text) || captureNodes(b, EXITS).length > 0);
    }
    case 'assert_statement':
      return checks.test(st.text);
    case 'expression_statement': {
      const e = sem.dialect.unwrap(st.namedChildren[0] ?? st);
      return sem.dialect.isCall(e) && checks.test(e.text);
    }
    case 'try_statement': {
      const body = st.childForFieldName('body') ?? st.namedChildren.find((c) => c && sem.dialect.isBlock(c));
      return !!body && body.namedChildren.some((c) => !!c && guardStatement(sem, c, checks, sinkCallee));
    }
    default:
      return false;
  }
}
