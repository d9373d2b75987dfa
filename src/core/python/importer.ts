import type { Node } from 'web-tree-sitter';
import { insertLine, nameTaken, type ImportRequest, type ImportedName, type Importer } from '../import-edit';
import type { Semantics } from '../semantics';

const IDENTIFIERS = ['identifier'];

function dotted(n: Node): string {
  return n.text.replace(/\s+/g, '');
}

/** A module-level, unconditional import that makes the request reachable, and the name it gives. */
interface Found {
  name: string;
  stmt: Node;
}

function isDocstring(n: Node): boolean {
  return n.type === 'expression_statement' && n.namedChildCount === 1 && n.namedChildren[0]?.type === 'string';
}

/**
 * The end of the module's header: docstring, `from __future__` imports and the leading block of
 * imports (comments between them allowed). New imports go on the line after it; with no header,
 * after a shebang and an encoding line, which must stay on the first two lines.
 */
function headerEnd(root: Node, text: string): number | undefined {
  let end: number | undefined;
  let first = true;
  for (const c of root.namedChildren) {
    if (!c || c.type === 'comment') continue;
    if (first && isDocstring(c)) end = c.endIndex;
    else if (c.type === 'future_import_statement' || c.type === 'import_statement' || c.type === 'import_from_statement') end = c.endIndex;
    else break;
    first = false;
  }
  if (end !== undefined) return end;
  // Line 1 may be a shebang, lines 1-2 an encoding declaration (PEP 263): both must stay there.
  const [l1, l2] = text.split('\n', 2);
  const encoding = (l: string | undefined) => l !== undefined && /^[ \t\f]*#.*?coding[:=][ \t]*[-\w.]+/.test(l);
  if (l2 !== undefined && encoding(l2)) return l1.length + 1 + l2.length;
  if (l1.startsWith('#!') || encoding(l1)) return l1.length;
  return undefined;
}

/** Python's import helper: reuses `import m`, `import m as a`, `from m import x [as y]`, else adds one. */
export class PythonImporter implements Importer {
  constructor(
    private readonly root: Node,
    private readonly text: string,
    private readonly sem: Semantics,
  ) {}

  private find(req: ImportRequest, at: number): Found | undefined {
    const { module, member } = req;
    for (const stmt of this.root.namedChildren) {
      if (!stmt || stmt.startIndex >= at) break;
      if (stmt.type === 'import_statement') {
        for (const c of stmt.namedChildren) {
          if (!c) continue;
          if (c.type === 'dotted_name') {
            // `import a.b.c` binds `a` and loads every prefix: `a.b` is reachable as written.
            const full = dotted(c);
            if (full === module || full.startsWith(module + '.')) return { name: member ? `${module}.${member}` : module, stmt };
          } else if (c.type === 'aliased_import' && dotted(c.childForFieldName('name')!) === module) {
            const alias = c.childForFieldName('alias')!.text;
            return { name: member ? `${alias}.${member}` : alias, stmt };
          }
        }
      } else if (stmt.type === 'import_from_statement') {
        const from = stmt.childForFieldName('module_name');
        if (!from || from.type !== 'dotted_name') continue; // relative imports name another module
        const base = dotted(from);
        for (const c of stmt.childrenForFieldName('name')) {
          if (!c) continue;
          const imported = dotted(c.type === 'aliased_import' ? c.childForFieldName('name')! : c);
          const bound = c.type === 'aliased_import' ? c.childForFieldName('alias')!.text : imported;
          if (member && base === module && imported === member) return { name: bound, stmt };
          // `from a import b` where `a.b` is the module asked for.
          if (`${base}.${imported}` === module) return { name: member ? `${bound}.${member}` : bound, stmt };
        }
      }
    }
    return undefined;
  }

  use(req: ImportRequest, at = this.text.length): ImportedName | undefined {
    const found = this.find(req, at);
    if (found) {
      const head = found.name.split('.')[0];
      return nameTaken(this.root, this.sem, head, IDENTIFIERS, [found.stmt]) ? undefined : { name: found.name, edits: [] };
    }
    const byName = req.byName && req.member;
    const bound = byName ? req.member! : req.module.split('.')[0];
    // The same import after the use is no conflict: one more above it changes nothing.
    const later = this.find(req, Infinity);
    if (nameTaken(this.root, this.sem, bound, IDENTIFIERS, later ? [later.stmt] : [])) return undefined;
    const line = byName ? `from ${req.module} import ${req.member}` : `import ${req.module}`;
    const name = byName ? req.member! : req.member ? `${req.module}.${req.member}` : req.module;
    return { name, edits: [insertLine(this.text, headerEnd(this.root, this.text), line)] };
  }
}
