import type { Node } from 'web-tree-sitter';
import { captureNodes } from './query';
import type { Binding, Semantics, TaintInfo } from './semantics';
import { SUMMARY_VERSION, type FunctionSummary, type ModuleSummary, type SummaryParam, type SummaryPosition, type SummaryStep } from './summary-types';

/**
 * How a taint question is asked (see `Semantics.taintIn`):
 * - `full`: what the rules ask. Request sources count, and a parameter is tainted when the
 *   dialect says so (a route's URL variable), when its default is, or when some call of its
 *   function in this file passes tainted data in its place: a sink inside a helper is reported
 *   AT THE SINK, the call site's argument and the parameter being hops of the path.
 * - `local`: as `full`, but no parameter is tainted by its callers: "does the return value
 *   carry a source read inside the function?", independent of who calls it.
 * - `param`: only the one parameter `param` (its identifier) is a source: "does data entering
 *   there reach this expression?". Call sites combine it with their own argument's taint.
 */
export type TaintMode = { readonly kind: 'full' } | { readonly kind: 'local' } | { readonly kind: 'param'; readonly param: Node };

export const FULL: TaintMode = Object.freeze({ kind: 'full' });
export const LOCAL: TaintMode = Object.freeze({ kind: 'local' });

/** One parameter of a function as a caller fills it. */
export interface ParamSlot {
  /** The parameter's whole node (`p`, `p=1`, `{a, b}`): a binding belongs to it when inside. */
  node: Node;
  /** The bound name (for keywords and listings). */
  name: string;
  /** Position among what callers pass (after `self` / `cls`); -1 when keyword-only or a splat. */
  index: number;
  keyword: boolean;
  /** The default value, when the parameter has one. */
  defaultValue?: Node;
}

/** A call's target: the local function, and how many leading parameters the call fills itself. */
interface Target {
  fn: Node;
  /** 1 for `self.helper(x)` on a Python method (self is bound), else 0. */
  bound: number;
}

const CALL_TYPES = ['call', 'call_expression'];
const RETURN_TYPES = ['return_statement', 'yield', 'yield_expression'];
const PY_PARAM_SKIP = new Set(['keyword_separator', 'positional_separator', 'comment']);

/**
 * Per-function summaries inside one file, computed lazily from the tree and applied at call
 * sites: which parameters reach a function's return value, whether the return carries a source
 * read inside it, and (through the `full` mode) which call sites feed each parameter. Local
 * functions (`def`, `function`, `const f = (...) =>`, `f = lambda`), methods reached as
 * `self.m(...)` / `this.m(...)` inside their class, closures (they read outer names through the
 * scope chain) and default arguments are covered. Each (expression, mode) is evaluated once per
 * file and a cycle (recursion, mutual recursion) is cut where it closes, so there is no fixpoint
 * iteration: the work is bounded by expressions × modes, and paths by MAX_DEPTH hops.
 */
export class FunctionSummaries {
  private calls?: Map<string, Node[]>;
  private readonly targetCache = new Map<number, Target | null>();
  private readonly slotCache = new Map<number, ParamSlot[]>();
  private readonly returnCache = new Map<number, Node[]>();
  private readonly callerTaint = new Map<number, TaintInfo | null>();

  constructor(private readonly sem: Semantics) {}

  /** The local function a call calls, if it is one this file defines. */
  target(call: Node): Target | undefined {
    let t = this.targetCache.get(call.id);
    if (t === undefined) this.targetCache.set(call.id, (t = this.findTarget(call) ?? null));
    return t ?? undefined;
  }

  private findTarget(call: Node): Target | undefined {
    const { sem } = this;
    const d = sem.dialect;
    const calleeNode = d.callee(call);
    if (!calleeNode) return undefined;
    const callee = d.unwrap(calleeNode);
    if (d.isIdentifier(callee)) {
      const b = sem.resolve(callee);
      const fn = b && functionValue(sem, b);
      return fn ? { fn, bound: 0 } : undefined;
    }
    if (!d.isMember(callee)) return undefined;
    const obj = d.memberObject(callee);
    const name = d.memberProperty(callee);
    if (!obj || !name || !/^(self|this)$/.test(d.unwrap(obj).text)) return undefined;
    const fn = methodOf(sem, call, name);
    if (!fn) return undefined;
    return { fn, bound: fn.type === 'function_definition' && !isStatic(fn) ? 1 : 0 };
  }

  /** The parameters of `fn`, as callers fill them. */
  slots(fn: Node): ParamSlot[] {
    let s = this.slotCache.get(fn.id);
    if (!s) this.slotCache.set(fn.id, (s = paramSlots(fn)));
    return s;
  }

  /** The slot a parameter binding belongs to. */
  slotOf(b: Binding): ParamSlot | undefined {
    if (!b.fn) return undefined;
    return this.slots(b.fn).find((s) => s.node.startIndex <= b.at.startIndex && b.at.endIndex <= s.node.endIndex);
  }

  /** What a call passes for `slot` of its target: positional (after the bound `self`) or keyword. */
  argumentFor(call: Node, target: Target, slot: ParamSlot): Node | undefined {
    const a = this.sem.args(call);
    if (slot.keyword && a.keywords.has(slot.name)) return a.keywords.get(slot.name);
    if (slot.index < 0) return undefined;
    const i = slot.index - target.bound;
    return i >= 0 ? a.positional[i] : undefined;
  }

  /** Calls in this file whose target is `fn`. */
  callSites(fn: Node): Node[] {
    const name = functionName(this.sem, fn);
    if (!name) return [];
    if (!this.calls) {
      this.calls = new Map();
      for (const c of captureNodes(this.sem.root, CALL_TYPES)) {
        const m = this.sem.methodName(c);
        if (!m) continue;
        let list = this.calls.get(m);
        if (!list) this.calls.set(m, (list = []));
        list.push(c);
      }
    }
    return (this.calls.get(name) ?? []).filter((c) => this.target(c)?.fn.id === fn.id);
  }

  /** The returned (or yielded) expressions of `fn`, not of functions nested in it; an arrow's expression body. */
  returns(fn: Node): Node[] {
    let r = this.returnCache.get(fn.id);
    if (r) return r;
    r = [];
    const body = fn.childForFieldName('body');
    if (body && (fn.type === 'arrow_function' || fn.type === 'lambda') && body.type !== 'statement_block') r.push(body);
    else if (body) {
      for (const n of captureNodes(body, RETURN_TYPES)) {
        if (this.sem.enclosingFunction(n)?.id !== fn.id) continue;
        const e = n.namedChildren.find((c) => c && c.type !== 'comment');
        if (e) r.push(e);
      }
    }
    this.returnCache.set(fn.id, r);
    return r;
  }

  /**
   * A parameter that is not a request parameter, in `full` or `local` mode: tainted by its default
   * value, or (full) by the argument some call in this file passes for it.
   */
  paramTaint(b: Binding, depth: number, mode: TaintMode): TaintInfo | null {
    if (mode.kind === 'param') return null;
    const slot = this.slotOf(b);
    if (!slot) return null;
    if (slot.defaultValue) {
      const t = this.sem.taintIn(slot.defaultValue, depth + 1, mode);
      if (t) return { source: t.source, steps: [...t.steps, b.at] };
    }
    if (mode.kind !== 'full' || !b.fn) return null;
    const cached = this.callerTaint.get(b.at.id);
    if (cached !== undefined) return cached;
    this.callerTaint.set(b.at.id, null); // recursion: a call of the function from inside itself
    let r: TaintInfo | null = null;
    for (const call of this.callSites(b.fn)) {
      const target = this.target(call)!;
      const arg = this.argumentFor(call, target, slot);
      const t = arg && this.sem.taintIn(arg, depth + 1, FULL);
      if (t) {
        r = { source: t.source, steps: [...t.steps, arg, b.at] };
        break;
      }
    }
    this.callerTaint.set(b.at.id, r);
    return r;
  }

  /**
   * The taint of a call's result when it calls a local function: a source read inside the
   * function and returned, or a tainted argument whose parameter reaches the return. Undefined
   * when the call is not to a local function (then the caller's default rule applies).
   */
  callTaint(call: Node, depth: number, mode: TaintMode): TaintInfo | null | undefined {
    const target = this.target(call);
    if (!target) return undefined;
    const { fn } = target;
    const rets = this.returns(fn);
    if (rets.length === 0) return null;
    // Inside the callee, the caller's question without the callee's own callers: a closure still
    // sees the caller's symbolic parameter, and a source inside still counts.
    const inner = mode.kind === 'full' ? LOCAL : mode;
    for (const r of rets) {
      const t = this.sem.taintIn(r, depth + 1, inner);
      if (t) return { source: t.source, steps: [...t.steps, returnOf(r)] };
    }
    for (const slot of this.slots(fn)) {
      const arg = this.argumentFor(call, target, slot);
      if (!arg) continue;
      const at = slotIdentifier(this.sem, slot);
      if (!at) continue;
      const a = this.sem.taintIn(arg, depth + 1, mode);
      if (!a) continue;
      const through = this.reachesReturn(fn, at, depth);
      if (through) return { source: a.source, steps: [...a.steps, arg, at, ...through] };
    }
    return null;
  }

  /** The hops from parameter `at` to a return of `fn` (the return last), or undefined when it does not reach one. */
  reachesReturn(fn: Node, at: Node, depth = 0): Node[] | undefined {
    const mode: TaintMode = { kind: 'param', param: at };
    for (const r of this.returns(fn)) {
      const t = this.sem.taintIn(r, depth + 1, mode);
      if (t) return [...t.steps, returnOf(r)];
    }
    return undefined;
  }

  /** Every function, method, arrow and lambda of the file, in document order. */
  functions(): Node[] {
    return this.sem.scopeNodes().filter((s) => this.sem.dialect.isFunction(s));
  }

  /**
   * The file's summary in its serialisable form (for the cross-file index). `sinks` is filled
   * from findings of a run whose parameters were probed as sources (see `Semantics` option
   * `probeParams`): each finding whose source is a parameter is that parameter reaching the
   * rule's sink.
   */
  moduleSummary(path: string, language: 'python' | 'javascript', probed: readonly ProbedFinding[] = []): ModuleSummary {
    const functions: FunctionSummary[] = [];
    for (const fn of this.functions()) {
      const params: SummaryParam[] = [];
      const returns: FunctionSummary['returns'] = [];
      const bound = fn.type === 'function_definition' && isMethod(fn) && !isStatic(fn) ? 1 : 0;
      for (const slot of this.slots(fn)) {
        if (slot.index >= 0 && slot.index < bound) continue;
        const index = slot.index >= 0 ? slot.index - bound : -1;
        const p: SummaryParam = { name: slot.name, index, keyword: slot.keyword };
        if (slot.defaultValue && this.sem.taintIn(slot.defaultValue, 0, LOCAL)) p.defaultTainted = true;
        params.push(p);
        const at = slotIdentifier(this.sem, slot);
        const through = at && this.reachesReturn(fn, at);
        if (through) returns.push({ param: index, steps: [at, ...through].map(step) });
      }
      const s: FunctionSummary = {
        name: qualifiedFunctionName(this.sem, fn) ?? '<anonymous>',
        kind: fn.type === 'lambda' ? 'lambda' : fn.type === 'arrow_function' ? 'arrow' : isMethod(fn) ? 'method' : 'function',
        at: position(fn.childForFieldName('name') ?? fn),
        params,
        returns,
        sinks: [],
      };
      const cls = isMethod(fn) ? classOf(fn) : undefined;
      const clsName = cls?.childForFieldName('name')?.text;
      if (clsName) s.className = clsName;
      for (const r of this.returns(fn)) {
        const t = this.sem.taintIn(r, 0, LOCAL);
        if (t) {
          s.returnsSource = { source: position(t.source), steps: [...t.steps, returnOf(r)].map(step) };
          break;
        }
      }
      for (const f of probed) {
        const slot = this.slots(fn).find((x) => x.node.startIndex <= f.source.startIndex && f.source.endIndex <= x.node.endIndex);
        if (!slot || slot.index < bound) continue;
        const index = slot.index >= 0 ? slot.index - bound : -1;
        s.sinks.push({ param: index, vulnClass: f.vulnClass, ruleId: f.ruleId, sink: position(f.sink), steps: [f.source, ...f.steps].map(step) });
      }
      functions.push(s);
    }
    return { version: SUMMARY_VERSION, language, path, functions };
  }
}

/** A finding of a probing run, as `moduleSummary` needs it. */
export interface ProbedFinding {
  ruleId: string;
  vulnClass: string;
  sink: Node;
  source: Node;
  steps: Node[];
}

function position(n: Node): SummaryPosition {
  return { line: n.startPosition.row, column: n.startPosition.column, endLine: n.endPosition.row, endColumn: n.endPosition.column };
}

function step(n: Node): SummaryStep {
  return { ...position(n), text: n.text.length > 80 ? `${n.text.slice(0, 80)}…` : n.text };
}

/** The return statement of a returned expression (the hop shown), or the expression itself (an arrow's body). */
function returnOf(expr: Node): Node {
  const p = expr.parent;
  return p && RETURN_TYPES.includes(p.type) ? p : expr;
}

/** The function a binding holds: a `def` / `function` declaration, or an assigned arrow, function expression or lambda. */
function functionValue(sem: Semantics, b: Binding): Node | undefined {
  if (!b.value) return undefined;
  if (b.kind !== 'function' && b.kind !== 'assign') return undefined;
  const v = sem.dialect.unwrap(b.value);
  return sem.dialect.isFunction(v) ? v : undefined;
}

/** The class that holds method `fn` directly (Python `class_definition`, JS `class_declaration` / `class`). */
function classOf(fn: Node): Node | undefined {
  let p = fn.parent;
  if (p?.type === 'decorated_definition') p = p.parent;
  if (p?.type === 'block' || p?.type === 'class_body') return p.parent ?? undefined;
  return undefined;
}

function isMethod(fn: Node): boolean {
  const c = classOf(fn);
  return !!c && (c.type === 'class_definition' || c.type === 'class_declaration' || c.type === 'class');
}

function isStatic(fn: Node): boolean {
  const p = fn.parent;
  return p?.type === 'decorated_definition' && p.namedChildren.some((d) => d?.type === 'decorator' && /^@\s*(staticmethod)\b/.test(d.text));
}

/** The method `name` of the class around `call` (the class of the method the call is in). */
function methodOf(sem: Semantics, call: Node, name: string): Node | undefined {
  for (let n: Node | null = call.parent; n; n = n.parent) {
    if (n.type !== 'class_definition' && n.type !== 'class_declaration' && n.type !== 'class') continue;
    const body = n.childForFieldName('body');
    for (const c of body?.namedChildren ?? []) {
      const def = c?.type === 'decorated_definition' ? c.childForFieldName('definition') : c;
      if (!def || (def.type !== 'function_definition' && def.type !== 'method_definition')) continue;
      if (def.childForFieldName('name')?.text === name) return def;
    }
    return undefined;
  }
  return undefined;
}

/** The name callers use for `fn`: its own name, or the name it is assigned to. */
function functionName(sem: Semantics, fn: Node): string | undefined {
  const own = fn.childForFieldName('name');
  if (own) return own.text;
  const p = fn.parent;
  if (!p) return undefined;
  if (p.type === 'variable_declarator') return p.childForFieldName('name')?.text;
  if (p.type === 'assignment' || p.type === 'assignment_expression') {
    const left = p.childForFieldName('left');
    return left && sem.dialect.isIdentifier(left) ? left.text : undefined;
  }
  return undefined;
}

function qualifiedFunctionName(sem: Semantics, fn: Node): string | undefined {
  const name = functionName(sem, fn);
  const cls = isMethod(fn) ? classOf(fn)?.childForFieldName('name')?.text : undefined;
  return name && cls ? `${cls}.${name}` : name;
}

/** The identifier a slot binds (the first, for a destructuring pattern). */
function slotIdentifier(sem: Semantics, slot: ParamSlot): Node | undefined {
  const inScope = sem.paramBindingsIn(slot.node);
  return inScope[0]?.at;
}

/** The parameters of a function in order, Python and JavaScript grammars. */
function paramSlots(fn: Node): ParamSlot[] {
  const list = fn.childForFieldName('parameters') ?? fn.childForFieldName('parameter');
  if (!list) return [];
  if (list.type === 'identifier') return [{ node: list, name: list.text, index: 0, keyword: false }];
  const python = fn.type === 'function_definition' || fn.type === 'lambda';
  const out: ParamSlot[] = [];
  let index = 0;
  let keywordOnly = false;
  for (const p of list.namedChildren) {
    if (!p || PY_PARAM_SKIP.has(p.type)) {
      if (p?.type === 'keyword_separator') keywordOnly = true;
      continue;
    }
    if (p.type === 'list_splat_pattern' || p.type === 'dictionary_splat_pattern' || p.type === 'rest_pattern') {
      keywordOnly = true;
      continue;
    }
    let name = p;
    let def: Node | undefined;
    if (p.type === 'default_parameter' || p.type === 'typed_default_parameter') {
      name = p.childForFieldName('name') ?? p;
      def = p.childForFieldName('value') ?? undefined;
    } else if (p.type === 'typed_parameter') name = p.namedChildren.find((c) => c?.type === 'identifier') ?? p;
    else if (p.type === 'assignment_pattern') {
      name = p.childForFieldName('left') ?? p;
      def = p.childForFieldName('right') ?? undefined;
    } else if (p.type === 'required_parameter' || p.type === 'optional_parameter') {
      name = p.childForFieldName('pattern') ?? p;
      def = p.childForFieldName('value') ?? undefined;
    }
    out.push({ node: p, name: name.text, index: keywordOnly ? -1 : index, keyword: python, defaultValue: def });
    if (!keywordOnly) index++;
  }
  return out;
}
