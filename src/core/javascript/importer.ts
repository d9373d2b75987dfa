import { builtinModules } from 'node:module';
import type { Node } from 'web-tree-sitter';
import { ModuleImporter, type FoundImport, type ImportRequest, type NewImport } from '../import-edit';
import type { Semantics } from '../semantics';

const IDENTIFIERS = ['identifier', 'shorthand_property_identifier_pattern', 'shorthand_property_identifier'];

/** `node:crypto` and `crypto` are one module. */
function sameModule(a: string, b: string): boolean {
  const strip = (m: string) => (m.startsWith('node:') ? m.slice(5) : m);
  return a === b || (strip(a) === strip(b) && builtinModules.includes(strip(a)));
}

/** A default import of a Node built-in is the module object (`import crypto from 'node:crypto'`). */
function defaultIsModule(module: string): boolean {
  return builtinModules.includes(module.startsWith('node:') ? module.slice(5) : module);
}

function stringContent(n: Node | null | undefined): string | undefined {
  if (n?.type !== 'string') return undefined;
  const frag = n.namedChildren.filter((c) => c?.type === 'string_fragment');
  return frag.length === n.namedChildCount ? frag.map((c) => c!.text).join('') : undefined;
}

/** `require('m')` → `m`. */
function requiredModule(n: Node | null | undefined): string | undefined {
  if (n?.type !== 'call_expression' || n.childForFieldName('function')?.text !== 'require') return undefined;
  const args = n.childForFieldName('arguments')?.namedChildren ?? [];
  return args.length === 1 ? stringContent(args[0]) : undefined;
}

/** `const x = require('m')` / `const { a } = require('m')` at top level: its declarators. */
function requireDeclarators(stmt: Node): Node[] | undefined {
  if (stmt.type !== 'lexical_declaration' && stmt.type !== 'variable_declaration') return undefined;
  const decls = stmt.namedChildren.filter((c): c is Node => c?.type === 'variable_declarator');
  return decls.length && decls.every((d) => requiredModule(d.childForFieldName('value')) !== undefined) ? decls : undefined;
}

/** A local name for a module: `@scope/my-lib` → `myLib`, `node:crypto` → `crypto`. */
function localName(module: string): string {
  const last = module.replace(/^node:/, '').split('/').pop() ?? module;
  const camel = last.replace(/[^A-Za-z0-9_$]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''));
  return /^[A-Za-z_$]/.test(camel) ? camel : `_${camel}`;
}

/**
 * New imports are ES imports when the file has some, `require` when it has those; else by
 * extension (.mjs/.mts, .cjs/.cts), else the project's style (`hint`), else ES for TypeScript.
 */
export function usesEsm(file: string, root: Node, hint?: boolean): boolean {
  const top = root.namedChildren;
  if (top.some((c) => c?.type === 'import_statement')) return true;
  if (top.some((c) => c && requireDeclarators(c))) return false;
  if (/\.(mjs|mts)$/i.test(file)) return true;
  if (/\.(cjs|cts)$/i.test(file)) return false;
  return hint ?? /\.tsx?$/i.test(file);
}

/**
 * JavaScript/TypeScript's import helper: reuses an ES import or a top-level `require`, else adds
 * one in the file's own style (ES imports when it has any, `require` when it has those, else by
 * extension) after the directive prologue, shebang and the leading imports.
 */
export class JavaScriptImporter extends ModuleImporter {
  /** `esmHint`: the project's style, for a file that shows none. */
  constructor(
    private readonly file: string,
    root: Node,
    text: string,
    sem: Semantics,
    private readonly esmHint?: boolean,
  ) {
    super(root, text, sem, IDENTIFIERS);
  }


  protected find(req: ImportRequest, at: number): FoundImport | undefined {
    const { module, member } = req;
    const asModule = (ns: string) => (member === undefined ? ns : member === 'default' ? undefined : `${ns}.${member}`);
    for (const stmt of this.root.namedChildren) {
      if (!stmt || stmt.startIndex >= at) break;
      if (stmt.type === 'import_statement') {
        if (stmt.text.startsWith('import type')) continue;
        const from = stringContent(stmt.childForFieldName('source'));
        if (!from || !sameModule(from, module)) continue;
        const clause = stmt.namedChildren.find((c) => c?.type === 'import_clause');
        for (const part of clause?.namedChildren ?? []) {
          if (!part) continue;
          let name: string | undefined;
          if (part.type === 'identifier') name = member === 'default' ? part.text : defaultIsModule(module) ? asModule(part.text) : undefined;
          else if (part.type === 'namespace_import') {
            const ns = part.namedChildren.find((c) => c?.type === 'identifier')?.text;
            name = ns ? asModule(ns) : undefined;
          } else if (part.type === 'named_imports') {
            for (const spec of part.namedChildren) {
              if (spec?.type !== 'import_specifier' || spec.text.startsWith('type ')) continue;
              const imported = spec.childForFieldName('name')?.text;
              if (imported === member) name = spec.childForFieldName('alias')?.text ?? imported;
            }
          }
          if (name) return { name, stmt };
        }
      } else {
        for (const d of requireDeclarators(stmt) ?? []) {
          if (!sameModule(requiredModule(d.childForFieldName('value'))!, module)) continue;
          const pattern = d.childForFieldName('name');
          // In CommonJS, what `require` returns is the module and its default export alike.
          if (pattern?.type === 'identifier') {
            const name = member === 'default' ? pattern.text : asModule(pattern.text);
            if (name) return { name, stmt };
          } else if (pattern?.type === 'object_pattern' && member && member !== 'default') {
            for (const p of pattern.namedChildren) {
              if (p?.type === 'shorthand_property_identifier_pattern' && p.text === member) return { name: member, stmt };
              if (p?.type === 'pair_pattern' && p.childForFieldName('key')?.text === member && p.childForFieldName('value')?.type === 'identifier') {
                return { name: p.childForFieldName('value')!.text, stmt };
              }
            }
          }
        }
      }
    }
    return undefined;
  }

  /** After the shebang, `'use strict'` and other directives, and the leading imports/requires. */
  protected headerEnd(): number | undefined {
    let end: number | undefined;
    let prologue = true;
    for (const c of this.root.namedChildren) {
      if (!c || c.type === 'comment') continue;
      const directive = prologue && c.type === 'expression_statement' && c.namedChildCount === 1 && c.namedChildren[0]?.type === 'string';
      if (c.type === 'hash_bang_line' || directive || c.type === 'import_statement' || requireDeclarators(c)) end = c.endIndex;
      else break;
      if (!directive && c.type !== 'hash_bang_line') prologue = false;
    }
    return end;
  }

  protected added(req: ImportRequest): NewImport {
    const { module, member } = req;
    const byName = req.byName && member && member !== 'default';
    const bound = byName ? member : localName(module);
    const esm = usesEsm(this.file, this.root, this.esmHint);
    const from = `${this.quote()}${module}${this.quote()}`;
    let line: string;
    if (byName) line = esm ? `import { ${bound} } from ${from};` : `const { ${bound} } = require(${from});`;
    else if (member === 'default') line = esm ? `import ${bound} from ${from};` : `const ${bound} = require(${from});`;
    else line = esm ? `import * as ${bound} from ${from};` : `const ${bound} = require(${from});`;
    return { bound, name: byName || member === 'default' || member === undefined ? bound : `${bound}.${member}`, line };
  }

  /** The quote the file's imports use. */
  private quote(): string {
    for (const c of this.root.namedChildren) {
      const s = c?.type === 'import_statement' ? c.childForFieldName('source') : c && requireDeclarators(c)?.[0].childForFieldName('value')?.childForFieldName('arguments')?.namedChildren[0];
      if (s?.type === 'string') return s.text[0];
    }
    return "'";
  }
}
