import type { Node } from 'web-tree-sitter';
import { captureNodes } from './query';
import type { Semantics, TaintInfo } from './semantics';

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
  if (target && checks.test(target.text)) return true;
  const steps = taint?.steps ?? [];
  for (const s of steps) if (checks.test(boundValue(s).text)) return true;
  for (const at of [sink, ...steps]) if (guardedAt(sem, at, checks)) return true;
  return false;
}

/** The expression a hop binds (the right side of its assignment), else the hop itself. */
function boundValue(step: Node): Node {
  const p = step.parent;
  if (!p) return step;
  const v = p.childForFieldName('right') ?? p.childForFieldName('value');
  return v && v.id !== step.id && (p.childForFieldName('left')?.id === step.id || p.childForFieldName('name')?.id === step.id) ? v : step;
}

function guardedAt(sem: Semantics, at: Node, checks: RegExp): boolean {
  const d = sem.dialect;
  let child = at;
  for (let n: Node | null = at.parent; n; child = n, n = n.parent) {
    const cond = conditionOf(n, child);
    if (cond && !(cond.startIndex <= at.startIndex && at.endIndex <= cond.endIndex) && mentionsCheck(sem, cond, checks)) return true;
    if (d.isBlock(n)) {
      for (const st of n.namedChildren) {
        if (!st || st.startIndex >= child.startIndex) break;
        if (guardStatement(sem, st, checks)) return true;
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

/** A statement that, before the sink, stops or rebinds the path when a check fails. */
function guardStatement(sem: Semantics, st: Node, checks: RegExp): boolean {
  switch (st.type) {
    case 'if_statement': {
      const cond = st.childForFieldName('condition');
      if (!cond || !mentionsCheck(sem, cond, checks)) return false;
      const branches = st.namedChildren.filter((c): c is Node => !!c && c.id !== cond.id);
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
      return !!body && body.namedChildren.some((c) => !!c && guardStatement(sem, c, checks));
    }
    default:
      return false;
  }
}
