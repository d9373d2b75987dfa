import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { Node } from 'web-tree-sitter';
import { Analyzer, findingReports, type CrossFileAnalysis } from './engine';
import { localNode } from './taint-path';
import { dialectOf, detectLanguage, ruleLanguageOf } from './languages';
import { moduleLinksFor, type CallTarget } from './module-links';
import { ModuleResolver } from './module-resolution';
import { parseSync } from './parser';
import type { ReportDescriptor, Rule, RuleFamily } from './rule';
import { MAX_SOURCE_BYTES, readGuardedText } from './safe-fs';
import { Semantics, type Binding, type SemanticsHooks, type TaintInfo } from './semantics';
import type { LanguageId, Range, RelatedLocation } from './types';
import { SUMMARY_VERSION, type FunctionSummary, type ModuleSummary, type ParamToSink, type SummaryPosition } from './summary-types';

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

/** Where a sink or a source is: a workspace-relative path ('/'), the position, the flagged line. */
export interface IndexLocation extends SummaryPosition {
  path: string;
  /** The flagged line, trimmed; escaped by whoever prints it. */
  snippet: string;
}

/**
 * `ParamToSink` (src/core/summary-types.ts) as the index keeps it: the rule's message, and where
 * the sink really is — in this file, or further down a chain of calls into other files (`via`).
 */
export interface IndexedSink extends ParamToSink {
  message: string;
  at: IndexLocation;
  /** The exported functions the data passes through after this one, in call order. */
  via: string[];
}

/** The shared `FunctionSummary`, with sinks and a source that may lie in another file. */
export interface IndexedFunction extends Omit<FunctionSummary, 'sinks' | 'returnsSource'> {
  sinks: IndexedSink[];
  returnsSource?: FunctionSummary['returnsSource'] & { at: IndexLocation };
}

/** One file's summary: its exported functions (by the name other files call them). JSON-able. */
export interface IndexedModule extends Omit<ModuleSummary, 'functions'> {
  /** False when only what the functions return was computed (no rules ran): `sinks` are empty. */
  sinksKnown: boolean;
  functions: IndexedFunction[];
}

/**
 * What a summary is made for: `returns` (which functions return request data — the semantics
 * alone, cheap) or `sinks` as well (the file's rules run with parameters as sources).
 */
export type SummaryPart = 'returns' | 'sinks';

interface Entry {
  hash: string;
  summary: IndexedModule;
  digest: string;
  /** Summaries consulted while summarising, with their digest then. */
  deps: Map<string, Dependency>;
  /** The generation in which the entry was last found valid. */
  checkedAt: number;
  /** The longest chain of summaries below this one (0: it consulted none). */
  height: number;
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

/** Rule families whose findings can come from request data (their rules report a `source`). */
const TAINT_FAMILIES: ReadonlySet<RuleFamily> = new Set<RuleFamily>(['injection', 'xss', 'path', 'redirect', 'ssrf', 'deserialization', 'misc']);

/** A summary one file's analysis or summary consulted. */
interface Dependency {
  file: string;
  part: SummaryPart;
  fn?: string;
  digest?: string;
}

const NO_EXPORTS: ReadonlySet<string> = new Set();

function requestKey(file: string, part: SummaryPart, fn?: string): string {
  return `${part}\0${fn ?? '*'}\0${file}`;
}

function digestOf(s: IndexedModule): string {
  return createHash('sha1').update(JSON.stringify(s)).digest('hex');
}

function positionOf(r: Range): SummaryPosition {
  return { line: r.start.line, column: r.start.column, endLine: r.end.line, endColumn: r.end.column };
}

function rangeOfPosition(p: SummaryPosition): Range {
  return { start: { line: p.line, column: p.column }, end: { line: p.endLine ?? p.line, column: p.endColumn ?? p.column } };
}

function nodePosition(n: Node): SummaryPosition {
  return { line: n.startPosition.row, column: n.startPosition.column, endLine: n.endPosition.row, endColumn: n.endPosition.column };
}

/** The models' vulnerability class of a rule (`py-sql-injection` → `sql-injection`; see models/types.ts ruleIdFor). */
function vulnClassOf(ruleId: string): string {
  return ruleId.replace(/^(py|js)-/, '');
}

const byName = new WeakMap<IndexedModule, Map<string, IndexedFunction>>();

/** The exported function `name` of a module summary. */
export function exportedFunction(m: IndexedModule | undefined, name: string): IndexedFunction | undefined {
  if (!m) return undefined;
  let map = byName.get(m);
  if (!map) byName.set(m, (map = new Map(m.functions.map((f) => [f.name, f]))));
  return map.get(name);
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
  /** The summaries being made, innermost last: a cut below one marks it depth-dependent. */
  private readonly frames: { truncated: boolean; height: number }[] = [];
  private readonly texts = new Map<string, { text: string; hash: string } | null>();
  private readonly exportNames = new Map<string, { hash: string; names: ReadonlySet<string> }>();
  private generation = 0;
  /** file → files whose analysis or summary called into it (for re-checks after an edit). */
  private readonly dependents = new Map<string, Set<string>>();
  /** file → files it called into (the other direction). */
  private readonly calls = new Map<string, Set<string>>();
  /** Summaries made (not reused): what the cost of the index is counted in. */
  summariesComputed = 0;

  constructor(o: WorkspaceIndexOptions) {
    this.root = path.resolve(o.root);
    this.resolver = new ModuleResolver(this.root, o.files);
    // Summaries only need findings that follow data from a parameter: the families whose rules
    // report a source. The others (crypto, TLS, secrets…) would run for nothing.
    this.analyzer = new Analyzer(o.analyzer.rules.filter((r) => TAINT_FAMILIES.has(r.meta.family)));
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
    file = path.resolve(file);
    if (this.overlay.get(file) === text) return;
    this.overlay.set(file, text);
    this.changed(file);
  }

  /** Back to the disk's text (the document closed or the file changed on disk). */
  forget(file: string): void {
    file = path.resolve(file);
    this.overlay.delete(file);
    this.changed(file);
  }

  /** A file's text may differ: it is read again, and every entry is checked again once. */
  private changed(file: string): void {
    this.texts.delete(file);
    this.generation++;
  }

  /** Files whose analysis called into `file` (directly), as recorded by earlier analyses. */
  dependentsOf(file: string): string[] {
    return [...(this.dependents.get(path.resolve(file)) ?? [])];
  }

  relative(file: string): string {
    return path.relative(this.root, file).split(path.sep).join('/');
  }

  absolute(rel: string): string {
    return path.join(this.root, ...rel.split('/'));
  }

  /** The analysis hooks of one file (what the engine's `AnalyzeOptions.workspace` takes). */
  forFile(): CrossFileAnalysis {
    return new CrossFile(this, 0);
  }

  /**
   * The summary of `file` (for `part` 'sinks': of its exported function `fn` only — the rules run
   * with that function's parameters as sources), or undefined when it cannot be read or analysed.
   */
  summary(file: string, depth = 0, part: SummaryPart = 'returns', fn?: string): IndexedModule | undefined {
    file = path.resolve(file);
    if (!this.resolver.has(file)) return undefined;
    const t = this.textOf(file);
    if (!t) return undefined;
    const lang = detectLanguage(file);
    if (!lang) return undefined;
    const caller = this.frames[this.frames.length - 1];
    if (this.inProgress.has(file) || depth > MAX_IMPORT_DEPTH) {
      // An import cycle closes, or the chain is too long: cut here. The caller's summary is then
      // only valid at its own depth.
      if (caller) caller.truncated = true;
      return this.empty(file, lang);
    }
    const base = requestKey(file, part, fn);
    // A summary no cut reached, whose chain of files below is `height` long, is the same from
    // any depth that leaves room for that chain: one entry serves them all.
    const complete = this.valid(this.entries.get(base), t.hash, depth);
    if (complete && depth + complete.height <= MAX_IMPORT_DEPTH) {
      if (caller) caller.height = Math.max(caller.height, complete.height + 1);
      return complete.summary;
    }
    const key = `${base}\0${depth}`;
    const partial = this.valid(this.entries.get(key), t.hash, depth);
    if (partial) {
      if (caller) caller.truncated = true;
      return partial.summary;
    }
    this.inProgress.add(file);
    const frame = { truncated: false, height: 0 };
    this.frames.push(frame);
    try {
      const deps = new Map<string, Dependency>();
      const summary = this.summarise(file, t.text, lang, depth, deps, part, fn);
      this.summariesComputed++;
      this.entries.set(frame.truncated ? key : base, { hash: t.hash, summary, digest: digestOf(summary), deps, checkedAt: this.generation, height: frame.height });
      if (caller) {
        if (frame.truncated) caller.truncated = true;
        caller.height = Math.max(caller.height, frame.height + 1);
      }
      return summary;
    } catch {
      return undefined; // a parse or rule failure leaves the file unsummarised, not the caller broken
    } finally {
      this.frames.pop();
      this.inProgress.delete(file);
    }
  }

  /** Whether the file's text can define a function `name` (a text test, before any parse). */
  mayDefine(file: string, name: string): boolean {
    const t = this.textOf(path.resolve(file));
    const lang = detectLanguage(file);
    if (!t || !lang) return false;
    if (name === 'default') return true;
    return moduleLinksFor(lang).mayDefine(t.text, name);
  }

  /** The names of a file's exported functions (a parse, no analysis), cached by content hash. */
  exportsOf(file: string): ReadonlySet<string> {
    file = path.resolve(file);
    const t = this.textOf(file);
    const lang = detectLanguage(file);
    if (!t || !lang) return NO_EXPORTS;
    const known = this.exportNames.get(file);
    if (known && known.hash === t.hash) return known.names;
    let names: ReadonlySet<string> = NO_EXPORTS;
    try {
      const tree = parseSync(lang, t.text);
      try {
        names = new Set(moduleLinksFor(lang).exportedFunctions(tree.rootNode).keys());
      } finally {
        tree.delete();
      }
    } catch {
      // not parsed (grammar missing, parser crash): nothing exported
    }
    this.exportNames.set(file, { hash: t.hash, names });
    return names;
  }

  /**
   * Whether a file may have a function returning request data of its own (a global source; see
   * `ModuleLinks.mayReadGlobalSource`). Request data a helper is passed already taints its result
   * at the call; without this test every call whose taint a rule asks would summarise its callee.
   */
  readsRequestData(file: string): boolean {
    const t = this.textOf(path.resolve(file));
    const lang = detectLanguage(file);
    return !!t && !!lang && moduleLinksFor(lang).mayReadGlobalSource(t.text);
  }

  /** The file's current text and its hash, read once per generation (an edit starts a new one). */
  private textOf(file: string): { text: string; hash: string } | undefined {
    const known = this.texts.get(file);
    if (known !== undefined) return known ?? undefined;
    const text = this.overlay.get(file) ?? this.readText(file);
    const t = text === undefined ? undefined : { text, hash: createHash('sha1').update(text).digest('hex') };
    this.texts.set(file, t ?? null);
    if (t) this.hashes.set(file, t.hash);
    return t;
  }

  /** The entry when its file is unchanged and so are the summaries it consulted. */
  private valid(e: Entry | undefined, hash: string, depth: number): Entry | undefined {
    if (!e || e.hash !== hash) return undefined;
    if (e.checkedAt === this.generation) return e;
    if (!this.depsUnchanged(e, depth)) return undefined;
    e.checkedAt = this.generation;
    return e;
  }

  private empty(file: string, lang: LanguageId): IndexedModule {
    return { version: SUMMARY_VERSION, language: ruleLanguageOf(lang), path: this.relative(file), sinksKnown: true, functions: [] };
  }

  private depsUnchanged(e: Entry, depth: number): boolean {
    for (const d of e.deps.values()) {
      const now = this.summary(d.file, depth + 1, d.part, d.fn);
      if ((now ? digestOf(now) : '') !== d.digest) return false;
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
  noteDependency(from: string, to: Dependency, summary: IndexedModule | undefined, deps?: Map<string, Dependency>): void {
    if (deps) deps.set(requestKey(to.file, to.part, to.fn), { ...to, digest: summary ? digestOf(summary) : '' });
    this.noteCall(from, to.file);
  }

  private noteCall(from: string, to: string): void {
    let set = this.dependents.get(to);
    if (!set) this.dependents.set(to, (set = new Set()));
    set.add(from);
    let out = this.calls.get(from);
    if (!out) this.calls.set(from, (out = new Set()));
    out.add(to);
  }

  private summarise(file: string, text: string, lang: LanguageId, depth: number, deps: Map<string, Dependency>, part: SummaryPart, only?: string): IndexedModule {
    const links = moduleLinksFor(lang);
    const tree = parseSync(lang, text);
    const module: IndexedModule = { version: SUMMARY_VERSION, language: ruleLanguageOf(lang), path: this.relative(file), sinksKnown: part === 'sinks', functions: [] };
    try {
      const fns = links.exportedFunctions(tree.rootNode);
      if (part === 'sinks') for (const name of [...fns.keys()]) if (name !== only) fns.delete(name);
      if (fns.size === 0) return module;
      const byFn = new Map<number, { fn: Node; summary: IndexedFunction; names: (string | undefined)[] }>();
      for (const [name, fn] of fns) {
        const names = links.parameters(fn);
        const params = names.flatMap((n, index) => (n === undefined ? [] : [{ name: n, index, keyword: lang === 'python' }]));
        const summary: IndexedFunction = { name, kind: functionKind(fn, name), at: nodePosition(fn), params, returns: [], sinks: [] };
        if (name.includes('.')) summary.className = name.slice(0, name.lastIndexOf('.'));
        module.functions.push(summary);
        byFn.set(fn.id, { fn, summary, names });
      }
      // Parameter binding → (function, position), filled as the rules' taint questions reach them.
      const paramOf = new Map<number, { summary: IndexedFunction; index: number }>();
      const paramIsSource = (b: Binding): boolean => {
        const info = b.fn && byFn.get(b.fn.id);
        if (!info || b.member) return false;
        const index = info.names.indexOf(b.name);
        if (index < 0) return false;
        paramOf.set(b.at.id, { summary: info.summary, index });
        return true;
      };
      const cross = new CrossFile(this, depth, { paramIsSource, isParam: (n) => paramOf.has(n.id), deps });
      const a =
        part === 'sinks'
          ? this.analyzer.analyzeTree(file, text, lang, tree, { testPaths: 'normal', isTestFile: false, workspace: cross })
          : { findings: [], semantics: new Semantics(tree.rootNode, dialectOf(lang), undefined, { hooks: cross.hooks(file, lang) }) };
      for (const f of a.findings) {
        const d = findingReports.get(f);
        // Rules report the whole taint (`taint`) or only its source; a probed parameter is either.
        const src = d ? (d.taint ? localNode(d.taint.source) : d.source) : undefined;
        const p = src && paramOf.get(src.id);
        if (!p || f.suppression) continue;
        const further = d ? cross.sinkOf(d) : undefined;
        const here: IndexedSink = {
          param: p.index,
          vulnClass: vulnClassOf(f.ruleId),
          ruleId: f.ruleId,
          sink: positionOf(f.range),
          steps: [],
          message: f.message,
          at: { path: module.path, ...positionOf(f.range), snippet: f.snippet },
          via: [],
        };
        p.summary.sinks.push(further ? { ...further, param: p.index, sink: here.sink, via: [...further.via] } : here);
      }
      const sem = a.semantics;
      if (sem) {
        for (const { fn, summary } of byFn.values()) {
          for (const v of links.returnedValues(fn)) {
            const t = sem.taint(v);
            if (!t) continue;
            const p = paramOf.get(t.source.id);
            if (p && p.summary === summary) {
              if (!summary.returns.some((r) => r.param === p.index)) summary.returns.push({ param: p.index, steps: [] });
            } else if (!p && !summary.returnsSource) {
              const source = nodePosition(t.source);
              summary.returnsSource = { source, steps: [], at: cross.sourceLocation(t.source) ?? { path: module.path, ...source, snippet: t.source.text.slice(0, 60) } };
            }
          }
        }
      }
      return module;
    } finally {
      tree.delete();
    }
  }
}

function functionKind(fn: Node, name: string): IndexedFunction['kind'] {
  if (fn.type === 'arrow_function') return 'arrow';
  if (fn.type === 'lambda') return 'lambda';
  return name.includes('.') || fn.type === 'method_definition' ? 'method' : 'function';
}

/** One analysis's link to the index: the hooks of its semantics and its cross-file reports. */
class CrossFile implements CrossFileAnalysis {
  private readonly targets = new Map<number, CallTarget | null>();
  private readonly memo = new Map<string, CallTarget | null>();
  private readonly sinks = new WeakMap<ReportDescriptor, IndexedSink>();
  /** Call nodes whose result is request data read in another file. */
  private readonly sources = new Map<number, IndexLocation>();

  constructor(
    private readonly index: WorkspaceIndex,
    private readonly depth: number,
    private readonly summarising?: { paramIsSource: (b: Binding) => boolean; isParam: (source: Node) => boolean; deps: Map<string, Dependency> },
  ) {}

  hooks(file: string, lang: LanguageId): SemanticsHooks {
    // A new analysis (a live document reuses its options across parses): node ids may repeat.
    this.targets.clear();
    this.memo.clear();
    this.sources.clear();
    return {
      paramIsSource: this.summarising?.paramIsSource,
      callSource: (call, sem) => this.callSource(file, lang, call, sem),
    };
  }

  private target(file: string, lang: LanguageId, sem: Semantics, call: Node): CallTarget | undefined {
    let t = this.targets.get(call.id);
    if (t === undefined) {
      t = moduleLinksFor(lang).callTarget(sem, call, file, this.index.resolver, this.memo) ?? null;
      if (t && t.file === path.resolve(file)) t = null; // a file's own functions are not the index's business
      this.targets.set(call.id, t);
    }
    return t ?? undefined;
  }

  private summaryOf(from: string, t: CallTarget, part: SummaryPart): IndexedFunction | undefined {
    // `import users from './users'; users.find(x)` with `module.exports = { find }`: the name
    // the module's exports know, found from the cheap summary (it lists every export).
    // Most calls into other files call classes, constants or re-exports: no summary for those
    // (and no parse either when the file's text cannot define the name).
    if (!this.index.mayDefine(t.file, t.name.slice(t.name.lastIndexOf('.') + 1))) return undefined;
    const names = this.index.exportsOf(t.file);
    let name = t.name;
    if (!names.has(name) && name.startsWith('default.')) name = name.slice(8);
    if (!names.has(name)) return undefined;
    const fn = part === 'sinks' ? name : undefined;
    const s = this.index.summary(t.file, this.depth + 1, part, fn);
    this.index.noteDependency(path.resolve(from), { file: t.file, part, fn }, s, this.summarising?.deps);
    return exportedFunction(s, name);
  }

  private callSource(file: string, lang: LanguageId, call: Node, sem: Semantics): TaintInfo | undefined {
    const t = this.target(file, lang, sem, call);
    if (!t || !this.index.readsRequestData(t.file)) return undefined;
    const loc = this.summaryOf(file, t, 'returns')?.returnsSource?.at;
    if (!loc) return undefined;
    this.sources.set(call.id, loc);
    return { source: call, steps: [] };
  }

  sourceLocation(source: Node): IndexLocation | undefined {
    return this.sources.get(source.id);
  }

  sourceNote(source: Node): RelatedLocation | undefined {
    const loc = this.sources.get(source.id);
    if (!loc) return undefined;
    return { message: `untrusted input enters in ${loc.path}:${loc.line + 1}: ${loc.snippet.slice(0, 60)}`, range: rangeOfPosition(loc), file: this.index.absolute(loc.path) };
  }

  /** The sink in another file a cross-file report stands for. */
  sinkOf(d: ReportDescriptor): IndexedSink | undefined {
    return this.sinks.get(d);
  }

  reports(file: string, lang: LanguageId, sem: Semantics, nodes: readonly Node[], rules: ReadonlyMap<string, Rule>): { rule: Rule; d: ReportDescriptor }[] {
    const out: { rule: Rule; d: ReportDescriptor }[] = [];
    // While summarising, parameters are the sources; otherwise a file that never reads request
    // data passes none to other files (a helper returning it is the exception this misses).
    if (!this.summarising && !moduleLinksFor(lang).mayReadSources(sem.root.text)) return out;
    const d = sem.dialect;
    for (const call of nodes) {
      if (!d.isCall(call)) continue;
      const t = this.target(file, lang, sem, call);
      if (!t) continue;
      const args = sem.args(call);
      // The taint of the arguments first: most calls into other files pass nothing from a request,
      // and then the callee's summary is never made.
      // While summarising, only a parameter's data matters: request data read in the file is the
      // file's own analysis's business, and following it would make summaries nobody asked for.
      const relevant = (x: Node) => {
        const taint = sem.taint(x);
        return taint && (!this.summarising || this.summarising.isParam(taint.source)) ? taint : undefined;
      };
      const tainted = args.positional.map(relevant);
      const byKeyword = [...args.keywords].map(([k, x]) => [k, relevant(x)] as const).filter(([, v]) => v);
      if (!tainted.some(Boolean) && byKeyword.length === 0) continue;
      const fn = this.summaryOf(file, t, 'sinks');
      if (!fn) continue;
      for (const [k, v] of byKeyword) {
        const i = fn.params.find((p) => p.keyword && p.name === k)?.index;
        if (i !== undefined && !tainted[i]) tainted[i] = v;
      }
      const reported = new Set<string>();
      for (const sink of fn.sinks) {
        const taint = tainted[sink.param];
        const rule = rules.get(sink.ruleId);
        if (!taint || !rule || reported.has(sink.ruleId)) continue;
        reported.add(sink.ruleId);
        const where = `${sink.at.path}:${sink.at.line + 1}`;
        const via = [t.name, ...sink.via];
        const desc: ReportDescriptor = {
          node: call,
          message: `${sink.message} (in ${where}, reached through ${via.map((v) => `${v}()`).join(' → ')})`,
          source: taint.source,
          related: [{ message: `the sink, in ${where}: ${sink.at.snippet.slice(0, 80)}`, range: rangeOfPosition(sink.at), file: this.index.absolute(sink.at.path) }],
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

/**
 * The editor's indexes: one per workspace folder, over the files a discovery walk lists (made on
 * first use). Open documents' text replaces the disk's; after a file's text changes, the files
 * whose analysis called into it are the ones to re-check (when typing pauses).
 */
export class LiveIndexes {
  private readonly byRoot = new Map<string, WorkspaceIndex>();

  constructor(
    private readonly analyzer: Analyzer,
    /** The analysable files under a folder (the editor passes a discovery walk). */
    private readonly listFiles: (root: string) => string[],
  ) {}

  indexFor(root: string): WorkspaceIndex {
    root = path.resolve(root);
    let index = this.byRoot.get(root);
    if (!index) this.byRoot.set(root, (index = new WorkspaceIndex({ root, files: this.listFiles(root), analyzer: this.analyzer })));
    return index;
  }

  /** Records a document's current text; returns the files that called into it, to re-check. */
  changed(root: string, file: string, text: string): string[] {
    const index = this.indexFor(root);
    index.setText(file, text);
    return index.dependentsOf(file);
  }

  /** The document closed or changed on disk: the disk's text counts again. */
  closed(root: string, file: string): string[] {
    const index = this.byRoot.get(path.resolve(root));
    if (!index) return [];
    index.forget(file);
    return index.dependentsOf(file);
  }
}
