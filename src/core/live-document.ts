import type { Node, Point, Tree } from 'web-tree-sitter';
import { compareFindings, findingSpans, type AnalyzeOptions, type Analyzer } from './engine';
import { languageEntry } from './language-registry';
import { parseSync, treeSitter } from './parser';
import { captureNodes } from './query';
import type { Semantics } from './semantics';
import type { Finding, LanguageId } from './types';

/** A top-level statement of the last analysis, as offsets (the nodes die with their tree). */
interface Chunk {
  start: number;
  end: number;
  type: string;
  /** Module-level bindings the statement makes: a change to a name used elsewhere means a full re-check. */
  bindings: ChunkBinding[];
}

interface ChunkBinding {
  name: string;
  kind: string;
  /** What other statements can learn from the binding (name, kind, import path, value), for comparison. */
  summary: string;
  /** A function (def, declaration, assigned arrow or lambda): taint flows through its calls in other statements. */
  callable?: boolean;
}

export interface LiveResult {
  findings: Finding[];
  /** `partial`: only the edited top-level statements were re-checked; a full pass is due. */
  mode: 'full' | 'partial' | 'unchanged';
  /** Why a re-check that could have been partial was not (for the output channel and tests). */
  fullReason?: string;
}

/** Beyond this share of top-level statements touched by one re-check, a full pass costs no more. */
const MAX_DIRTY_SHARE = 0.25;
/** Python statements that rebind module names from inside a function. */

/**
 * One open document, kept analysed as it changes: the tree is reparsed incrementally and only
 * the top-level statements the edit touched are re-checked, with name resolution over the whole
 * module; findings elsewhere are kept (moved with the text). Rules that summarise the whole
 * file keep their earlier findings until `refresh()` runs a full pass, which callers schedule
 * for when typing pauses. The edit is found by comparing texts, so it does not matter how the
 * editor batched its change events.
 */
export class LiveDocument {
  private tree?: Tree;
  private text = '';
  private findings: Finding[] = [];
  private chunks: Chunk[] = [];
  /** Deepest node (from a statement) that binds a module-level name: how far context queries look. */
  private bindingDepth = 1;
  private stale = false;
  private readonly bindingTypes: Set<string>;
  /** Binding and scope node types: what the context of a partial re-check is made of. */
  private readonly contextTypes: string[];

  constructor(
    private readonly analyzer: Analyzer,
    readonly file: string,
    readonly lang: LanguageId,
    public opts: AnalyzeOptions = {},
  ) {
    const names = analyzer.nameTypes(lang);
    this.bindingTypes = new Set(names.binding);
    this.contextTypes = [...names.binding, ...names.scope];
  }

  /** True after a partial re-check: whole-file rules still show what they found before the edit. */
  get needsFullPass(): boolean {
    return this.stale;
  }

  get current(): Finding[] {
    return this.findings;
  }

  update(text: string): LiveResult {
    if (this.treeDied()) this.tree = undefined;
    if (!this.tree) return this.full(text, parseSync(this.lang, text));
    if (text === this.text) return { findings: this.findings, mode: 'unchanged'};
    const old = this.text;
    const min = Math.min(old.length, text.length);
    // Compared a block at a time first: string comparison runs natively, a char loop does not.
    const BLOCK = 512;
    let p = 0;
    while (p + BLOCK <= min && old.slice(p, p + BLOCK) === text.slice(p, p + BLOCK)) p += BLOCK;
    while (p < min && old.charCodeAt(p) === text.charCodeAt(p)) p++;
    let s = 0;
    while (s + BLOCK <= min - p && old.slice(old.length - s - BLOCK, old.length - s) === text.slice(text.length - s - BLOCK, text.length - s)) s += BLOCK;
    while (s < min - p && old.charCodeAt(old.length - 1 - s) === text.charCodeAt(text.length - 1 - s)) s++;
    const oldEnd = old.length - s;
    const newEnd = text.length - s;
    const start = pointAt(old, p);
    const oldEndPoint = pointAt(old, oldEnd, start, p);
    const newEndPoint = pointAt(text, newEnd, start, p);
    this.tree.edit(new (treeSitter().Edit)({ startIndex: p, oldEndIndex: oldEnd, newEndIndex: newEnd, startPosition: start, oldEndPosition: oldEndPoint, newEndPosition: newEndPoint }));
    const tree = parseSync(this.lang, text, this.tree);
    const partial = this.partial(text, tree, { p, oldEnd, newEnd, oldEndPoint, newEndPoint });
    if (typeof partial === 'string') {
      const r = this.full(text, tree);
      r.fullReason = partial;
      return r;
    }
    return partial;
  }

  /** Re-checks everything on the current text (after a partial re-check, when typing pauses). */
  refresh(): LiveResult {
    if (this.treeDied()) return this.update(this.text);
    if (!this.tree) return { findings: [], mode: 'unchanged' };
    return this.full(this.text, this.tree);
  }

  /** A parser crash (in any document) replaces the WebAssembly instance; its trees are dead. */
  private treeDied(): boolean {
    return !!this.tree && !(this.tree instanceof treeSitter().Tree);
  }

  dispose(): void {
    this.tree?.delete();
    this.tree = undefined;
  }

  private adopt(text: string, tree: Tree): void {
    if (this.tree && this.tree !== tree) this.tree.delete();
    this.tree = tree;
    this.text = text;
  }

  private full(text: string, tree: Tree): LiveResult {
    const a = this.analyzer.analyzeTree(this.file, text, this.lang, tree, this.opts);
    this.adopt(text, tree);
    this.findings = a.findings;
    this.stale = false;
    this.chunks = chunksOf(tree.rootNode.namedChildren.filter((c): c is Node => !!c), a.semantics);
    if (a.semantics) {
      let depth = 1;
      for (const b of a.semantics.moduleBindings()) depth = Math.max(depth, bindingNodeDepth(b.at, this.bindingTypes));
      this.bindingDepth = depth;
    }
    return { findings: this.findings, mode: 'full'};
  }

  /** The partial re-check, or the reason it cannot be trusted (then a full one runs). */
  private partial(
    text: string,
    tree: Tree,
    d: { p: number; oldEnd: number; newEnd: number; oldEndPoint: Point; newEndPoint: Point },
  ): LiveResult | string {
    const delta = d.newEnd - d.oldEnd;
    const previous = this.tree!;
    const kids = tree.rootNode.namedChildren.filter((c): c is Node => !!c);
    const old = this.chunks;
    // Statements wholly before the edit, then wholly after it, must be unchanged (after: moved).
    // A statement that ends just before the edit may have grown into it (a line typed at the
    // end of a function): the first one that changed shape counts as edited, and so on.
    let before = 0;
    while (before < old.length && before < kids.length && old[before].end < d.p) {
      const k = kids[before];
      if (k.startIndex !== old[before].start || k.type !== old[before].type || k.endIndex !== old[before].end) break;
      before++;
    }
    let after = 0;
    while (after < old.length - before && after < kids.length - before && old[old.length - 1 - after].start > d.oldEnd) {
      const o = old[old.length - 1 - after];
      const k = kids[kids.length - 1 - after];
      if (k.startIndex !== o.start + delta || k.type !== o.type || k.endIndex !== o.end + delta) break;
      after++;
    }
    // Same bounds are not enough: error recovery depends on what came before, so a statement
    // with a syntax error may parse differently after an edit elsewhere. tree-sitter reports
    // where the new tree's structure differs from the old one; those statements count as edited.
    const changed = previous.getChangedRanges(tree);
    const touches = (start: number, end: number) => changed.some((r) => r.startIndex < end && start < r.endIndex);
    for (let i = 0; i < before; i++) {
      if (touches(kids[i].startIndex, kids[i].endIndex)) {
        before = i;
        break;
      }
    }
    for (let i = 0; i < after; i++) {
      const k = kids[kids.length - 1 - i];
      if (touches(k.startIndex, k.endIndex)) {
        after = i;
        break;
      }
    }
    const dirty = kids.slice(before, kids.length - after);
    const dirtyOld = old.slice(before, old.length - after);
    if (dirty.length > Math.max(4, MAX_DIRTY_SHARE * kids.length)) return 'the edit spans many statements';
    const rebinds = languageEntry(this.lang).rules.rebindsEnclosingNames;
    if (rebinds && (dirty.some((n) => rebinds.test(n.text)) || dirtyOld.some((c) => rebinds.test(this.text.slice(c.start, c.end))))) return 'a global or nonlocal statement was edited';
    const firstAfterRow = after ? pointAt(this.text, old[old.length - after].start, d.oldEndPoint, d.oldEnd).row : Infinity;
    if (firstAfterRow === d.oldEndPoint.row) return 'the next statement shares a line with the edit';

    // Binding and scope nodes outside the edited statements, for name resolution.
    const lo = dirty.length ? dirty[0].startIndex : d.p;
    const hi = dirty.length ? dirty[dirty.length - 1].endIndex : d.p;
    // Only untouched statements that bind module-level names the edited code (or what it may
    // resolve through) can mention: a file of 300 route functions needs its imports, not 300 defs.
    const needed = new Set<string>();
    const words = (t: string) => {
      for (const m of t.matchAll(/[A-Za-z_$][\w$]*/g)) needed.add(m[0]);
    };
    words(text.slice(lo, hi));
    // Taint flows through calls of local functions (src/core/summaries.ts): a finding in a helper
    // depends on its callers' arguments, a caller's on the helper's body. An edit on either side
    // of such a call re-checks the file.
    const editedCalls = new Set<string>();
    for (const t of [text.slice(lo, hi), ...dirtyOld.map((c) => this.text.slice(c.start, c.end))]) {
      // A word, then a parenthesis after blanks: looked at by hand (`\w*\s*\(` backtracks on long words).
      for (const m of t.matchAll(/[A-Za-z_$][\w$]*/g)) {
        let k = m.index + m[0].length;
        while (k < t.length && /\s/.test(t[k])) k++;
        if (t[k] === '(') editedCalls.add(m[0]);
      }
    }
    const callsClean = (c: Chunk) => c.bindings.some((b) => b.callable && editedCalls.has(b.name));
    if (old.slice(0, before).some(callsClean) || old.slice(old.length - after).some(callsClean)) return 'the edit touches a call of a function defined elsewhere in the file';
    const clean: { kid: Node; chunk: Chunk }[] = [];
    for (let i = 0; i < before; i++) clean.push({ kid: kids[i], chunk: old[i] });
    for (let i = 0; i < after; i++) clean.push({ kid: kids[kids.length - after + i], chunk: old[old.length - after + i] });
    for (const c of clean) if (c.chunk.bindings.some((b) => b.kind !== 'function')) words(text.slice(c.kid.startIndex, c.kid.endIndex));
    // In document order, as the semantics expect: the root, then the statements before and after.
    const context: Node[] = [tree.rootNode];
    for (const c of clean) {
      const bs = c.chunk.bindings;
      if (!bs.length || (bs.every((b) => b.kind === 'function') && !bs.some((b) => needed.has(b.name)))) continue;
      context.push(...captureNodes(c.kid, this.contextTypes, { maxStartDepth: Math.max(0, this.bindingDepth - 1) }));
    }
    const r = this.analyzer.analyzeRegions(this.file, text, this.lang, tree, dirty, context, this.opts);
    const bound = chunksOf(dirty, r.semantics);
    const outside = text.slice(0, lo) + '\n' + text.slice(hi);
    for (const c of [...dirtyOld, ...bound]) {
      for (const b of c.bindings) {
        if (b.callable && new RegExp(`(^|[^\\w$])${b.name.replace(/[$]/g, '\\$&')}\\s*\\(`).test(outside)) return `the edit changed the function ${b.name}, called elsewhere`;
      }
    }
    // A module-level name the edit added, removed or renamed matters only if other statements use it.
    for (const name of changedNames(dirtyOld, bound)) {
      const re = new RegExp(`(^|[^\\w$])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w$])`);
      if (re.test(text.slice(0, lo)) || re.test(text.slice(hi))) return `the edit changed the module-level name ${name}, used elsewhere`;
    }
    if (r.semantics) {
      for (const b of r.semantics.moduleBindings()) if (b.at.startIndex >= lo && b.at.startIndex < hi) this.bindingDepth = Math.max(this.bindingDepth, bindingNodeDepth(b.at, this.bindingTypes));
    }

    // Keep what the edit cannot have changed, moved to the new offsets.
    const lastBefore = before ? old[before - 1].end : -1;
    const firstAfter = after ? old[old.length - after].start : Infinity;
    const kept: Finding[] = [];
    for (const f of this.findings) {
      const span = findingSpans.get(f);
      if (!span) continue;
      const reRun = !r.skipped.has(f.ruleId);
      // Moved even when before the edit: its related places (where a helper's caller passes the data) may be after it.
      if (span.end <= lastBefore || (!reRun && span.end < d.p)) kept.push(moved(f, span, d));
      else if (span.start >= firstAfter || (!reRun && span.start > d.oldEnd)) kept.push(moved(f, span, d));
    }
    this.adopt(text, tree);
    this.findings = [...kept, ...r.findings].sort(compareFindings);
    this.chunks = [...old.slice(0, before), ...bound, ...old.slice(old.length - after).map((c) => ({ ...c, start: c.start + delta, end: c.end + delta }))];
    this.stale = true;
    return { findings: this.findings, mode: 'partial' };
  }
}

/** Row and column (UTF-16 units) of `index`; `from`/`fromIndex` resume a count already made. */
function pointAt(text: string, index: number, from: Point = { row: 0, column: 0 }, fromIndex = 0): Point {
  let row = from.row;
  let lineStart = fromIndex - from.column;
  for (let i = text.indexOf('\n', fromIndex); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: index - lineStart };
}

/** Names bound at module level before or after the edit but not both (as many times). */
function changedNames(before: Chunk[], after: Chunk[]): Set<string> {
  const count = (cs: Chunk[]) => {
    const m = new Map<string, { name: string; n: number }>();
    for (const c of cs) for (const b of c.bindings) m.set(b.summary, { name: b.name, n: (m.get(b.summary)?.n ?? 0) + 1 });
    return m;
  };
  const a = count(before);
  const b = count(after);
  const out = new Set<string>();
  for (const [k, v] of a) if (b.get(k)?.n !== v.n) out.add(v.name);
  for (const [k, v] of b) if (a.get(k)?.n !== v.n) out.add(v.name);
  return out;
}

/**
 * Depth below the root of the node that made a binding: the deepest ancestor-or-self of the
 * bound identifier whose type binds names (the node that did is that one or above it), so
 * context queries that go this deep see every module-level binding.
 */
function bindingNodeDepth(at: Node, bindingTypes: Set<string>): number {
  let depth = 0;
  let found = -1;
  for (let n: Node | null = at; n; n = n.parent) {
    if (found < 0 && bindingTypes.has(n.type)) found = depth;
    depth++;
  }
  // `depth` counted every node up to and including the root.
  return found < 0 ? depth - 1 : depth - 1 - found;
}

/** Top-level statements as offsets, each with the module-level bindings it makes. */
function chunksOf(kids: readonly Node[], sem: Semantics | undefined): Chunk[] {
  const chunks: Chunk[] = kids.map((c) => ({ start: c.startIndex, end: c.endIndex, type: c.type, bindings: [] }));
  for (const b of sem?.moduleBindings() ?? []) {
    const at = b.at.startIndex;
    let lo = 0;
    let hi = chunks.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (chunks[mid].end <= at) lo = mid + 1;
      else if (chunks[mid].start > at) hi = mid - 1;
      else {
        // A definition's body is its own business; anything else a binding says may matter.
        const summary = JSON.stringify([b.name, b.kind, b.qualified ?? '', b.kind === 'function' ? '' : (b.value?.text ?? ''), b.member ?? '']);
        const v = b.value && sem!.dialect.unwrap(b.value);
        const callable = !!v && sem!.dialect.isFunction(v);
        chunks[mid].bindings.push({ name: b.name, kind: b.kind, summary, ...(callable ? { callable } : {}) });
        break;
      }
    }
  }
  return chunks;
}

/** A finding after the edit, moved by the text inserted or removed before it. */
function moved(f: Finding, span: { start: number; end: number }, d: { p: number; oldEnd: number; newEnd: number; oldEndPoint: Point; newEndPoint: Point }): Finding {
  const delta = d.newEnd - d.oldEnd;
  const rows = d.newEndPoint.row - d.oldEndPoint.row;
  // Positions before the edit stay; positions after it move with the text (rows, and columns
  // on the line where the edit ends).
  const pos = (p: { line: number; column: number }) => {
    if (p.line < d.oldEndPoint.row || (p.line === d.oldEndPoint.row && p.column < d.oldEndPoint.column)) return p;
    return { line: p.line + rows, column: p.line === d.oldEndPoint.row ? p.column + d.newEndPoint.column - d.oldEndPoint.column : p.column };
  };
  const range = (r: Finding['range']) => ({ start: pos(r.start), end: pos(r.end) });
  const out: Finding = { ...f, range: range(f.range) };
  // A related place or a hop in another file (a cross-file sink) did not move with this edit.
  if (f.related) out.related = f.related.map((x) => (x.file ? x : { ...x, range: range(x.range) }));
  if (f.flow) out.flow = f.flow.map((x) => (x.file === undefined ? { ...x, range: range(x.range) } : x));
  if (f.fix) out.fix = { ...f.fix, edits: f.fix.edits.map((e) => (e.start >= d.oldEnd ? { ...e, start: e.start + delta, end: e.end + delta } : e)) };
  const at = (o: number) => (o >= d.oldEnd ? o + delta : o);
  findingSpans.set(out, { start: at(span.start), end: at(span.end) });
  return out;
}
