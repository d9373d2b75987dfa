import type { Node } from 'web-tree-sitter';
import type { ModuleResolver } from '../module-resolution';
import type { Semantics } from '../semantics';
import type { CallTarget, ModuleLinks } from '../module-links';
import { stringContent } from './dialect';

const FUNCTION_VALUES = new Set(['function_expression', 'function', 'arrow_function', 'generator_function']);

function memberChain(n: Node): { root: Node; names: string[] } | undefined {
  const names: string[] = [];
  while (n.type === 'member_expression') {
    const prop = n.childForFieldName('property');
    const obj = n.childForFieldName('object');
    if (!prop || !obj || prop.type === 'private_property_identifier') return undefined;
    names.unshift(prop.text);
    n = obj;
  }
  return n.type === 'identifier' ? { root: n, names } : undefined;
}

function requireSpec(n: Node | undefined): string | undefined {
  if (!n || n.type !== 'call_expression') return undefined;
  const fn = n.childForFieldName('function');
  if (fn?.type !== 'identifier' || fn.text !== 'require') return undefined;
  const arg = n.childForFieldName('arguments')?.namedChildren.find((c) => c && c.type !== 'comment');
  return arg ? stringContent(arg) : undefined;
}

/** The specifier and the export an imported name stands for (undefined export: the module object). */
function importOrigin(sem: Semantics, root: Node): { spec: string; name?: string } | undefined {
  const b = sem.resolve(root);
  if (!b) return undefined;
  if (b.kind === 'import') {
    let stmt: Node | null = b.at;
    while (stmt && stmt.type !== 'import_statement') stmt = stmt.parent;
    const src = stmt?.childForFieldName('source');
    const spec = src ? stringContent(src) : undefined;
    if (!spec) return undefined;
    const p = b.at.parent;
    if (p?.type === 'namespace_import') return { spec };
    if (p?.type === 'import_specifier') return { spec, name: p.childForFieldName('name')?.text };
    return { spec, name: 'default' };
  }
  if (b.kind === 'assign' && b.value) {
    const spec = requireSpec(sem.dialect.unwrap(b.value));
    return spec ? { spec } : undefined;
  }
  if (b.kind === 'destructure' && b.value && b.member && !b.member.includes('.')) {
    const spec = requireSpec(sem.dialect.unwrap(b.value));
    return spec ? { spec, name: b.member } : undefined;
  }
  return undefined;
}

/**
 * JS/TS: a call whose callee starts with a name bound by `import … from './x'` or
 * `require('./x')`. The whole module called (`const f = require('./f'); f(x)`) is its default
 * export (`module.exports = function`).
 */
function callTarget(sem: Semantics, call: Node, fromFile: string, resolver: ModuleResolver, memo: Map<string, CallTarget | null>): CallTarget | undefined {
  if (call.type !== 'call_expression') return undefined;
  const callee = call.childForFieldName('function');
  const chain = callee ? memberChain(sem.dialect.unwrap(callee)) : undefined;
  if (!chain) return undefined;
  const b = sem.resolve(chain.root);
  if (!b) return undefined;
  const key = `${b.at.id}:${chain.names.join('.')}`;
  const known = memo.get(key);
  if (known !== undefined) return known ?? undefined;
  const origin = importOrigin(sem, chain.root);
  const file = origin && resolver.resolveJs(fromFile, origin.spec);
  const t = origin && file ? { file, name: [...(origin.name ? [origin.name] : []), ...chain.names].join('.') || 'default' } : undefined;
  memo.set(key, t ?? null);
  return t;
}

function functionValue(n: Node | null | undefined): Node | undefined {
  return n && FUNCTION_VALUES.has(n.type) ? n : undefined;
}

/** `module.exports.x` / `exports.x` / `module.exports` as the export name (`default` for the whole). */
function commonJsExport(left: Node): string | undefined {
  const t = left.text.replace(/\s+/g, '');
  if (t === 'module.exports') return 'default';
  const m = /^(?:module\.)?exports\.([A-Za-z_$][\w$]*)$/.exec(t);
  return m ? m[1] : undefined;
}

/**
 * Exported functions: `export function f`, `export const f = () =>`, `export default function`,
 * `module.exports = function`, `module.exports.f = …`, `exports.f = …`, `module.exports = { f, g: h }`
 * (names of module-level functions), and methods of an exported class as `Class.method`.
 */
function exportedFunctions(root: Node): Map<string, Node> {
  const out = new Map<string, Node>();
  const local = new Map<string, Node>();
  const classes = new Map<string, Node>();
  const declared = (d: Node, exportAs?: (name: string) => string | undefined): void => {
    if (d.type === 'function_declaration' || d.type === 'generator_function_declaration') {
      const name = d.childForFieldName('name')?.text;
      if (name) {
        local.set(name, d);
        const e = exportAs?.(name);
        if (e) out.set(e, d);
      }
    } else if (d.type === 'lexical_declaration' || d.type === 'variable_declaration') {
      for (const v of d.namedChildren) {
        if (v?.type !== 'variable_declarator') continue;
        const name = v.childForFieldName('name');
        const fn = functionValue(v.childForFieldName('value'));
        if (name?.type === 'identifier' && fn) {
          local.set(name.text, fn);
          const e = exportAs?.(name.text);
          if (e) out.set(e, fn);
        }
      }
    } else if (d.type === 'class_declaration') {
      const name = d.childForFieldName('name')?.text;
      if (name) {
        classes.set(name, d);
        const e = exportAs?.(name);
        if (e) addMethods(out, e, d);
      }
    }
  };
  const assignments: Node[] = [];
  for (const c of root.namedChildren) {
    if (!c) continue;
    if (c.type === 'export_statement') {
      const d = c.childForFieldName('declaration');
      const isDefault = c.children.some((x) => x?.type === 'default');
      if (d) declared(d, (name) => (isDefault ? 'default' : name));
      else if (isDefault) {
        const v = c.childForFieldName('value') ?? c.namedChildren.find((x) => x && x.type !== 'comment');
        const fn = functionValue(v);
        if (fn) out.set('default', fn);
        else if (v?.type === 'identifier') assignments.push(c);
      } else assignments.push(c); // export { a, b as c }
    } else if (c.type === 'expression_statement') {
      const e = c.namedChildren[0];
      if (e?.type === 'assignment_expression') assignments.push(e);
    } else declared(c);
  }
  // Named after the declarations: `module.exports = { find }` may come before or after `function find`.
  for (const a of assignments) {
    if (a.type === 'export_statement') {
      const v = a.childForFieldName('value') ?? a.namedChildren.find((x) => x?.type === 'identifier');
      if (v?.type === 'identifier') {
        const fn = local.get(v.text);
        if (fn) out.set('default', fn);
      }
      for (const s of a.namedChildren.find((x) => x?.type === 'export_clause')?.namedChildren ?? []) {
        if (s?.type !== 'export_specifier') continue;
        const name = s.childForFieldName('name')?.text;
        const alias = s.childForFieldName('alias')?.text ?? name;
        const fn = name ? local.get(name) : undefined;
        if (fn && alias) out.set(alias, fn);
        const cls = name ? classes.get(name) : undefined;
        if (cls && alias) addMethods(out, alias, cls);
      }
      continue;
    }
    const left = a.childForFieldName('left');
    const right = a.childForFieldName('right');
    const name = left ? commonJsExport(left) : undefined;
    if (!name || !right) continue;
    const fn = functionValue(right) ?? (right.type === 'identifier' ? local.get(right.text) : undefined);
    if (fn) out.set(name, fn);
    else if (right.type === 'identifier' && classes.has(right.text)) addMethods(out, name === 'default' ? '' : name, classes.get(right.text)!);
    else if (right.type === 'object' && name === 'default') {
      for (const p of right.namedChildren) {
        if (p?.type === 'shorthand_property_identifier') {
          const f = local.get(p.text);
          if (f) out.set(p.text, f);
        } else if (p?.type === 'pair') {
          const key = p.childForFieldName('key')?.text.replace(/^['"]|['"]$/g, '');
          const v = p.childForFieldName('value');
          const f = functionValue(v) ?? (v?.type === 'identifier' ? local.get(v.text) : undefined);
          if (key && f) out.set(key, f);
        } else if (p?.type === 'method_definition') {
          const key = p.childForFieldName('name')?.text;
          if (key) out.set(key, p);
        }
      }
    }
  }
  return out;
}

function addMethods(out: Map<string, Node>, prefix: string, cls: Node): void {
  for (const m of cls.childForFieldName('body')?.namedChildren ?? []) {
    if (m?.type !== 'method_definition') continue;
    const name = m.childForFieldName('name')?.text;
    if (name && name !== 'constructor') out.set(prefix ? `${prefix}.${name}` : name, m);
  }
}

function parameters(fn: Node): (string | undefined)[] {
  const params = fn.childForFieldName('parameters') ?? fn.childForFieldName('parameter');
  if (!params) return [];
  if (params.type === 'identifier') return [params.text];
  const out: (string | undefined)[] = [];
  for (const p of params.namedChildren) {
    if (!p || p.type === 'comment') continue;
    const pat = p.type === 'required_parameter' || p.type === 'optional_parameter' ? p.childForFieldName('pattern') : p;
    const id = pat?.type === 'assignment_pattern' ? pat.childForFieldName('left') : pat;
    out.push(id?.type === 'identifier' ? id.text : undefined);
  }
  return out;
}

function returnedValues(fn: Node): Node[] {
  const body = fn.childForFieldName('body');
  if (!body) return [];
  if (fn.type === 'arrow_function' && body.type !== 'statement_block') return [body];
  const out: Node[] = [];
  const walk = (n: Node): void => {
    for (const c of n.namedChildren) {
      if (!c || FUNCTION_VALUES.has(c.type) || c.type === 'function_declaration' || c.type === 'class_declaration' || c.type === 'method_definition') continue;
      if (c.type === 'return_statement') {
        const v = c.namedChildren.find((x) => x && x.type !== 'comment');
        if (v) out.push(v);
      } else walk(c);
    }
  };
  walk(body);
  return out;
}

/** The DOM globals the dialect's sources start from (`location.hash`, `document.cookie`, `window.name`). */
const DOM_GLOBALS = /\b(?:location|document|window)\b/;

export const javascriptModuleLinks: ModuleLinks = {
  callTarget,
  exportedFunctions,
  parameters,
  returnedValues,
  mayReadGlobalSource: (text) => DOM_GLOBALS.test(text),
  // The first parameter of an Express handler is request data whatever its name: no word to look for.
  mayReadSources: () => true,
  mayDefine: (text, name) => text.includes(name),
};
