import type { Node } from 'web-tree-sitter';
import type { Semantics } from './semantics';
import type { TextEdit } from './types';

/**
 * What a fix or generator needs from a module. Python: `{ module: 'os', member: 'environ' }`;
 * JavaScript: `{ module: 'helmet', member: 'default' }` or `{ module: 'node:crypto', member: 'randomBytes' }`.
 */
export interface ImportRequest {
  module: string;
  /** The member wanted; absent means the module object itself. `default` is a JS default export. */
  member?: string;
  /**
   * When an import has to be added: bind the member by name (`from m import x`, `import { x }`)
   * rather than the module (`import m` and `m.x`). Existing imports are reused either way.
   */
  byName?: boolean;
}

/** The expression to write where the member is used, and the edits that make it bound (none when reused). */
export interface ImportedName {
  name: string;
  edits: TextEdit[];
}

export interface Importer {
  /**
   * `at`: the offset of the use; an import is reused only when it comes before it. Undefined when
   * the name an import would bind is already used for something else in the file.
   */
  use(req: ImportRequest, at?: number): ImportedName | undefined;
}

/** The file's own line ending, so an inserted line does not mix `\n` into a CRLF file. */
export function lineEnding(text: string): string {
  const nl = text.indexOf('\n');
  return nl > 0 && text[nl - 1] === '\r' ? '\r\n' : '\n';
}

/** An insertion of `line` at the start of the line after `afterEnd` (at the file's start when undefined). */
export function insertLine(text: string, afterEnd: number | undefined, line: string): TextEdit {
  const eol = lineEnding(text);
  if (afterEnd === undefined) return { start: 0, end: 0, newText: line + eol };
  const nl = text.indexOf('\n', afterEnd);
  if (nl < 0) return { start: text.length, end: text.length, newText: eol + line };
  return { start: nl + 1, end: nl + 1, newText: line + eol };
}

/**
 * True when `name` is bound in the file by anything but the statements in `ours` (the imports
 * being reused), or when a use of it resolves to such a binding: adding or reusing an import
 * under that name would change what the other code means.
 */
export function nameTaken(root: Node, sem: Semantics, name: string, identifierTypes: readonly string[], ours: readonly Node[]): boolean {
  const inOurs = (n: Node) => ours.some((o) => o.startIndex <= n.startIndex && n.endIndex <= o.endIndex);
  for (const id of identifiersNamed(root, sem, identifierTypes).get(name) ?? []) {
    if (inOurs(id)) continue;
    if (sem.bindingsOf(id).some((x) => x.at.id === id.id)) return true;
    const b = sem.resolve(id);
    if (b && !inOurs(b.at)) return true;
  }
  return false;
}

/**
 * The file's identifiers by name, listed once per analysis: a fix is computed per finding, and
 * walking the whole tree for each one made a file with many findings quadratic (a Flask app
 * repeated to 64 KiB took 3 s, 1 MiB would have taken minutes).
 */
const MEMO = new WeakMap<Semantics, Map<string, unknown>>();
const IDENTIFIERS = new WeakMap<Semantics, Map<string, Map<string, Node[]>>>();
function identifiersNamed(root: Node, sem: Semantics, types: readonly string[]): Map<string, Node[]> {
  let byTypes = IDENTIFIERS.get(sem);
  if (!byTypes) IDENTIFIERS.set(sem, (byTypes = new Map()));
  const key = `${root.id}:${types.join(',')}`;
  let byName = byTypes.get(key);
  if (!byName) {
    byName = new Map();
    for (const id of root.descendantsOfType([...types])) {
      if (!id) continue;
      const list = byName.get(id.text);
      if (list) list.push(id);
      else byName.set(id.text, [id]);
    }
    byTypes.set(key, byName);
  }
  return byName;
}

/** An import statement that makes a request reachable, and the expression it makes it reachable as. */
export interface FoundImport {
  name: string;
  stmt: Node;
}

/** A new import: the name it binds (which must be free), the expression to write, and its line. */
export interface NewImport {
  bound: string;
  name: string;
  line: string;
}

/**
 * The policy both languages share: reuse an import that comes before the use unless other code
 * rebinds its name; else add one on the line after the file's header, unless its name is taken.
 */
export abstract class ModuleImporter implements Importer {
  constructor(
    protected readonly root: Node,
    protected readonly text: string,
    private readonly sem: Semantics,
    private readonly identifierTypes: readonly string[],
  ) {}

  /** The first top-level import before `at` that gives the request. */
  protected abstract find(req: ImportRequest, at: number): FoundImport | undefined;
  protected abstract added(req: ImportRequest): NewImport;
  /** Where the header (what must stay above new imports) ends; undefined for the file's start. */
  protected abstract headerEnd(): number | undefined;

  /**
   * Per analysis (keyed by its Semantics): a fix is computed per finding, so anything that walks
   * the module's statements is computed once, not once per finding (quadratic in a long file).
   */
  private memo<T>(key: string, compute: () => T): T {
    let m = MEMO.get(this.sem);
    if (!m) MEMO.set(this.sem, (m = new Map()));
    if (!m.has(key)) m.set(key, compute());
    return m.get(key) as T;
  }

  private taken(name: string, ours: Node | undefined): boolean {
    return this.memo(`taken ${name} ${ours?.id ?? ''}`, () => nameTaken(this.root, this.sem, name, this.identifierTypes, ours ? [ours] : []));
  }

  use(req: ImportRequest, at = this.text.length): ImportedName | undefined {
    // The first import that gives the request is the first one before `at` exactly when it starts before `at`.
    const first = this.memo(`find ${req.module} ${req.member ?? ''}`, () => this.find(req, Infinity));
    const found = first && first.stmt.startIndex < at ? first : undefined;
    if (found) {
      const head = found.name.split('.')[0];
      return this.taken(head, found.stmt) ? undefined : { name: found.name, edits: [] };
    }
    const add = this.added(req);
    // The same import after the use is no conflict: one more above it changes nothing.
    if (this.taken(add.bound, first?.stmt)) return undefined;
    return { name: add.name, edits: [insertLine(this.text, this.memo('header', () => this.headerEnd()), add.line)] };
  }
}
