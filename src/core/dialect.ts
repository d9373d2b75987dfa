import type { Node } from 'web-tree-sitter';
import type { Binding, CallArgs, Semantics } from './semantics';
import { SANITISER_CALLEES } from './models';

/** The language-specific half of `Semantics`: node kinds, imports, sources and sanitizers. */
export interface Dialect {
  /** Node types that bind names (imports, assignments, defs, loops) and that open scopes. */
  readonly bindingTypes: readonly string[];
  readonly scopeTypes: readonly string[];
  /** Records the bindings one node makes; `scope` is the innermost scope enclosing the node. */
  bind(n: Node, scope: Node, add: (scope: Node, b: Binding) => void): void;
  isScope(n: Node): boolean;
  isFunction(n: Node): boolean;
  /** Strips parentheses, `await`, TS `as` / `!` and similar wrappers. */
  unwrap(n: Node): Node;
  isIdentifier(n: Node): boolean;
  isMember(n: Node): boolean;
  memberObject(n: Node): Node | null;
  memberProperty(n: Node): string | undefined;
  isCall(n: Node): boolean;
  isNew(n: Node): boolean;
  callee(call: Node): Node | null;
  callArgs(call: Node): CallArgs;
  /** Name of a global when nothing binds it (`eval`, `open`, `document`). */
  globalName(name: string): string;
  isConstantGlobal(name: string): boolean;
  isLiteral(n: Node): boolean;
  /** Content of a plain string literal (no interpolation), else undefined. */
  literalString(n: Node): string | undefined;
  /** Operands of string concatenation (`a + b`, implicit concatenation), else undefined. */
  concatParts(n: Node): Node[] | undefined;
  /** Interpolated expressions of an f-string / template literal, else undefined. */
  interpolations(n: Node): Node[] | undefined;
  /** Children whose constancy decides the node's (containers, operators), else undefined. */
  compositeChildren(n: Node): Node[] | undefined;
  /** Children through which taint flows (operators, containers, strings, conditionals). */
  taintChildren(n: Node): Node[];
  isStringBuilding(n: Node, methodName: (c: Node) => string | undefined, receiver: (c: Node) => Node | undefined): boolean;
  hasAugmentedConcat?(ident: Node, bindings: Binding[]): boolean;
  isTaintSource(n: Node, sem: Semantics): boolean;
  /**
   * A property of request data that the server chose rather than the client (an upload's path on
   * the server's disk): reading it is not reading client data. `source` is the taint's source.
   */
  serverChosenMember?(property: string | undefined, source: unknown): boolean;
  isTaintedParam(b: Binding, sem: Semantics): boolean;
  isSanitizer(qualifiedCallee: string, method: string | undefined): boolean;
  /** A statement list: what runs in it runs in order (`block`, `statement_block`, the module). */
  isBlock(n: Node): boolean;
  /** A node whose children run on some paths only (if, loops, try/except, ternary, `&&`/`or`). */
  isBranch(n: Node): boolean;
  isLoop(n: Node): boolean;
  /** Methods (from the propagator models) whose result is constant when receiver and arguments are. */
  propagators: ReadonlySet<string>;
  /** JS: `require('x')` → `x`. */
  requiredModule?(n: Node, str: (n: Node) => string | undefined): string | undefined;
}

/** Calls whose result no longer carries attacker-controlled text, in either language. */
export function looksLikeSanitizer(name: string): boolean {
  const last = name.slice(name.lastIndexOf('.') + 1).toLowerCase();
  return /^(escape|escapehtml|escape_html|sanitize|sanitize_?\w*|clean|quote|quote_plus|urlencode|secure_filename|basename|encodeuricomponent|encodeuri|parseint|parsefloat|number|boolean|int|float|bool|len|abs|uuid|hash|hexdigest|digest|compare_digest|literal_eval|validate\w*|is_?\w+|has_?\w+)$/.test(last);
}

/** Named children that are not comments: what every structural question of the dialects reads. */
export function codeChildren(n: Node): Node[] {
  return n.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
}

/** The children in the named fields that exist, in the order given. */
export function fieldChildren(n: Node, ...fields: string[]): Node[] {
  return fields.map((f) => n.childForFieldName(f)).filter((c): c is Node => !!c);
}

/** Operands of `a + b` when `n` is the grammar's binary-operator node with `+`, else undefined. */
export function plusOperands(n: Node, binaryType: string): Node[] | undefined {
  if (n.type !== binaryType || n.childForFieldName('operator')?.type !== '+') return undefined;
  const parts = fieldChildren(n, 'left', 'right');
  return parts.length === 2 ? parts : undefined;
}

/**
 * The node-type tables of a grammar from which the members both dialects share are built: the
 * two languages differ in the names of their nodes, not in how scopes, wrappers, literals,
 * composites, interpolation and taint flow are read.
 */
export interface DialectTables {
  readonly scopes: ReadonlySet<string>;
  readonly functions: ReadonlySet<string>;
  /** Nodes that only wrap one expression (parentheses, `await`, TS `as`). */
  readonly wrappers: ReadonlySet<string>;
  /** Literals other than strings (numbers, booleans, null). */
  readonly literals: ReadonlySet<string>;
  /** Nodes whose constancy is their children's. */
  readonly composites: ReadonlySet<string>;
  /** Nodes through which taint flows from their children. */
  readonly taintFlow: ReadonlySet<string>;
  /** Composite or taint nodes of which only some fields count (`pair` → its value). */
  readonly onlyFields: Readonly<Record<string, readonly string[]>>;
  /** Taint nodes of which only some children carry taint (a subscript's object, a conditional's branches). */
  readonly taintParts: Readonly<Record<string, (n: Node) => Node[]>>;
  /** The interpolating string node (f-string, template literal), its part node, and a part's expression. */
  readonly interpolation: { readonly string: string; readonly part: string; readonly expression: (part: Node) => Node | null | undefined };
  /** Content of a plain string literal (no interpolation), else undefined. */
  readonly literalString: (n: Node) => string | undefined;
}

export type SharedDialectMembers = Pick<
  Dialect,
  'scopeTypes' | 'isScope' | 'isFunction' | 'unwrap' | 'isLiteral' | 'literalString' | 'interpolations' | 'compositeChildren' | 'taintChildren' | 'isSanitizer'
>;

/** The members both dialects have in common, from their grammar's tables. */
export function sharedDialectMembers(t: DialectTables): SharedDialectMembers {
  return {
    scopeTypes: [...t.scopes],
    isScope: (n) => t.scopes.has(n.type),
    isFunction: (n) => t.functions.has(n.type),
    unwrap(n) {
      while (t.wrappers.has(n.type)) {
        const inner = n.namedChildren.find((c) => c && c.type !== 'comment');
        if (!inner) break;
        n = inner;
      }
      return n;
    },
    isLiteral: (n) => t.literals.has(n.type) || t.literalString(n) !== undefined,
    literalString: t.literalString,
    interpolations(n) {
      if (n.type !== t.interpolation.string) return undefined;
      const out: Node[] = [];
      for (const c of n.namedChildren) {
        if (c?.type !== t.interpolation.part) continue;
        const e = t.interpolation.expression(c);
        if (e) out.push(e);
      }
      return out;
    },
    compositeChildren(n) {
      if (!t.composites.has(n.type)) return undefined;
      const only = t.onlyFields[n.type];
      return only ? fieldChildren(n, ...only) : codeChildren(n);
    },
    taintChildren(n) {
      if (!t.taintFlow.has(n.type)) return [];
      const part = t.taintParts[n.type];
      if (part) return part(n);
      const only = t.onlyFields[n.type];
      return only ? fieldChildren(n, ...only) : codeChildren(n);
    },
    isSanitizer: (q, m) => SANITISER_CALLEES.has(q) || looksLikeSanitizer(q) || (m !== undefined && looksLikeSanitizer(m)),
  };
}
