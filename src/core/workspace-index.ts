import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { Node } from 'web-tree-sitter';
import { findingReports, type Analyzer, type CrossFileAnalysis } from './engine';
import { detectLanguage } from './languages';
import { moduleLinksFor, type CallTarget } from './module-links';
import { ModuleResolver } from './module-resolution';
import { parseSync } from './parser';
import type { ReportDescriptor, Rule } from './rule';
import { MAX_SOURCE_BYTES, readGuardedText } from './safe-fs';
import type { Binding, Semantics, SemanticsHooks, TaintInfo } from './semantics';
import type { LanguageId, Range, RelatedLocation } from './types';

/**
 * The workspace index: for each analysed file, a summary of what its exported functions do with
 * their parameters, so that a view passing request data to `models.find_user(name)` is flagged
 * when `find_user` runs `cursor.execute(f"... {name}")`.
 *
 * A summary is made by analysing the file once more with the parameters of its exported
 * functions as sources: every finding whose source is such a parameter is a sink of that
 * parameter, found by the same rules and models as everything else (there is no second sink
 * list). Summaries are made on demand — only when a call into the file has a tainted argument,
 * or its result's taint is asked — and cached by content hash; an entry is valid while the
 * summaries of the files it consulted are unchanged (their digests are part of the entry).
 *
 * Bounded: a summary consults other files' summaries at most MAX_IMPORT_DEPTH files deep, and an
 * import cycle is cut where it closes (the file being summarised counts as having no sinks).
 */

/** Files a chain of summaries may pass through (view → models → db → driver wrapper). */
export const MAX_IMPORT_DEPTH = 4;

export interface SummaryLocation {
  /** Absolute path, as the engine was given it. */
  file: string;
  range: Range;
  /** The flagged line, trimmed (for messages). */
  snippet: string;
}

/** A parameter that reaches a sink: the rule that flags it and where. JSON-able. */
export interface SinkSummary extends SummaryLocation {
  param: number;
  ruleId: string;
  message: string;
  /** The functions the data passes through after this one, when the sink is further away. */
  via: string[];
}

export interface FunctionSummary {
  params: (string | null)[];
  /** Parameters that reach the return value. */
  returnsParams: number[];
  /** The return value carries request data read inside the function. */
  returnsSource?: SummaryLocation;
  sinks: SinkSummary[];
}

/** One file's summary: its exported functions by export name. JSON-able. */
export interface ModuleSummary {
  exports: Record<string, FunctionSummary>;
}

interface Entry {
  hash: string;
  summary: ModuleSummary;
  digest: string;
  /** Files consulted while summarising, with their summary's digest then. */
  deps: Map<string, string>;
}

export interface WorkspaceIndexOptions {
  /** The workspace folder: nothing outside it is resolved or read. */
  root: string;
  /** The files the index may link (absolute paths; a scan passes what discovery found). */
  files: Iterable<string>;
  analyzer: Analyzer;
  /** Current text of a file (the editor's open documents); default: a guarded read inside `root`. */
  readText?: (file: string) => string | undefined;
}

const EMPTY: ModuleSummary = { exports: {} };

function digestOf(s: ModuleSummary): string {
  return createHash('sha1').update(JSON.stringify(s)).digest('hex');
}

function rangeOf(n: Node): Range {
  return { start: { line: n.startPosition.row, column: n.startPosition.column }, end: { line: n.endPosition.row, column: n.endPosition.column } };
}

export class WorkspaceIndex {
  readonly root: string;
  readonly resolver: ModuleResolver;
  private readonly analyzer: Analyzer;
  private readonly readText: (file: string) => string | undefined;
  private readonly overlay = new Map<string, string>();
  /** Content hash of each file's text when it was last summarised. */
  private readonly hashes = new Map<string, string>();
  /** Keyed by file and depth: a summary made deeper down saw less, so each depth has its own. */
  private readonly entries = new Map<string, Entry>();
  private readonly inProgress = new Set<string>();
  /** file → files whose analysis or summary called into it (for re-checks after an edit). */
  private readonly dependents = new Map<string, Set<string>>();
  /** file → files it called into (the other direction). */
  private readonly calls = new Map<string, Set<string>>();
  /** Summaries made (not reused): what the cost of the index is counted in. */
  summariesComputed = 0;

  constructor(o: WorkspaceIndexOptions) {
    this.root = path.resolve(o.root);
    this.resolver = new ModuleResolver(this.root, o.files);
    this.analyzer = o.analyzer;
    this.readText = o.readText ?? ((f) => {
      try {
        return readGuardedText(f, { maxBytes: MAX_SOURCE_BYTES, root: this.root });
      } catch {
        return undefined;
      }
    });
  }

  /** The editor's text of an open document, used instead of the disk's. */
  setText(file: string, text: string): void {
    this.overlay.set(path.resolve(file), text);
  }

  /** Back to the disk's text (the document closed or the file changed on disk). */
  forget(file: string): void {
    this.overlay.delete(path.resolve(file));
  }

  /** Files whose analysis called into `file` (directly), as recorded by earlier analyses. */
  dependentsOf(file: string): string[] {
    return [...(this.dependents.get(path.resolve(file)) ?? [])];
  }

  relative(file: string): string {
    return path.relative(this.root, file).split(path.sep).join('/');
  }

  /** The analysis hooks of one file (what the engine's `AnalyzeOptions.workspace` takes). */
  forFile(): CrossFileAnalysis {
    return new CrossFile(this, 0);
  }

  /** The summary of `file`, or undefined when it cannot be read or analysed. */
  summary(file: string, depth = 0): ModuleSummary | undefined {
    file = path.resolve(file);
    if (!this.resolver.has(file)) return undefined;
    const text = this.overlay.get(file) ?? this.readText(file);
    if (text === undefined) return undefined;
    const lang = detectLanguage(file);
    if (!lang) return undefined;
    if (this.inProgress.has(file)) return EMPTY; // an import cycle: cut where it closes
    const hash = createHash('sha1').update(text).digest('hex');
    this.hashes.set(file, hash);
    if (depth > MAX_IMPORT_DEPTH) return EMPTY; // too deep: cut here
    const key = `${depth}\0${file}`;
    const old = this.entries.get(key);
    if (old && old.hash === hash && this.depsUnchanged(old, depth)) return old.summary;
    this.inProgress.add(file);
    try {
      const deps = new Map<string, string>();
      const summary = this.summarise(file, text, lang, depth, deps);
      this.summariesComputed++;
      this.entries.set(key, { hash, summary, digest: digestOf(summary), deps });
      return summary;
    } catch {
      return undefined; // a parse or rule failure leaves the file unsummarised, not the caller broken
    } finally {
      this.inProgress.delete(file);
    }
  }

  private depsUnchanged(e: Entry, depth: number): boolean {
    for (const [dep, digest] of e.deps) {
      const now = this.summary(dep, depth + 1);
      if ((now ? digestOf(now) : '') !== digest) return false;
    }
    return true;
  }

  /**
   * The files `file`'s last analysis depended on, through the summaries it consulted and theirs,
   * with the content hash each had: a cached result of `file` is valid while these are unchanged.
   */
  dependenciesOf(file: string): Record<string, string> {
    const out: Record<string, string> = {};
    const todo = [...(this.calls.get(path.resolve(file)) ?? [])];
    while (todo.length) {
      const f = todo.pop()!;
      if (out[f] !== undefined) continue;
      out[f] = this.hashes.get(f) ?? '';
      todo.push(...(this.calls.get(f) ?? []));
    }
    return out;
  }

  /** Records that `from` called into `to`; during a summary also makes `to` a dependency of the entry. */
  noteDependency(from: string, to: string, summary: ModuleSummary | undefined, deps?: Map<string, string>): void {
    let set = this.dependents.get(to);
    if (!set) this.dependents.set(to, (set = new Set()));
    set.add(from);
    let out = this.calls.get(from);
    if (!out) this.calls.set(from, (out = new Set()));
    out.add(to);
    if (deps) deps.set(to, summary ? digestOf(summary) : '');
  }

  private summarise(file: string, text: string, lang: LanguageId, depth: number, deps: Map<string, string>): ModuleSummary {
    const links = moduleLinksFor(lang);
    const tree = parseSync(lang, text);
    try {
      const fns = links.exportedFunctions(tree.rootNode);
      if (fns.size === 0) return EMPTY;
      const byFn = new Map<number, { name: string; params: (string | undefined)[] }>();
      for (const [name, fn] of fns) byFn.set(fn.id, { name, params: links.parameters(fn) });
      // Parameter binding → (export, position), filled as the rules' taint questions reach them.
      const paramOf = new Map<number, { name: string; index: number }>();
      const paramIsSource = (b: Binding): boolean => {
        const info = b.fn && byFn.get(b.fn.id);
        if (!info || b.member) return false;
        const index = info.params.indexOf(b.name);
        if (index < 0) return false;
        paramOf.set(b.at.id, { name: info.name, index });
        return true;
      };
      const cross = new CrossFile(this, depth, { paramIsSource, deps });
      const a = this.analyzer.analyzeTree(file, text, lang, tree, { testPaths: 'normal', isTestFile: false, workspace: cross });
      const exports: Record<string, FunctionSummary> = {};
      for (const [name, info] of [...byFn.values()].map((v) => [v.name, v] as const)) {
        exports[name] = { params: info.params.map((p) => p ?? null), returnsParams: [], sinks: [] };
      }
      for (const f of a.findings) {
        const d = findingReports.get(f);
        const p = d?.source && paramOf.get(d.source.id);
        if (!p || f.suppression) continue;
        const further = d ? cross.sinkOf(d) : undefined;
        exports[p.name].sinks.push(
          further
            ? { ...further, param: p.index, via: [...further.via] }
            : { param: p.index, ruleId: f.ruleId, message: f.message, file, range: f.range, snippet: f.snippet, via: [] },
        );
      }
      const sem = a.semantics;
      if (sem) {
        for (const [fnId, info] of byFn) {
          const fn = [...fns.values()].find((n) => n.id === fnId)!;
          const ret = exports[info.name];
          for (const v of links.returnedValues(fn)) {
            const t = sem.taint(v);
            if (!t) continue;
            const p = paramOf.get(t.source.id);
            if (p && p.name === info.name) {
              if (!ret.returnsParams.includes(p.index)) ret.returnsParams.push(p.index);
            } else if (!p && !ret.returnsSource) {
              ret.returnsSource = cross.sourceLocation(t.source) ?? { file, range: rangeOf(t.source), snippet: t.source.text.slice(0, 60) };
            }
          }
        }
      }
      return { exports };
    } finally {
      tree.delete();
    }
  }
}

/** One analysis's link to the index: the hooks of its semantics and its cross-file reports. */
class CrossFile implements CrossFileAnalysis {
  private readonly targets = new Map<number, CallTarget | null>();
  private readonly sinks = new WeakMap<ReportDescriptor, SinkSummary>();
  /** Call nodes whose result is request data read in another file. */
  private readonly sources = new Map<number, SummaryLocation>();

  constructor(
    private readonly index: WorkspaceIndex,
    private readonly depth: number,
    private readonly summarising?: { paramIsSource: (b: Binding) => boolean; deps: Map<string, string> },
  ) {}

  hooks(file: string, lang: LanguageId): SemanticsHooks {
    return {
      paramIsSource: this.summarising?.paramIsSource,
      callSource: (call, sem) => this.callSource(file, lang, call, sem),
    };
  }

  private target(file: string, lang: LanguageId, sem: Semantics, call: Node): CallTarget | undefined {
    let t = this.targets.get(call.id);
    if (t === undefined) {
      t = moduleLinksFor(lang).callTarget(sem, call, file, this.index.resolver) ?? null;
      if (t && t.file === path.resolve(file)) t = null; // a file's own functions are not the index's business
      this.targets.set(call.id, t);
    }
    return t ?? undefined;
  }

  private summaryOf(from: string, t: CallTarget): FunctionSummary | undefined {
    const s = this.index.summary(t.file, this.depth + 1);
    this.index.noteDependency(path.resolve(from), t.file, s, this.summarising?.deps);
    // `import users from './users'; users.find(x)` with `module.exports = { find }`.
    return s?.exports[t.name] ?? (t.name.startsWith('default.') ? s?.exports[t.name.slice(8)] : undefined);
  }

  private callSource(file: string, lang: LanguageId, call: Node, sem: Semantics): TaintInfo | undefined {
    const t = this.target(file, lang, sem, call);
    if (!t) return undefined;
    const loc = this.summaryOf(file, t)?.returnsSource;
    if (!loc) return undefined;
    this.sources.set(call.id, loc);
    return { source: call, steps: [] };
  }

  sourceLocation(source: Node): SummaryLocation | undefined {
    return this.sources.get(source.id);
  }

  sourceNote(source: Node): RelatedLocation | undefined {
    const loc = this.sources.get(source.id);
    if (!loc) return undefined;
    return { message: `untrusted input enters in ${this.index.relative(loc.file)}:${loc.range.start.line + 1}: ${loc.snippet.slice(0, 60)}`, range: loc.range, file: loc.file };
  }

  /** The sink in another file a cross-file report stands for. */
  sinkOf(d: ReportDescriptor): SinkSummary | undefined {
    return this.sinks.get(d);
  }

  reports(file: string, lang: LanguageId, sem: Semantics, nodes: readonly Node[], rules: ReadonlyMap<string, Rule>): { rule: Rule; d: ReportDescriptor }[] {
    const out: { rule: Rule; d: ReportDescriptor }[] = [];
    const d = sem.dialect;
    for (const call of nodes) {
      if (!d.isCall(call)) continue;
      const t = this.target(file, lang, sem, call);
      if (!t) continue;
      const args = sem.args(call);
      // The taint of the arguments first: most calls into other files pass nothing from a request,
      // and then the callee's summary is never made.
      const tainted = args.positional.map((x) => sem.taint(x));
      const byKeyword = [...args.keywords].map(([k, x]) => [k, sem.taint(x)] as const).filter(([, v]) => v);
      if (!tainted.some(Boolean) && byKeyword.length === 0) continue;
      const fn = this.summaryOf(file, t);
      if (!fn) continue;
      for (const [k, v] of byKeyword) {
        const i = fn.params.indexOf(k);
        if (i >= 0 && !tainted[i]) tainted[i] = v;
      }
      const reported = new Set<string>();
      for (const sink of fn.sinks) {
        const taint = tainted[sink.param];
        const rule = rules.get(sink.ruleId);
        if (!taint || !rule || reported.has(sink.ruleId)) continue;
        reported.add(sink.ruleId);
        const where = `${this.index.relative(sink.file)}:${sink.range.start.line + 1}`;
        const via = [t.name, ...sink.via];
        const desc: ReportDescriptor = {
          node: call,
          message: `${sink.message} (in ${where}, reached through ${via.map((v) => `${v}()`).join(' → ')})`,
          source: taint.source,
          related: [{ message: `the sink, in ${where}: ${sink.snippet.slice(0, 80)}`, range: sink.range, file: sink.file }],
        };
        this.sinks.set(desc, { ...sink, via });
        out.push({ rule, d: desc });
      }
    }
    return out;
  }
}

/** A scan's indexes: one per discovery root, over the files found under it. */
export class ScanIndexes {
  private readonly byRoot = new Map<string, WorkspaceIndex>();

  constructor(roots: ReadonlyMap<string, readonly string[]>, analyzer: Analyzer) {
    for (const [root, files] of roots) this.byRoot.set(root, new WorkspaceIndex({ root, files, analyzer }));
  }

  /** Files grouped by the root they were found under (files named on their own have none). */
  static rootsOf(files: readonly { path: string; root?: string }[]): Map<string, string[]> {
    const roots = new Map<string, string[]>();
    for (const f of files) {
      if (f.root === undefined) continue;
      const list = roots.get(f.root) ?? [];
      list.push(f.path);
      roots.set(f.root, list);
    }
    return roots;
  }

  indexOf(f: { root?: string }): WorkspaceIndex | undefined {
    return f.root === undefined ? undefined : this.byRoot.get(f.root);
  }

  forFile(f: { root?: string }): CrossFileAnalysis | undefined {
    return this.indexOf(f)?.forFile();
  }

  get summariesComputed(): number {
    let n = 0;
    for (const i of this.byRoot.values()) n += i.summariesComputed;
    return n;
  }
}
