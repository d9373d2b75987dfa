import type { Node } from 'web-tree-sitter';
import { ModuleImporter, type FoundImport, type ImportRequest, type NewImport } from '../import-edit';
import type { Semantics } from '../semantics';

const IDENTIFIERS = ['identifier'];

function dotted(n: Node): string {
  return n.text.replace(/\s+/g, '');
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
export class PythonImporter extends ModuleImporter {
  constructor(root: Node, text: string, sem: Semantics) {
    super(root, text, sem, IDENTIFIERS);
  }

  protected find(req: ImportRequest, at: number): FoundImport | undefined {
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

  protected added(req: ImportRequest): NewImport {
    const { module, member } = req;
    if (req.byName && member) return { bound: member, name: member, line: `from ${module} import ${member}` };
    return { bound: module.split('.')[0], name: member ? `${module}.${member}` : module, line: `import ${module}` };
  }

  protected headerEnd(): number | undefined {
    return headerEnd(this.root, this.text);
  }
}
