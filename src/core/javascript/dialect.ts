import type { Node } from 'web-tree-sitter';
import { fieldChildren, plusOperands, sharedDialectMembers, type Dialect } from '../dialect';
import { propagatorMethods, sourceDecorators, sourceProperties } from '../models';
import { SERVER_CHOSEN_UPLOAD_PROPERTIES } from '../models/js-frameworks';
import type { Binding, CallArgs, Semantics } from '../semantics';

const FUNCTIONS = new Set([
  'function_declaration', 'function_expression', 'arrow_function', 'method_definition',
  'generator_function_declaration', 'generator_function',
]);
const SCOPES = new Set(['program', ...FUNCTIONS]);
const WRAPPERS = new Set([
  'parenthesized_expression', 'await_expression', 'as_expression', 'satisfies_expression', 'non_null_expression',
  'type_assertion', 'expression_statement',
]);
const LITERALS = new Set(['number', 'true', 'false', 'null', 'undefined', 'regex']);
const COMPOSITES = new Set([
  'array', 'object', 'pair', 'binary_expression', 'unary_expression', 'ternary_expression', 'spread_element',
  'sequence_expression',
]);
const TAINT_FLOW = new Set([...COMPOSITES, 'template_string', 'template_substitution', 'subscript_expression', 'augmented_assignment_expression', 'assignment_expression']);

/** Properties of a request (Express, fastify, koa's context shortcuts) that carry what the client sent. */
const REQ_DATA = sourceProperties('javascript');
/** Properties of koa's `ctx.request`. */
const CTX_REQUEST_DATA = sourceProperties('javascript', undefined, 'context.request');
/** Decorators of handler parameters that bind request data (NestJS). */
const PARAM_DECORATORS = sourceDecorators('javascript');
/** Keys of a GraphQL resolver map whose functions receive the client's arguments. */
const RESOLVER_TYPES = new Set(['Query', 'Mutation', 'Subscription']);
/** Browser-side sources of attacker-influenced text. */
const DOM_SOURCES = new Set([
  'location.hash', 'location.search', 'location.href', 'location.pathname', 'window.location.hash',
  'window.location.search', 'window.location.href', 'window.location.pathname', 'document.URL',
  'document.documentURI', 'document.referrer', 'document.cookie', 'window.name', 'document.location.href',
  'document.location.hash', 'document.location.search',
]);

/**
 * A source that only exists in the browser (the page's URL, referrer, cookies, window name): data
 * the user's own browser holds. Server-side classes (SSRF) do not arise from it.
 */
export function isBrowserSource(n: Node, sem: Semantics): boolean {
  if (n.type !== 'member_expression') return false;
  const q = sem.qualifiedName(n);
  return !!q && DOM_SOURCES.has(q);
}
const GLOBAL_CONSTANTS = new Set(['undefined', 'NaN', 'Infinity', '__dirname', '__filename']);
const HANDLER_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'all', 'use', 'options', 'head', 'route', 'param']);

export function stringContent(n: Node): string | undefined {
  if (n.type === 'string') {
    const t = n.text;
    return t.slice(1, -1);
  }
  if (n.type === 'template_string' && !n.namedChildren.some((c) => c?.type === 'template_substitution')) {
    return n.text.slice(1, -1);
  }
  return undefined;
}

function moduleName(spec: string): string {
  return spec.startsWith('node:') ? spec.slice(5) : spec;
}

function patternIdentifiers(p: Node, value: Node | undefined, add: (id: Node, member: string | undefined) => void, member?: string): void {
  switch (p.type) {
    case 'identifier':
    case 'shorthand_property_identifier_pattern':
      add(p, member ?? (p.type === 'shorthand_property_identifier_pattern' ? p.text : undefined));
      break;
    case 'object_pattern':
      for (const c of p.namedChildren) {
        if (!c) continue;
        if (c.type === 'shorthand_property_identifier_pattern') add(c, member ? `${member}.${c.text}` : c.text);
        else if (c.type === 'pair_pattern') {
          const key = c.childForFieldName('key')?.text;
          const v = c.childForFieldName('value');
          if (v) patternIdentifiers(v, value, add, key ? (member ? `${member}.${key}` : key) : member);
        } else if (c.type === 'object_assignment_pattern') {
          const left = c.childForFieldName('left');
          if (left) patternIdentifiers(left, value, add, member);
        } else if (c.type === 'rest_pattern') {
          const id = c.namedChildren[0];
          if (id) add(id, member);
        }
      }
      break;
    case 'array_pattern':
    case 'rest_pattern':
      for (const c of p.namedChildren) if (c) patternIdentifiers(c, value, add, member);
      break;
    case 'assignment_pattern': {
      const left = p.childForFieldName('left');
      if (left) patternIdentifiers(left, value, add, member);
      break;
    }
  }
}

function paramPatterns(fn: Node): Node[] {
  const params = fn.childForFieldName('parameters') ?? fn.childForFieldName('parameter');
  if (!params) return [];
  if (params.type === 'identifier') return [params];
  const out: Node[] = [];
  for (const p of params.namedChildren) {
    if (!p || p.type === 'comment') continue;
    if (p.type === 'required_parameter' || p.type === 'optional_parameter') {
      const pat = p.childForFieldName('pattern');
      if (pat) out.push(pat);
    } else out.push(p);
  }
  return out;
}

/** True when `fn` is the handler passed to `app.get(...)`, `router.post(...)`, `app.use(...)` and the like. */
export function isExpressHandler(fn: Node, sem: Semantics): boolean {
  const args = fn.parent;
  if (args?.type !== 'arguments') return false;
  const call = args.parent;
  if (call?.type !== 'call_expression') return false;
  const m = sem.methodName(call);
  return !!m && HANDLER_METHODS.has(m);
}

/**
 * One dialect for JavaScript, TypeScript and TSX: the TypeScript grammars extend the JavaScript
 * one, and the node types only they have (`as_expression`, `non_null_expression`, typed
 * parameters) simply never occur in a JavaScript tree.
 */
const BLOCKS = new Set(['statement_block', 'program']);
const LOOPS = new Set(['for_statement', 'for_in_statement', 'while_statement', 'do_statement']);
const BRANCHES = new Set([...LOOPS, 'if_statement', 'else_clause', 'ternary_expression', 'binary_expression', 'try_statement', 'catch_clause', 'switch_case', 'switch_default']);

export const javascriptDialect: Dialect = {
  isBlock: (n) => BLOCKS.has(n.type),
  isBranch: (n) => BRANCHES.has(n.type),
  isLoop: (n) => LOOPS.has(n.type),
  propagators: propagatorMethods('javascript'),
  ...sharedDialectMembers({
    scopes: SCOPES, functions: FUNCTIONS, wrappers: WRAPPERS, literals: LITERALS, composites: COMPOSITES, taintFlow: TAINT_FLOW,
    onlyFields: { pair: ['value'] },
    taintParts: {
      subscript_expression: (n) => fieldChildren(n, 'object'),
      ternary_expression: (n) => fieldChildren(n, 'consequence', 'alternative'),
      assignment_expression: (n) => fieldChildren(n, 'right'),
    },
    interpolation: { string: 'template_string', part: 'template_substitution', expression: (part) => part.namedChildren.find((x) => x && x.type !== 'comment') },
    literalString: stringContent,
  }),
  bindingTypes: ['import_statement', 'variable_declarator', 'assignment_expression', 'augmented_assignment_expression', 'for_in_statement', 'catch_clause', 'function_declaration', 'generator_function_declaration', 'class_declaration', ...FUNCTIONS],
  bind(n, scope, add) {
    switch (n.type) {
      case 'import_statement': {
        const src = n.childForFieldName('source');
        const mod = src ? moduleName(stringContent(src) ?? '') : '';
        const clause = n.namedChildren.find((c) => c?.type === 'import_clause');
        if (clause) for (const c of clause.namedChildren) {
          if (!c) continue;
          if (c.type === 'identifier') add(scope, { name: c.text, kind: 'import', at: c, qualified: mod });
          else if (c.type === 'namespace_import') {
            const id = c.namedChildren[0];
            if (id) add(scope, { name: id.text, kind: 'import', at: id, qualified: mod });
          } else if (c.type === 'named_imports') {
            for (const s of c.namedChildren) {
              if (s?.type !== 'import_specifier') continue;
              const name = s.childForFieldName('name');
              const alias = s.childForFieldName('alias') ?? name;
              if (name && alias) add(scope, { name: alias.text, kind: 'import', at: alias, qualified: name.text === 'default' ? mod : `${mod}.${name.text}` });
            }
          }
        }
        break;
      }
      case 'variable_declarator': {
        const name = n.childForFieldName('name');
        const value = n.childForFieldName('value') ?? undefined;
        if (name?.type === 'identifier') add(scope, { name: name.text, kind: 'assign', at: name, value });
        else if (name) patternIdentifiers(name, value, (id, member) => add(scope, { name: id.text, kind: 'destructure', at: id, value, member }));
        break;
      }
      case 'assignment_expression': {
        const left = n.childForFieldName('left');
        const right = n.childForFieldName('right') ?? undefined;
        if (left?.type === 'identifier') add(scope, { name: left.text, kind: 'assign', at: left, value: right });
        break;
      }
      case 'augmented_assignment_expression': {
        const left = n.childForFieldName('left');
        if (left?.type === 'identifier') add(scope, { name: left.text, kind: 'assign', at: left, value: n });
        break;
      }
      case 'for_in_statement': {
        const left = n.childForFieldName('left');
        const right = n.childForFieldName('right') ?? undefined;
        if (left) patternIdentifiers(left, right, (id) => add(scope, { name: id.text, kind: 'loop', at: id, value: right }));
        break;
      }
      case 'catch_clause': {
        const p = n.childForFieldName('parameter');
        if (p?.type === 'identifier') add(scope, { name: p.text, kind: 'param', at: p });
        break;
      }
      case 'function_declaration':
      case 'generator_function_declaration':
      case 'class_declaration': {
        const name = n.childForFieldName('name');
        if (name) add(scope, { name: name.text, kind: 'function', at: name, value: n });
        break;
      }
    }
    if (FUNCTIONS.has(n.type)) {
      for (const p of paramPatterns(n)) {
        patternIdentifiers(p, undefined, (id, member) => add(n, { name: id.text, kind: 'param', at: id, fn: n, member }));
      }
    }
  },
  isIdentifier: (n) => n.type === 'identifier' || n.type === 'shorthand_property_identifier',
  isMember: (n) => n.type === 'member_expression',
  memberObject: (n) => n.childForFieldName('object'),
  memberProperty: (n) => n.childForFieldName('property')?.text,
  isCall: (n) => n.type === 'call_expression',
  isNew: (n) => n.type === 'new_expression',
  callee: (call) => call.childForFieldName('function') ?? call.childForFieldName('constructor'),
  callArgs(call): CallArgs {
    const out: CallArgs = { positional: [], keywords: new Map(), hasSplat: false };
    const args = call.childForFieldName('arguments');
    if (!args) return out;
    if (args.type === 'template_string') {
      out.positional.push(args); // tagged template: fn`...`
      return out;
    }
    for (const a of args.namedChildren) {
      if (!a || a.type === 'comment') continue;
      if (a.type === 'spread_element') out.hasSplat = true;
      else out.positional.push(a);
    }
    return out;
  },
  globalName: (name) => (name === 'globalThis' || name === 'self' ? 'window' : name),
  isConstantGlobal: (name) => GLOBAL_CONSTANTS.has(name),
  concatParts: (n) => plusOperands(n, 'binary_expression'),
  isStringBuilding(n, methodName, receiver) {
    if (n.type === 'template_string') return n.namedChildren.some((c) => c?.type === 'template_substitution');
    if (n.type === 'binary_expression' && n.childForFieldName('operator')?.type === '+') {
      const l = n.childForFieldName('left');
      const r = n.childForFieldName('right');
      const stringy = (x: Node | null): boolean =>
        !!x && (x.type === 'string' || x.type === 'template_string' || (x.type === 'binary_expression' && this.isStringBuilding(x, methodName, receiver)));
      return stringy(l) || stringy(r);
    }
    if (n.type === 'call_expression') {
      const m = methodName(n);
      const recv = receiver(n);
      if (m === 'concat' && recv && (recv.type === 'string' || recv.type === 'template_string')) return true;
      if (m === 'join' && recv?.type === 'array') return true;
      if (m === 'format' && recv?.text === 'util') return true;
    }
    return false;
  },
  hasAugmentedConcat(_ident, bindings) {
    return bindings.some((b) => b.value?.type === 'augmented_assignment_expression' && b.value.childForFieldName('operator')?.text === '+=');
  },
  serverChosenMember(property, source) {
    if (!property || !SERVER_CHOSEN_UPLOAD_PROPERTIES.has(property)) return false;
    const text = (source as { text?: unknown } | undefined)?.text;
    return typeof text === 'string' && /\.(file|files)$/.test(text);
  },
  isTaintSource(n, sem) {
    // The request's methods are called: `req.get('Referer')`, `req.param('id')`.
    if (n.type === 'call_expression') {
      const f = n.childForFieldName('function');
      return f?.type === 'member_expression' && javascriptDialect.isTaintSource(f, sem);
    }
    if (n.type !== 'member_expression') return false;
    const prop = n.childForFieldName('property')?.text;
    const obj = n.childForFieldName('object');
    if (!prop || !obj) return false;
    const o = javascriptDialect.unwrap(obj);
    // koa: `ctx.request.body` where `ctx` is a handler's context parameter.
    if (CTX_REQUEST_DATA.has(prop) && o.type === 'member_expression' && o.childForFieldName('property')?.text === 'request') {
      const c = o.childForFieldName('object');
      const b = c?.type === 'identifier' ? sem.resolve(c) : undefined;
      if (b?.kind === 'param' && !b.member && b.fn && (c!.text === 'ctx' || c!.text === 'context' || isExpressHandler(b.fn, sem) && paramPatterns(b.fn)[0]?.id === b.at.id)) return true;
    }
    if (REQ_DATA.has(prop) && o.type === 'identifier') {
      const b = sem.resolve(o);
      if (b?.kind === 'param' && !b.member) {
        if (o.text === 'req' || o.text === 'request') return true;
        // The first parameter of an Express handler, whatever its name.
        if (b.fn && isExpressHandler(b.fn, sem) && paramPatterns(b.fn)[0]?.id === b.at.id) return true;
      }
      if (!b && (o.text === 'req' || o.text === 'request')) return true;
    }
    return isBrowserSource(n, sem);
  },
  isTaintedParam(b, sem) {
    if (b.fn && (hasSourceDecorator(b) || isResolverArgs(b))) return true;
    // `({ body }, res) => …` in an Express handler, or `function (req) { const {id} = ... }`.
    if (b.member && b.fn && isExpressHandler(b.fn, sem)) {
      const root = b.member.split('.')[0];
      return REQ_DATA.has(root) && paramPatterns(b.fn)[0]?.startIndex === findPatternStart(b);
    }
    return false;
  },
  requiredModule(n, str) {
    if (n.type !== 'call_expression') return undefined;
    const fn = n.childForFieldName('function');
    if (fn?.type !== 'identifier' || fn.text !== 'require') return undefined;
    const arg = n.childForFieldName('arguments')?.namedChildren[0];
    const s = arg ? str(arg) : undefined;
    return s ? moduleName(s) : undefined;
  },
};

/** NestJS `@Body() dto`, `@Query('q') q`: the parameter's decorator says it is request data. */
function hasSourceDecorator(b: Binding): boolean {
  let p: Node | null = b.at;
  while (p && p.type !== 'required_parameter' && p.type !== 'optional_parameter' && p.type !== 'formal_parameters') p = p.parent;
  if (!p || p.type === 'formal_parameters') return false;
  return p.namedChildren.some((d) => {
    if (d?.type !== 'decorator') return false;
    const e = d.namedChildren[0];
    const name = e?.type === 'call_expression' ? e.childForFieldName('function')?.text : e?.text;
    return !!name && PARAM_DECORATORS.has(name);
  });
}

/**
 * The second parameter (`args`) of a GraphQL resolver: a function under `Query`/`Mutation`/
 * `Subscription` in a resolver map, or the `resolve` of a field definition.
 */
function isResolverArgs(b: Binding): boolean {
  const fn = b.fn!;
  if (paramPatterns(fn)[1]?.startIndex !== findPatternStart(b)) return false;
  if (fn.type === 'method_definition') return ownerKey(fn.parent) !== undefined && RESOLVER_TYPES.has(ownerKey(fn.parent)!);
  const pair = fn.parent;
  if (pair?.type !== 'pair' || pair.childForFieldName('value')?.id !== fn.id) return false;
  if (pair.childForFieldName('key')?.text === 'resolve') return true;
  const owner = ownerKey(pair.parent);
  return owner !== undefined && RESOLVER_TYPES.has(owner);
}

/** The key under which an object literal sits (`Query` of `{ Query: { … } }`). */
function ownerKey(obj: Node | null): string | undefined {
  if (obj?.type !== 'object') return undefined;
  const pair = obj.parent;
  return pair?.type === 'pair' ? pair.childForFieldName('key')?.text.replace(/['"]/g, '') : undefined;
}

function findPatternStart(b: Binding): number {
  let n: Node | null = b.at;
  while (n?.parent && n.parent.type !== 'formal_parameters' && n.parent.type !== 'required_parameter') n = n.parent;
  return n?.startIndex ?? -1;
}
