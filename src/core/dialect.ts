import type { Node } from 'web-tree-sitter';
import type { Binding, CallArgs, Semantics } from './semantics';

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
  isTaintedParam(b: Binding, sem: Semantics): boolean;
  isSanitizer(qualifiedCallee: string, method: string | undefined): boolean;
  /** JS: `require('x')` → `x`. */
  requiredModule?(n: Node, str: (n: Node) => string | undefined): string | undefined;
}

/** Calls whose result no longer carries attacker-controlled text, in either language. */
export function looksLikeSanitizer(name: string): boolean {
  const last = name.slice(name.lastIndexOf('.') + 1).toLowerCase();
  return /^(escape|escapehtml|escape_html|sanitize|sanitize_?\w*|clean|quote|quote_plus|secure_filename|basename|encodeuricomponent|encodeuri|parseint|parsefloat|number|boolean|int|float|bool|len|abs|uuid|hash|hexdigest|digest|compare_digest|literal_eval|validate\w*|is_?\w+|has_?\w+)$/.test(last);
}
