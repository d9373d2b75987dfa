import type { Node } from 'web-tree-sitter';
import type { Dialect } from './dialect';
import { captureNodes } from './query';
import { FULL, FunctionSummaries, type TaintMode } from './summaries';

/**
 * What a name is bound to at one point of the program. Built once per file by one walk;
 * rules query it through `Semantics`.
 */
export interface Binding {
  name: string;
  kind: 'assign' | 'param' | 'import' | 'function' | 'loop' | 'destructure';
  /** Where the binding happens (the identifier that is bound). */
  at: Node;
  /** The assigned expression, for assign / loop / destructure. */
  value?: Node;
  /** For destructuring `const { exec } = require(...)`: the property taken from `value`. */
  member?: string;
  /** For imports: the qualified name (`hashlib.md5`). */
  qualified?: string;
  /** For params: the function node the parameter belongs to. */
  fn?: Node;
}

export interface CallArgs {
  positional: Node[];
  keywords: Map<string, Node>;
  /** `*args` / `**kwargs` / spread present: absence of a keyword proves nothing. */
  hasSplat: boolean;
}

export interface TaintInfo {
  /** The expression where request data enters (e.g. `request.args`). */
  source: Node;
  /**
   * The hops from the source towards the expression asked about, in program order, source
   * excluded: each binding the data passed through (the bound identifier). Shown as the data-flow
   * path (SARIF codeFlows, related information, the CLI's "via" line).
   */
  steps: Node[];
}

const MAX_DEPTH = 24;

/**
 * `q += "..."` binds `q` to its old value joined with the right side; the old value is one of the
 * name's other bindings, so the name stays constant when every right side is (SQL assembled from
 * literals across statements is not built from data).
 */
function augmentedRight(b: Binding): Node | undefined {
  const v = b.value;
  if (!v || !/^augmented_assignment/.test(v.type) || b.at.parent?.id !== v.id) return undefined;
  return v.childForFieldName('right') ?? undefined;
}

/**
 * What the file alone cannot know, supplied by the workspace index (src/core/workspace-index.ts):
 * module summaries ask "does parameter i reach a sink?" by making parameters sources, and a call
 * to a function of another workspace file may return request data.
 */
export interface SemanticsHooks {
  /** Parameters that count as sources (besides the dialect's request parameters). */
  paramIsSource?(b: Binding): boolean;
  /** Taint a call's result carries from another file, when the file alone sees none. */
  callSource?(call: Node, sem: Semantics): TaintInfo | undefined;
}

/**
 * Name resolution, constant folding and light intra-procedural taint over one syntax tree.
 * Language differences live in the `Dialect`; the algorithms are shared.
 */
export class Semantics {
  private readonly scopes = new Map<number, Map<string, Binding[]>>();
  /** Binding lists not in document order (see `addBinding`). */
  private readonly unsorted = new Set<Binding[]>();
  private readonly scopeList: Node[] = [];
  private readonly scopeStart: number[] = [];
  private readonly scopeEnd: number[] = [];
  private readonly chainCache = new Map<number, Node[]>();
  private readonly taintCache = new Map<number, TaintInfo | null>();
  /** Taint asked in the other modes (summaries of local functions), one cache per mode. */
  private readonly modeCaches = new Map<string, Map<number, TaintInfo | null>>();
  private summariesOf?: FunctionSummaries;
  private readonly constCache = new Map<number, boolean>();
  private readonly reachingCache = new Map<number, Binding[]>();
  // Every rule asks the same questions about the same nodes: answer each once per file.
  private readonly nameCache = new Map<number, string | null>();
  private readonly resolveCache = new Map<number, Binding | null>();
  private readonly argsCache = new Map<number, CallArgs>();
  private readonly calleeCache = new Map<number, { calleeNode: Node | null; callee?: string | null; method: string | undefined; receiver: Node | undefined }>();

  /**
   * `captured`: nodes in document order that include every binding and scope node (the engine
   * passes what its one query captured); without it the semantics run their own query.
   */
  constructor(
    readonly root: Node,
    readonly dialect: Dialect,
    captured?: readonly Node[],
    /**
     * `probeParams`: a parameter no caller in the file taints counts as a source itself (the
     * finding's source is then the parameter). `hooks`: what the workspace index contributes
     * (exported functions' parameters as sources while summarising, sources in other files).
     */
    readonly options: { probeParams?: boolean; hooks?: SemanticsHooks } = {},
  ) {
    const nodes = captured ?? captureNodes(root, [...dialect.bindingTypes, ...dialect.scopeTypes]);
    const binding = new Set(dialect.bindingTypes);
    const scope = new Set(dialect.scopeTypes);
    // End offsets are read once: every `endIndex` read is a call into WebAssembly.
    const stack: { node: Node; start: number; end: number }[] = [];
    const add = (sc: Node, b: Binding) => this.addBinding(sc, b);
    for (const n of nodes) {
      const start = n.startIndex;
      let end = -1;
      while (stack.length) {
        const top = stack[stack.length - 1];
        if (top.start <= start && (end < 0 ? (end = n.endIndex) : end) <= top.end) break;
        stack.pop();
      }
      if (binding.has(n.type)) dialect.bind(n, stack[stack.length - 1]?.node ?? root, add);
      if (scope.has(n.type) && n.id !== stack[stack.length - 1]?.node.id) {
        if (end < 0) end = n.endIndex;
        stack.push({ node: n, start, end });
        this.scopeList.push(n);
        this.scopeStart.push(start);
        this.scopeEnd.push(end);
      }
    }
    if (!this.scopeList.some((s) => s.id === root.id)) {
      this.scopeList.unshift(root);
      this.scopeStart.unshift(root.startIndex);
      this.scopeEnd.unshift(root.endIndex);
    }
  }

  private addBinding(scope: Node, b: Binding): void {
    let names = this.scopes.get(scope.id);
    if (!names) this.scopes.set(scope.id, (names = new Map()));
    let list = names.get(b.name);
    if (!list) names.set(b.name, (list = []));
    // Bindings arrive in document order, so each list is sorted by position and `resolve` can
    // binary-search it; a dialect that binds out of order only costs that list the linear scan.
    if (list.length && list[list.length - 1].at.startIndex > b.at.startIndex) this.unsorted.add(list);
    list.push(b);
  }

  /** The last binding of `list` that starts before `offset`: binary search when `list` is in order. */
  private lastBefore(list: Binding[], offset: number, ident: Node): Binding | undefined {
    if (this.unsorted.has(list)) {
      let best: Binding | undefined;
      for (const b of list) if (b.at.startIndex < offset && b.at.id !== ident.id) best = b;
      return best;
    }
    // The first index whose binding does not start before `offset`; the one before it is the
    // answer (it cannot be `ident` itself, which starts at `offset`).
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (list[mid].at.startIndex < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 ? list[lo - 1] : undefined;
  }

  /** The scope nodes (module, classes, functions), in document order. */
  scopeNodes(): readonly Node[] {
    return this.scopeList;
  }

  /** The parameter bindings made inside `node` (a parameter, a destructuring pattern) of its function. */
  paramBindingsIn(node: Node): Binding[] {
    const fn = this.enclosingFunction(node);
    const names = fn && this.scopes.get(fn.id);
    if (!names) return [];
    const out: Binding[] = [];
    for (const list of names.values()) for (const b of list) if (b.kind === 'param' && node.startIndex <= b.at.startIndex && b.at.endIndex <= node.endIndex) out.push(b);
    return out.sort((a, b) => a.at.startIndex - b.at.startIndex);
  }

  /** Per-function summaries of this file (local helpers, methods, closures), applied at call sites. */
  get summaries(): FunctionSummaries {
    return (this.summariesOf ??= new FunctionSummaries(this));
  }

  /** Every binding made at module level (imports, top-level assignments and definitions). */
  moduleBindings(): Binding[] {
    return [...(this.scopes.get(this.root.id)?.values() ?? [])].flat();
  }

  /** The enclosing scope nodes of `node`, innermost first. */
  scopeChain(node: Node): Node[] {
    const cached = this.chainCache.get(node.id);
    if (cached) return cached;
    const start = node.startIndex;
    const end = node.endIndex;
    const hits: number[] = [];
    for (let i = 0; i < this.scopeList.length; i++) {
      if (this.scopeStart[i] <= start && end <= this.scopeEnd[i] && this.scopeList[i].id !== node.id) hits.push(i);
    }
    // Innermost first; scopes with the same extent (a file that is one `def`) are in document
    // order, outer first, so the later one is the inner one.
    hits.sort((a, b) => this.scopeStart[b] - this.scopeStart[a] || this.scopeEnd[a] - this.scopeEnd[b] || b - a);
    const chain = hits.map((i) => this.scopeList[i]);
    this.chainCache.set(node.id, chain);
    return chain;
  }

  /**
   * The binding that reaches `ident`: in its own function, the last one before the use; in an
   * enclosing scope, the last one anywhere (it has run by the time the inner function is called).
   */
  resolve(ident: Node): Binding | undefined {
    const cached = this.resolveCache.get(ident.id);
    if (cached !== undefined) return cached ?? undefined;
    const b = this.resolveUncached(ident);
    this.resolveCache.set(ident.id, b ?? null);
    return b;
  }

  private resolveUncached(ident: Node): Binding | undefined {
    const name = ident.text;
    const chain = this.scopeChain(ident);
    for (let i = 0; i < chain.length; i++) {
      const list = this.scopes.get(chain[i].id)?.get(name);
      if (!list || list.length === 0) continue;
      if (i === 0) {
        const best = this.lastBefore(list, ident.startIndex, ident);
        if (best) return best;
        // Used before any binding in this scope: a loop back-edge or a later def; take the first.
        const first = list.find((b) => b.at.id !== ident.id);
        if (first) return first;
        continue;
      }
      return list[list.length - 1];
    }
    return undefined;
  }

  /** All bindings of `ident`'s name in the scope that resolves it (for "every assignment is constant"). */
  bindingsOf(ident: Node): Binding[] {
    const name = ident.text;
    for (const scope of this.scopeChain(ident)) {
      const list = this.scopes.get(scope.id)?.get(name);
      if (list && list.length) return list;
    }
    return [];
  }

  /**
   * The bindings of `ident`'s name that can reach it on SOME path: the union over every join
   * (if/else, try/except, loops, `||`, ternaries). A binding is dropped only when a later one runs
   * on every path to the use: a statement of a block that contains the use, reached without passing
   * a condition. Bindings after the use reach it when a loop holds both (the back edge). In an
   * enclosing scope (a closure), every binding reaches.
   */
  reachingBindings(ident: Node): Binding[] {
    const cached = this.reachingCache.get(ident.id);
    if (cached) return cached;
    const r = this.reachingUncached(ident);
    this.reachingCache.set(ident.id, r);
    return r;
  }

  private reachingUncached(ident: Node): Binding[] {
    const chain = this.scopeChain(ident);
    for (let i = 0; i < chain.length; i++) {
      const list = (this.scopes.get(chain[i].id)?.get(ident.text) ?? []).filter((b) => b.at.id !== ident.id);
      if (list.length === 0) continue;
      if (i > 0) return list;
      const at = ident.startIndex;
      // `url = f(url)`: the right side runs before the name is bound, so that binding comes after
      // this use although its target is written first.
      const before = (b: Binding) => b.at.startIndex < at && !(b.value && b.value.startIndex <= at && ident.endIndex <= b.value.endIndex);
      let killer = -1;
      list.forEach((b, k) => {
        if (before(b) && this.runsOnEveryPathTo(b.at, ident)) killer = k;
      });
      return list.filter((b, k) => {
        if (k < killer) return false;
        if (before(b)) return true;
        return this.sharesLoop(b.at, ident, chain[0]);
      });
    }
    return [];
  }

  /** `def` runs before `use` on every path: its statement is in a block that holds the use, with no condition between. */
  private runsOnEveryPathTo(def: Node, use: Node): boolean {
    const d = this.dialect;
    for (let n: Node | null = def; n?.parent; n = n.parent) {
      const p: Node = n.parent;
      if (d.isFunction(p)) return false;
      if (d.isBlock(p)) return p.startIndex <= use.startIndex && use.endIndex <= p.endIndex;
      if (d.isBranch(p)) return false;
    }
    return false;
  }

  private sharesLoop(a: Node, b: Node, scope: Node): boolean {
    for (let n: Node | null = b.parent; n && n.id !== scope.id; n = n.parent) {
      if (this.dialect.isLoop(n) && n.startIndex <= a.startIndex && a.endIndex <= n.endIndex) return true;
    }
    return false;
  }

  /**
   * Every expression `node` can hold here, following names through their reaching bindings; a
   * name with a binding that has no expression (a parameter, an import, a loop variable) stands
   * for itself. For safety checks, which must hold on every path ("every value starts with '/'").
   */
  reachingValues(node: Node, depth = 0, seen = new Set<number>()): Node[] {
    const n = this.dialect.unwrap(node);
    if (!this.dialect.isIdentifier(n) || depth > 8 || seen.has(n.id)) return [n];
    seen.add(n.id);
    const bs = this.reachingBindings(n);
    if (bs.length === 0) return [n];
    const out: Node[] = [];
    for (const b of bs) {
      if (b.kind !== 'assign' || !b.value) out.push(n);
      else out.push(...this.reachingValues(b.value, depth + 1, seen));
    }
    return out;
  }

  /**
   * Qualified name of an expression: imports and aliases resolved (`h` → `hashlib.md5`), and
   * instances named by their constructor (`app = Flask()` makes `app.run` → `flask.Flask().run`).
   */
  qualifiedName(node: Node | null | undefined, depth = 0): string | undefined {
    if (!node || depth > MAX_DEPTH) return undefined;
    const cached = this.nameCache.get(node.id);
    if (cached !== undefined) return cached ?? undefined;
    const q = this.qualifiedNameUncached(node, depth);
    this.nameCache.set(node.id, q ?? null);
    return q;
  }

  private qualifiedNameUncached(node: Node, depth: number): string | undefined {
    const d = this.dialect;
    node = d.unwrap(node);
    if (d.isIdentifier(node)) {
      const b = this.resolve(node);
      if (!b) return d.globalName(node.text);
      switch (b.kind) {
        case 'import':
          return b.qualified;
        case 'assign': {
          if (!b.value) return undefined;
          const v = d.unwrap(b.value);
          const required = this.moduleOfRequire(v);
          if (required) return required;
          if (d.isCall(v) || d.isNew(v)) {
            const callee = this.calleeName(v, depth + 1);
            return callee ? `${callee}()` : undefined;
          }
          if (d.isIdentifier(v) || d.isMember(v)) return this.qualifiedName(v, depth + 1);
          return undefined;
        }
        case 'destructure': {
          const base = b.value ? this.qualifiedName(b.value, depth + 1) ?? this.moduleOfRequire(b.value) : undefined;
          return base && b.member ? `${base}.${b.member}` : undefined;
        }
        default:
          return undefined;
      }
    }
    if (d.isMember(node)) {
      const obj = d.memberObject(node);
      const prop = d.memberProperty(node);
      if (!obj || prop === undefined) return undefined;
      const base = this.qualifiedName(obj, depth + 1);
      return base ? `${base}.${prop}` : undefined;
    }
    if (d.isCall(node) || d.isNew(node)) {
      const mod = this.moduleOfRequire(node);
      if (mod) return mod;
      const callee = this.calleeName(node, depth + 1);
      return callee ? `${callee}()` : undefined;
    }
    return undefined;
  }

  private moduleOfRequire(node: Node): string | undefined {
    return this.dialect.requiredModule?.(node, (n) => this.stringValue(n));
  }

  private callInfo(call: Node) {
    let info = this.calleeCache.get(call.id);
    if (info) return info;
    const callee = this.dialect.callee(call);
    const c = callee ? this.dialect.unwrap(callee) : undefined;
    let method: string | undefined;
    let receiver: Node | undefined;
    if (c && this.dialect.isMember(c)) {
      method = this.dialect.memberProperty(c);
      receiver = this.dialect.memberObject(c) ?? undefined;
    } else if (c && this.dialect.isIdentifier(c)) method = c.text;
    // The qualified name needs name resolution: computed only when a rule asks for it.
    info = { calleeNode: callee, method, receiver };
    this.calleeCache.set(call.id, info);
    return info;
  }

  /** Qualified name of what a call calls (`subprocess.run`, `child_process.exec`, `eval`). */
  calleeName(call: Node, depth = 0): string | undefined {
    if (depth > 0) return this.qualifiedName(this.dialect.callee(call), depth);
    const info = this.callInfo(call);
    if (info.callee === undefined) info.callee = this.qualifiedName(info.calleeNode) ?? null;
    return info.callee ?? undefined;
  }

  /** The last segment of the callee: `execute` for `cur.execute(...)`, whatever `cur` is. */
  methodName(call: Node): string | undefined {
    return this.callInfo(call).method;
  }

  receiver(call: Node): Node | undefined {
    return this.callInfo(call).receiver;
  }

  args(call: Node): CallArgs {
    let a = this.argsCache.get(call.id);
    if (!a) this.argsCache.set(call.id, (a = this.dialect.callArgs(call)));
    return a;
  }

  /** The argument at `index`, or the keyword `name` (Python), whichever is given. */
  arg(call: Node, index: number, name?: string): Node | undefined {
    const a = this.args(call);
    if (name && a.keywords.has(name)) return a.keywords.get(name);
    return a.positional[index];
  }

  /** The value an identifier holds at this point, when it is a plain assignment. */
  valueOf(node: Node): Node | undefined {
    const n = this.dialect.unwrap(node);
    if (!this.dialect.isIdentifier(n)) return undefined;
    const b = this.resolve(n);
    return b && b.kind === 'assign' ? b.value : undefined;
  }

  /** Follows identifiers to their assigned expression (a few steps), else returns the node itself. */
  deref(node: Node): Node {
    let n = this.dialect.unwrap(node);
    for (let i = 0; i < 8; i++) {
      const v = this.valueOf(n);
      if (!v) break;
      n = this.dialect.unwrap(v);
    }
    return n;
  }

  /**
   * The expression a name is bound to when it is bound once in its scope (a module- or
   * function-level `const options = { ... }`, a Python `OPTS = [...]`), followed a few steps;
   * otherwise the node itself. For rules that read options written away from the call.
   */
  literalOf(node: Node): Node {
    let n = this.dialect.unwrap(node);
    for (let i = 0; i < 8 && this.dialect.isIdentifier(n); i++) {
      const bs = this.bindingsOf(n);
      if (bs.length !== 1 || bs[0].kind !== 'assign' || !bs[0].value) break;
      n = this.dialect.unwrap(bs[0].value);
    }
    return n;
  }

  /** Constant string value, folding literals, concatenation and constant names. */
  stringValue(node: Node | null | undefined, depth = 0): string | undefined {
    if (!node || depth > MAX_DEPTH) return undefined;
    const d = this.dialect;
    node = d.unwrap(node);
    const lit = d.literalString(node);
    if (lit !== undefined) return lit;
    if (d.isIdentifier(node)) {
      const b = this.resolve(node);
      if (b?.kind === 'assign' && b.value && this.bindingsOf(node).length === 1) return this.stringValue(b.value, depth + 1);
      return undefined;
    }
    const parts = d.concatParts(node);
    if (parts) {
      let s = '';
      for (const p of parts) {
        const v = this.stringValue(p, depth + 1);
        if (v === undefined) return undefined;
        s += v;
      }
      return s;
    }
    return undefined;
  }

  /**
   * True when the expression's value cannot depend on input: literals, and names, containers and
   * string building made only of constants.
   */
  isConstant(node: Node | null | undefined, depth = 0): boolean {
    if (!node) return true;
    if (depth > MAX_DEPTH) return false;
    const cached = this.constCache.get(node.id);
    if (cached !== undefined) return cached;
    this.constCache.set(node.id, false); // cycles are not constant
    const r = this.computeConstant(node, depth);
    this.constCache.set(node.id, r);
    return r;
  }

  private computeConstant(node: Node, depth: number): boolean {
    const d = this.dialect;
    node = d.unwrap(node);
    if (d.isLiteral(node)) return true;
    if (d.isIdentifier(node)) {
      if (d.isConstantGlobal(node.text)) return true;
      const bs = this.bindingsOf(node);
      if (bs.length === 0) return false;
      return bs.every((b) => b.kind === 'assign' && b.value !== undefined && this.isConstant(augmentedRight(b) ?? b.value, depth + 1));
    }
    const interp = d.interpolations(node);
    if (interp) return interp.every((e) => this.isConstant(e, depth + 1));
    if (d.isCall(node)) {
      // '...'.format(consts), '%s' % consts, ' '.join([consts]) and str(const) stay constant.
      const m = this.methodName(node);
      const recv = this.receiver(node);
      const pure = m !== undefined && d.propagators.has(m) && recv;
      const callee = this.calleeName(node);
      if (pure || callee === 'str' || callee === 'String' || callee === 'int') {
        const a = this.args(node);
        return (!recv || this.isConstant(recv, depth + 1)) && [...a.positional, ...a.keywords.values()].every((x) => this.isConstant(x, depth + 1)) && !a.hasSplat;
      }
      return false;
    }
    const kids = d.compositeChildren(node);
    if (kids) return kids.every((k) => this.isConstant(k, depth + 1));
    return false;
  }

  /**
   * String built at run time from parts that are not all constant: f-strings and template literals
   * with substitutions, `%` / `+` / `.format()` / `.join()` involving a string.
   */
  isBuiltString(node: Node | null | undefined): boolean {
    if (!node) return false;
    const n = this.dialect.unwrap(node);
    return this.dialect.isStringBuilding(n, (x) => this.methodName(x), (x) => this.receiver(x)) && !this.isConstant(n);
  }

  /** Like isBuiltString, but also follows a variable to the string it was built into. */
  isBuiltStringDeep(node: Node | null | undefined): boolean {
    if (!node) return false;
    if (this.isBuiltString(node)) return true;
    const n = this.dialect.unwrap(node);
    if (this.dialect.isIdentifier(n)) {
      for (const b of this.bindingsOf(n)) {
        if (b.kind === 'assign' && b.value && this.isBuiltString(b.value)) return true;
      }
      // `q = "..."; q += user` builds the string across statements.
      if (this.dialect.hasAugmentedConcat?.(n, this.bindingsOf(n)) && !this.isConstant(n)) return true;
    }
    return false;
  }

  /** Where request data (Flask/Django request, Express req, DOM location) reaches this expression. */
  taint(node: Node | null | undefined): TaintInfo | undefined {
    if (!node) return undefined;
    return this.taintOf(node, 0) ?? undefined;
  }

  isTainted(node: Node | null | undefined): boolean {
    return this.taint(node) !== undefined;
  }

  /**
   * Taint asked in one of the modes of src/core/summaries.ts (the rules ask `full`); for the
   * summaries, which evaluate a function's returns with one parameter as the source.
   */
  taintIn(node: Node, depth: number, mode: TaintMode): TaintInfo | null {
    return this.taintOf(node, depth, mode);
  }

  private taintOf(node: Node, depth: number, mode: TaintMode = FULL): TaintInfo | null {
    if (depth > MAX_DEPTH) return null;
    const cache = mode === FULL ? this.taintCache : this.modeCache(mode);
    const cached = cache.get(node.id);
    if (cached !== undefined) return cached;
    cache.set(node.id, null); // breaks cycles such as x = x + y, and recursion
    const r = this.computeTaint(node, depth, mode);
    cache.set(node.id, r);
    return r;
  }

  private modeCache(mode: TaintMode): Map<number, TaintInfo | null> {
    // A parameter mode is keyed by its parameter node's id, so equal questions share answers.
    const key = mode.kind === 'param' ? `p${mode.param.id}` : mode.kind;
    let c = this.modeCaches.get(key);
    if (!c) this.modeCaches.set(key, (c = new Map()));
    return c;
  }

  /** A parameter's taint: the dialect's request parameters, then what the summaries know (defaults, callers). */
  private paramTaint(b: Binding, depth: number, mode: TaintMode): TaintInfo | null {
    if (mode.kind === 'param') return b.at.id === mode.param.id ? { source: b.at, steps: [] } : null;
    if (this.dialect.isTaintedParam(b, this)) return { source: b.at, steps: [] };
    // The workspace index summarising an exported function: its parameters are the sources.
    if (mode.kind === 'full' && this.options.hooks?.paramIsSource?.(b)) return { source: b.at, steps: [] };
    const t = this.summaries.paramTaint(b, depth, mode);
    if (t || !this.options.probeParams || mode.kind !== 'full') return t;
    return { source: b.at, steps: [] };
  }

  private computeTaint(node: Node, depth: number, mode: TaintMode): TaintInfo | null {
    const d = this.dialect;
    node = d.unwrap(node);
    if (d.isLiteral(node)) return null;
    // With one parameter as the only source, request data read elsewhere does not count.
    if (mode.kind !== 'param' && d.isTaintSource(node, this)) return { source: node, steps: [] };
    if (d.isIdentifier(node)) {
      const b = this.resolve(node);
      if (!b) return null;
      if (b.kind === 'param') return this.paramTaint(b, depth, mode);
      // The union over paths: every binding that reaches here through branches and loops; one
      // that runs on every path before the use (`name = escape(name)`) hides the earlier ones.
      for (const cand of this.reachingBindings(node)) {
        if (cand.kind === 'param') {
          const t = this.paramTaint(cand, depth, mode);
          if (t) return t;
          continue;
        }
        if (!cand.value) continue;
        const t = this.taintOf(cand.value, depth + 1, mode);
        if (t) return { source: t.source, steps: [...t.steps, cand.at] };
      }
      return null;
    }
    if (d.isCall(node) || d.isNew(node)) {
      const name = this.calleeName(node);
      if (name && d.isSanitizer(name, this.methodName(node))) return null;
      // A local function: what its summary says reaches its return value.
      const viaSummary = this.summaries.callTaint(node, depth, mode);
      if (viaSummary !== undefined) return viaSummary;
      const recv = this.receiver(node);
      if (recv) {
        const t = this.taintOf(recv, depth + 1, mode);
        if (t) return t;
      }
      const a = this.args(node);
      for (const x of [...a.positional, ...a.keywords.values()]) {
        const t = this.taintOf(x, depth + 1, mode);
        if (t) return t;
      }
      return mode.kind !== 'param' ? this.options.hooks?.callSource?.(node, this) ?? null : null;
    }
    if (d.isMember(node)) {
      const obj = d.memberObject(node);
      const t = obj ? this.taintOf(obj, depth + 1, mode) : null;
      // What the server chose about the request's data (multer's `req.file.path` on its own disk).
      if (t && d.serverChosenMember?.(d.memberProperty(node), t.source)) return null;
      return t;
    }
    for (const k of d.taintChildren(node)) {
      const t = this.taintOf(k, depth + 1, mode);
      if (t) return t;
    }
    return null;
  }

  /** The function (def / function / arrow / method) that contains `node`, if any. */
  enclosingFunction(node: Node): Node | undefined {
    for (let n: Node | null = node.parent; n; n = n.parent) if (this.dialect.isFunction(n)) return n;
    return undefined;
  }
}
