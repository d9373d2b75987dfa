import type { Node } from 'web-tree-sitter';
import { fieldChildren, plusOperands, sharedDialectMembers, type Dialect } from '../dialect';
import { propagatorMethods, sourceProperties } from '../models';
import type { Binding, CallArgs, Semantics } from '../semantics';

const SCOPES = new Set(['module', 'function_definition', 'lambda', 'class_definition']);
const FUNCTIONS = new Set(['function_definition', 'lambda']);
const WRAPPERS = new Set(['parenthesized_expression', 'await', 'expression_statement']);
const LITERALS = new Set(['integer', 'float', 'true', 'false', 'none', 'ellipsis']);
const COMPOSITES = new Set([
  'list', 'tuple', 'set', 'dictionary', 'pair', 'binary_operator', 'unary_operator', 'boolean_operator',
  'comparison_operator', 'not_operator', 'conditional_expression', 'concatenated_string', 'keyword_argument',
  'expression_list',
]);
const TAINT_FLOW = new Set([
  ...COMPOSITES, 'string', 'interpolation', 'subscript', 'list_comprehension', 'generator_expression',
  'set_comprehension', 'dictionary_comprehension', 'list_splat', 'dictionary_splat', 'slice', 'format_expression',
  'named_expression', 'for_in_clause',
]);

/** Attributes of a request (Flask, Django, DRF, aiohttp) that carry what the client sent. */
const REQUEST_DATA = sourceProperties('python');
/** Attributes of an `http.server` request handler (`self.path`). */
const HANDLER_SELF_DATA = sourceProperties('python', undefined, 'handler-self');
/** Annotations and defaults of FastAPI route parameters that are not request data. */
const FASTAPI_NOT_REQUEST = /^(Request|Response|WebSocket|BackgroundTasks|Session|AsyncSession|HTTPConnection|SecurityScopes)\b|\.(Request|Response|WebSocket|BackgroundTasks)\b/;
const FASTAPI_DEPENDENCY = /^(fastapi\.)?(Depends|Security)\(/;

const CONSTANT_GLOBALS = new Set(['True', 'False', 'None', '__name__', '__file__']);

const STRING_DELIMS = /^([rRbBuUfFtT]{0,2})('''|\"\"\"|'|\")/;

export function stringLiteralContent(n: Node): string | undefined {
  if (n.type !== 'string') return undefined;
  // From the text when it cannot interpolate: reading the children (string_start, content,
  // string_end) costs a call into WebAssembly each, for every string in the file.
  const text = n.text;
  const m = STRING_DELIMS.exec(text);
  if (m && !/[fFtT]/.test(m[1]) && text.length >= m[0].length * 2 - m[1].length && text.endsWith(m[2])) return text.slice(m[0].length, text.length - m[2].length);
  let start = '';
  let end = '';
  for (const c of n.children) {
    if (!c) continue;
    if (c.type === 'interpolation') return undefined;
    if (c.type === 'string_start') start = c.text;
    else if (c.type === 'string_end') end = c.text;
  }
  return text.slice(start.length, text.length - end.length);
}

function dotted(n: Node): string {
  return n.text.replace(/\s+/g, '');
}

function identifiersIn(pattern: Node, out: Node[] = []): Node[] {
  if (pattern.type === 'identifier') out.push(pattern);
  else for (const c of pattern.namedChildren) if (c) identifiersIn(c, out);
  return out;
}

function paramIdentifier(p: Node): Node | undefined {
  if (p.type === 'identifier') return p;
  if (p.type === 'default_parameter' || p.type === 'typed_default_parameter') return p.childForFieldName('name') ?? undefined;
  if (p.type === 'typed_parameter' || p.type === 'list_splat_pattern' || p.type === 'dictionary_splat_pattern') {
    return p.namedChildren.find((c) => c?.type === 'identifier') ?? undefined;
  }
  return undefined;
}

/** Decorators of a function definition, as text, e.g. `app.route("/x/<id>")`. */
/** `self.path` inside a method of a `BaseHTTPRequestHandler` (or other `*RequestHandler`) subclass. */
function inRequestHandlerClass(n: Node): boolean {
  for (let p: Node | null = n.parent; p; p = p.parent) {
    if (p.type !== 'class_definition') continue;
    return /RequestHandler\b/.test(p.childForFieldName('superclasses')?.text ?? '');
  }
  return false;
}

/** `@app.get("/x")` / `@router.post(...)` where the object is a FastAPI app or APIRouter. */
function isFastapiRoute(d: Node, sem: Semantics): boolean {
  const call = d.namedChildren.find((c) => c?.type === 'call');
  const fn = call?.childForFieldName('function');
  if (fn?.type !== 'attribute' || !/^(get|post|put|patch|delete|head|options|api_route|websocket)$/.test(fn.childForFieldName('attribute')?.text ?? '')) return false;
  return /^fastapi\.(FastAPI|APIRouter|routing\.APIRouter)\(\)$/.test(sem.qualifiedName(fn.childForFieldName('object')) ?? '');
}

/** A FastAPI route parameter is request data unless it is a dependency or the request/response object. */
function isFastapiRequestParam(b: Binding): boolean {
  const p = b.at.parent;
  if (!p || b.name === 'self') return false;
  const type = p.childForFieldName('type')?.text ?? '';
  const dflt = p.childForFieldName('value')?.text ?? '';
  return !FASTAPI_NOT_REQUEST.test(type) && !FASTAPI_DEPENDENCY.test(dflt) && !/^Annotated\[.*\b(Depends|Security)\(/s.test(type);
}

export function decoratorsOf(fn: Node): Node[] {
  const parent = fn.parent;
  if (parent?.type !== 'decorated_definition') return [];
  return parent.namedChildren.filter((c): c is Node => c?.type === 'decorator');
}

const BLOCKS = new Set(['block', 'module']);
const LOOPS = new Set(['for_statement', 'while_statement']);
const BRANCHES = new Set([...LOOPS, 'if_statement', 'elif_clause', 'else_clause', 'try_statement', 'except_clause', 'conditional_expression', 'boolean_operator', 'match_statement', 'case_clause', 'with_statement']);

export const pythonDialect: Dialect = {
  isBlock: (n) => BLOCKS.has(n.type),
  isBranch: (n) => BRANCHES.has(n.type),
  isLoop: (n) => LOOPS.has(n.type),
  propagators: propagatorMethods('python'),
  ...sharedDialectMembers({
    scopes: SCOPES, functions: FUNCTIONS, wrappers: WRAPPERS, literals: LITERALS, composites: COMPOSITES, taintFlow: TAINT_FLOW,
    onlyFields: { keyword_argument: ['value'] },
    taintParts: {
      subscript: (n) => fieldChildren(n, 'value'),
      // `a if cond else b`: the condition does not flow into the value.
      conditional_expression: (n) => {
        const kids = n.namedChildren.filter((c): c is Node => !!c);
        return [kids[0], kids[2]].filter((c): c is Node => !!c);
      },
    },
    interpolation: { string: 'string', part: 'interpolation', expression: (part) => part.childForFieldName('expression') },
    literalString: stringLiteralContent,
  }),
  bindingTypes: ['import_statement', 'import_from_statement', 'assignment', 'augmented_assignment', 'named_expression', 'for_statement', 'for_in_clause', 'as_pattern', 'function_definition', 'lambda', 'class_definition'],
  bind(n, scope, add) {
    switch (n.type) {
      case 'import_statement':
        for (const c of n.namedChildren) {
          if (!c) continue;
          if (c.type === 'dotted_name') {
            const first = c.namedChildren[0];
            if (first) add(scope, { name: first.text, kind: 'import', at: first, qualified: first.text });
          } else if (c.type === 'aliased_import') {
            const name = c.childForFieldName('name');
            const alias = c.childForFieldName('alias');
            if (name && alias) add(scope, { name: alias.text, kind: 'import', at: alias, qualified: dotted(name) });
          }
        }
        break;
      case 'import_from_statement': {
        const mod = n.childForFieldName('module_name');
        const base = mod ? dotted(mod) : '';
        for (const c of n.childrenForFieldName('name')) {
          if (!c) continue;
          if (c.type === 'dotted_name') add(scope, { name: c.text, kind: 'import', at: c, qualified: `${base}.${dotted(c)}` });
          else if (c.type === 'aliased_import') {
            const name = c.childForFieldName('name');
            const alias = c.childForFieldName('alias');
            if (name && alias) add(scope, { name: alias.text, kind: 'import', at: alias, qualified: `${base}.${dotted(name)}` });
          }
        }
        break;
      }
      case 'assignment': {
        const left = n.childForFieldName('left');
        const right = n.childForFieldName('right');
        if (left?.type === 'identifier') add(scope, { name: left.text, kind: 'assign', at: left, value: right ?? undefined });
        else if (left) {
          // Tuple unpacking: pair up when both sides are tuples, else each name gets a part of the value.
          const names = identifiersIn(left);
          const rightItems = right && (right.type === 'tuple' || right.type === 'expression_list' || right.type === 'list') ? right.namedChildren : undefined;
          names.forEach((id, i) => {
            const v = rightItems && rightItems.length === names.length ? rightItems[i] : right;
            add(scope, { name: id.text, kind: rightItems ? 'assign' : 'destructure', at: id, value: v ?? undefined });
          });
        }
        break;
      }
      case 'augmented_assignment': {
        const left = n.childForFieldName('left');
        if (left?.type === 'identifier') add(scope, { name: left.text, kind: 'assign', at: left, value: n });
        break;
      }
      case 'named_expression': {
        const name = n.childForFieldName('name');
        const value = n.childForFieldName('value');
        if (name) add(scope, { name: name.text, kind: 'assign', at: name, value: value ?? undefined });
        break;
      }
      case 'for_statement':
      case 'for_in_clause': {
        const left = n.childForFieldName('left');
        const right = n.childForFieldName('right');
        if (left) for (const id of identifiersIn(left)) add(scope, { name: id.text, kind: 'loop', at: id, value: right ?? undefined });
        break;
      }
      case 'as_pattern': {
        const target = n.namedChildren.find((c) => c?.type === 'as_pattern_target');
        const value = n.namedChildren[0];
        if (target) for (const id of identifiersIn(target)) add(scope, { name: id.text, kind: 'assign', at: id, value: value ?? undefined });
        break;
      }
      case 'function_definition':
      case 'class_definition': {
        const name = n.childForFieldName('name');
        if (name) add(scope, { name: name.text, kind: 'function', at: name, value: n });
        break;
      }
    }
    if (FUNCTIONS.has(n.type)) {
      const params = n.childForFieldName('parameters');
      if (params) for (const p of params.namedChildren) {
        const id = p && paramIdentifier(p);
        if (id) add(n, { name: id.text, kind: 'param', at: id, fn: n });
      }
    }
  },
  isIdentifier: (n) => n.type === 'identifier',
  isMember: (n) => n.type === 'attribute',
  memberObject: (n) => n.childForFieldName('object'),
  memberProperty: (n) => n.childForFieldName('attribute')?.text,
  isCall: (n) => n.type === 'call',
  isNew: () => false,
  callee: (call) => call.childForFieldName('function'),
  callArgs(call): CallArgs {
    const out: CallArgs = { positional: [], keywords: new Map(), hasSplat: false };
    const args = call.childForFieldName('arguments');
    if (!args || args.type !== 'argument_list') {
      if (args) out.positional.push(args); // generator expression argument
      return out;
    }
    for (const a of args.namedChildren) {
      if (!a || a.type === 'comment') continue;
      if (a.type === 'keyword_argument') {
        const name = a.childForFieldName('name');
        const value = a.childForFieldName('value');
        if (name && value) out.keywords.set(name.text, value);
      } else if (a.type === 'list_splat' || a.type === 'dictionary_splat') {
        out.hasSplat = true;
      } else out.positional.push(a);
    }
    return out;
  },
  globalName: (name) => name,
  isConstantGlobal: (name) => CONSTANT_GLOBALS.has(name),
  concatParts(n) {
    if (n.type === 'concatenated_string') return n.namedChildren.filter((c): c is Node => !!c && c.type === 'string');
    return plusOperands(n, 'binary_operator');
  },
  isStringBuilding(n, methodName, receiver) {
    if (n.type === 'string') return n.namedChildren.some((c) => c?.type === 'interpolation');
    if (n.type === 'concatenated_string') return n.namedChildren.some((c) => c?.type === 'string' && c.namedChildren.some((x) => x?.type === 'interpolation'));
    if (n.type === 'binary_operator') {
      const op = n.childForFieldName('operator')?.type;
      if (op !== '%' && op !== '+') return false;
      const l = n.childForFieldName('left');
      const r = n.childForFieldName('right');
      const stringy = (x: Node | null): boolean => !!x && (x.type === 'string' || x.type === 'concatenated_string' || (x.type === 'binary_operator' && this.isStringBuilding(x, methodName, receiver)));
      return op === '%' ? stringy(l) : stringy(l) || stringy(r);
    }
    if (n.type === 'call') {
      const m = methodName(n);
      const recv = receiver(n);
      if ((m === 'format' || m === 'join' || m === 'format_map') && recv && (recv.type === 'string' || recv.type === 'concatenated_string')) return true;
    }
    return false;
  },
  hasAugmentedConcat(ident, bindings) {
    return bindings.some((b) => b.value?.type === 'augmented_assignment' && b.value.childForFieldName('operator')?.text === '+=' && b.at.parent?.id === b.value.id) && ident.type === 'identifier';
  },
  isTaintSource(n, sem) {
    // The request's readers are called: `request.get_json()`, `await request.post()` (aiohttp).
    if (n.type === 'call') {
      const f = n.childForFieldName('function');
      return f?.type === 'attribute' && pythonDialect.isTaintSource(f, sem);
    }
    if (n.type === 'attribute') {
      const attr = n.childForFieldName('attribute')?.text;
      const obj = n.childForFieldName('object');
      if (attr && obj?.type === 'identifier' && obj.text === 'self' && HANDLER_SELF_DATA.has(attr) && inRequestHandlerClass(n)) return true;
      if (!attr || !obj || !REQUEST_DATA.has(attr)) return false;
      const o = pythonDialect.unwrap(obj);
      const q = sem.qualifiedName(o);
      if (q === 'flask.request' || q === 'quart.request' || q === 'bottle.request') return true;
      if (o.type === 'identifier' && (o.text === 'request' || o.text === 'req')) {
        const b = sem.resolve(o);
        return !b || b.kind === 'param' || b.kind === 'import';
      }
      if (o.type === 'attribute' && o.childForFieldName('attribute')?.text === 'request') return true; // self.request (DRF/CBV)
    }
    return false;
  },
  isTaintedParam(b, sem) {
    // URL variables of Flask routes and of Django views (parameters after `request`) come from the client.
    const fn = b.fn;
    if (!fn || fn.type !== 'function_definition') return false;
    const decorators = decoratorsOf(fn);
    if (decorators.some((d) => isFastapiRoute(d, sem))) return isFastapiRequestParam(b);
    if (decorators.some((d) => /\.(route|get|post|put|patch|delete)\s*\(/.test(d.text) && d.text.includes('<'))) {
      return true;
    }
    const params = fn.childForFieldName('parameters')?.namedChildren ?? [];
    const first = params[0] && paramIdentifier(params[0]);
    return !!first && first.text === 'request' && first.id !== b.at.id && b.name !== 'self';
  },
};
