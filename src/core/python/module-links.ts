import type { Node } from 'web-tree-sitter';
import type { ModuleResolver } from '../module-resolution';
import type { Semantics } from '../semantics';
import type { CallTarget, ModuleLinks } from '../module-links';

/** The identifier at the root of `a.b.c` and the attribute names after it. */
function attributeChain(n: Node): { root: Node; names: string[] } | undefined {
  const names: string[] = [];
  while (n.type === 'attribute') {
    const attr = n.childForFieldName('attribute');
    const obj = n.childForFieldName('object');
    if (!attr || !obj) return undefined;
    names.unshift(attr.text);
    n = obj;
  }
  return n.type === 'identifier' ? { root: n, names } : undefined;
}

function dottedParts(n: Node | null | undefined): string[] {
  return n ? n.text.replace(/\s+/g, '').split('.').filter(Boolean) : [];
}

/** Where an imported name comes from: the module the statement names and the names after it. */
function importOrigin(at: Node): { level: number; module: string[]; names: string[] } | undefined {
  let stmt: Node | null = at;
  while (stmt && stmt.type !== 'import_statement' && stmt.type !== 'import_from_statement') stmt = stmt.parent;
  if (!stmt) return undefined;
  const aliased = at.parent?.type === 'aliased_import' ? at.parent : undefined;
  if (stmt.type === 'import_statement') {
    // `import app.models` binds `app`; `import app.models as m` binds `m` to `app.models`.
    return { level: 0, module: aliased ? dottedParts(aliased.childForFieldName('name')) : [at.text], names: [] };
  }
  const mod = stmt.childForFieldName('module_name');
  const imported = aliased ? dottedParts(aliased.childForFieldName('name')) : dottedParts(at);
  if (mod?.type === 'relative_import') {
    const prefix = mod.namedChildren.find((c) => c?.type === 'import_prefix');
    const level = prefix ? (prefix.text.match(/\./g) ?? []).length : 0;
    const dotted = mod.namedChildren.find((c) => c?.type === 'dotted_name');
    return { level, module: dottedParts(dotted), names: imported };
  }
  return { level: 0, module: dottedParts(mod), names: imported };
}

/**
 * Python: a call `f(x)`, `mod.f(x)`, `pkg.mod.f(x)` or `Cls.meth(x)` whose first name is
 * imported from a project module. The longest prefix that names a module file wins, so
 * `from . import models; models.find(x)` and `from .models import find; find(x)` meet.
 */
function callTarget(sem: Semantics, call: Node, fromFile: string, resolver: ModuleResolver, memo: Map<string, CallTarget | null>): CallTarget | undefined {
  const callee = call.childForFieldName('function');
  const chain = callee ? attributeChain(sem.dialect.unwrap(callee)) : undefined;
  if (!chain) return undefined;
  const b = sem.resolve(chain.root);
  if (!b || b.kind !== 'import') return undefined;
  // Many calls go through one import: resolve each (import, attribute path) once per file.
  const key = `${b.at.id}:${chain.names.join('.')}`;
  const known = memo.get(key);
  if (known !== undefined) return known ?? undefined;
  const t = resolveTarget(b.at, chain.names, fromFile, resolver);
  memo.set(key, t ?? null);
  return t;
}

function resolveTarget(at: Node, names: string[], fromFile: string, resolver: ModuleResolver): CallTarget | undefined {
  const origin = importOrigin(at);
  if (!origin) return undefined;
  const rest = [...origin.names, ...names];
  if (origin.module.length === 0 && origin.level === 0) return undefined;
  for (let k = rest.length - 1; k >= 0; k--) {
    const file = resolver.resolvePython(fromFile, { level: origin.level, module: [...origin.module, ...rest.slice(0, k)] });
    if (file) return { file, name: rest.slice(k).join('.') };
  }
  return undefined;
}

/** Module-level functions, and methods of module-level classes as `Class.method`. */
function exportedFunctions(root: Node): Map<string, Node> {
  const out = new Map<string, Node>();
  const unwrap = (n: Node): Node => (n.type === 'decorated_definition' ? n.childForFieldName('definition') ?? n : n);
  for (const c of root.namedChildren) {
    if (!c) continue;
    const d = unwrap(c);
    const name = d.childForFieldName('name')?.text;
    if (!name) continue;
    if (d.type === 'function_definition') out.set(name, d);
    else if (d.type === 'class_definition') {
      for (const m of d.childForFieldName('body')?.namedChildren ?? []) {
        const md = m && unwrap(m);
        const mname = md?.type === 'function_definition' ? md.childForFieldName('name')?.text : undefined;
        if (md && mname) out.set(`${name}.${mname}`, md);
      }
    }
  }
  return out;
}

/** Parameters in call order; `self`/`cls` of a method are left out (the call does not pass them). */
function parameters(fn: Node): (string | undefined)[] {
  const out: (string | undefined)[] = [];
  for (const p of fn.childForFieldName('parameters')?.namedChildren ?? []) {
    if (!p || p.type === 'comment') continue;
    if (p.type === 'identifier') out.push(p.text);
    else if (p.type === 'default_parameter' || p.type === 'typed_default_parameter') out.push(p.childForFieldName('name')?.text);
    else if (p.type === 'typed_parameter') out.push(p.namedChildren.find((c) => c?.type === 'identifier')?.text);
    else out.push(undefined); // *args, **kwargs, `*`, `/`: positions after them are not mapped
  }
  const inClass = fn.parent?.parent?.type === 'class_definition' || fn.parent?.parent?.parent?.type === 'class_definition';
  const decorated = fn.parent?.type === 'decorated_definition' ? fn.parent.text : '';
  if (inClass && !/@staticmethod\b/.test(decorated) && (out[0] === 'self' || out[0] === 'cls')) out.shift();
  return out;
}

function returnedValues(fn: Node): Node[] {
  const out: Node[] = [];
  const walk = (n: Node): void => {
    for (const c of n.namedChildren) {
      if (!c || c.type === 'function_definition' || c.type === 'lambda' || c.type === 'class_definition') continue;
      if (c.type === 'return_statement') {
        const v = c.namedChildren.find((x) => x && x.type !== 'comment');
        if (v) out.push(v);
      } else walk(c);
    }
  };
  if (fn.type === 'lambda') {
    const body = fn.childForFieldName('body');
    if (body) out.push(body);
  } else {
    const body = fn.childForFieldName('body');
    if (body) walk(body);
  }
  return out;
}

/** `from flask import request`, `from bottle import request as r`, `import quart` … `quart.request`. */
const GLOBAL_REQUEST = /^[ \t]*(?:from[ \t]+[\w.]+[ \t]+)?import\b[^\n]*\brequest\b|\b(?:flask|quart|bottle)\.request\b/m;

/**
 * The dialect's sources: attributes of `request` / `req` (Flask, Django, `self.request`), view
 * parameters after `request`, and URL variables of a route (`@app.route("/u/<name>")`).
 */
const SOURCE_WORDS = /\b(?:request|req)\b|\.(?:route|get|post|put|patch|delete)\s*\([^)\n]*</;

export const pythonModuleLinks: ModuleLinks = {
  callTarget,
  exportedFunctions,
  parameters,
  returnedValues,
  mayReadGlobalSource: (text) => GLOBAL_REQUEST.test(text),
  mayReadSources: (text) => SOURCE_WORDS.test(text),
  mayDefine: (text, name) => /^[A-Za-z_]\w*$/.test(name) && new RegExp(`\\bdef[ \\t]+${name}\\b`).test(text),
};
