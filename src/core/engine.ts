import type { Node, Tree } from 'web-tree-sitter';
import { dialectOf, isTestPath, ruleLanguageOf, testPathTreatment, type TestPathMode, type TestPathTreatment } from './languages';
import { ensureLanguages, guardTraps, isWasmTrap, parseSync } from './parser';
import { buildFinding } from './finding';
import { type ReportDescriptor, type Rule, type RuleContext, type Visitors } from './rule';
import { Semantics, type SemanticsHooks } from './semantics';
import { flowFromTaint, localNode } from './taint-path';
import { captureNodes } from './query';
import { languageEntry, ruleSet, type RuleSet } from './language-registry';
import { expiredNote, parseSuppression, suppressionExpired, suppressionMatches, type SuppressionComment } from './suppressions';
import type { Finding, LanguageId, Range, RelatedLocation, TextEdit } from './types';

/** Re-exported for callers that configure the engine; the policy itself lives in languages.ts. */
export type { TestPathMode };

export interface AnalyzeOptions {
  /** How to treat tests, fixtures and examples: demote severity (default), skip, or treat as production. */
  testPaths?: TestPathMode;
  /** Called when one rule throws: the other rules and files go on. */
  onRuleError?: (ruleId: string, file: string, error: unknown) => void;
  /**
   * Whether the file is test code. Callers that know the workspace root pass a decision made on
   * the root-relative path; by default the path as given is looked at.
   */
  isTestFile?: boolean;
  /**
   * What other workspace files contribute (src/core/workspace-index.ts): taint hooks for the
   * file's semantics, and findings for calls whose argument reaches a sink in another file.
   */
  workspace?: CrossFileAnalysis;
}

/** The engine's view of the workspace index, for one file's analysis. */
export interface CrossFileAnalysis {
  hooks(file: string, lang: LanguageId): SemanticsHooks;
  /** Reports for calls into other files, after the rules ran (the rules are those active here). */
  reports(file: string, lang: LanguageId, sem: Semantics, nodes: readonly Node[], rules: ReadonlyMap<string, Rule>): { rule: Rule; d: ReportDescriptor }[];
  /** The related location a source from another file is shown with, instead of "enters here". */
  sourceNote?(source: Node): RelatedLocation | undefined;
}

export interface FileAnalysis {
  file: string;
  language: LanguageId;
  findings: Finding[];
  tree: Tree;
  /** Set when the parse had syntax errors; findings are still reported for the parts that parsed. */
  syntaxErrors: number;
  /** Name resolution of the file, for callers that analyse further (incremental re-checks). */
  semantics?: Semantics;
}

/** Stands in for a real context when only the visitor keys of a rule are wanted. */
const PROBE_CONTEXT = new Proxy({} as RuleContext, {
  get: (_t, prop) => (prop === 'source' || prop === 'file' ? '' : prop === 'isTestFile' ? false : new Proxy(() => undefined, { get: () => () => undefined })),
});

const STATEMENT_PARENTS = new Set(['module', 'block', 'program', 'statement_block', 'class_body', 'switch_body', 'switch_case', 'switch_default', 'else_clause']);

function rangeOf(start: Node, end: Node = start): Range {
  return {
    start: { line: start.startPosition.row, column: start.startPosition.column },
    end: { line: end.endPosition.row, column: end.endPosition.column },
  };
}

/** The statement holding `node`, and the lines a suppression on it covers. */
function statementLines(node: Node, findingEndLine: number): [number, number] {
  let n: Node = node;
  while (n.parent && !STATEMENT_PARENTS.has(n.parent.type)) n = n.parent;
  const compound = n.namedChildren.some((c) => c?.type === 'block' || c?.type === 'statement_block' || c?.type === 'class_body');
  // For a def/class/if, only the header up to the flagged line: a comment deep inside the body must not hide it.
  return [n.startPosition.row, compound ? findingEndLine : n.endPosition.row];
}

/** Suppression comments, found by a text scan for the markers, then confirmed as comment nodes. */
function collectSuppressions(root: Node, lines: string[], rules: RuleSet): Map<number, SuppressionComment[]> {
  const byLine = new Map<number, SuppressionComment[]>();
  const seen = new Set<number>();
  lines.forEach((line, row) => {
    for (const marker of ['sitewarden-ignore', 'nosec']) {
      const col = line.indexOf(marker);
      if (col < 0) continue;
      const node = root.descendantForPosition({ row, column: col });
      if (!node || !rules.commentNodeTypes.includes(node.type) || seen.has(node.id)) continue;
      seen.add(node.id);
      const start = node.startPosition;
      const standalone = lines[start.row].slice(0, start.column).trim() === '';
      const s = parseSuppression(node.text, start.row, standalone, rules.comments);
      if (s) {
        const list = byLine.get(start.row) ?? [];
        list.push(s);
        byLine.set(start.row, list);
      }
    }
  });
  return byLine;
}

function countErrors(root: Node): number {
  if (!root.hasError) return 0;
  let n = 0;
  // Deleted explicitly: a cursor left to the garbage collector is finalised with its tree's
  // address, which may be freed by then (web-tree-sitter), and corrupts wasm memory.
  const cursor = root.walk();
  const visit = (): void => {
    do {
      const node = cursor.currentNode;
      if (node.isError || node.isMissing) n++;
      else if (node.hasError && cursor.gotoFirstChild()) {
        visit();
        cursor.gotoParent();
      }
    } while (cursor.gotoNextSibling());
  };
  try {
    visit();
  } finally {
    cursor.delete();
  }
  return n;
}

/**
 * Runs rules over one file: parse once, one traversal dispatching nodes by type to every rule's
 * visitors, then suppressions and test-path policy applied to what was reported.
 */
export class Analyzer {
  private readonly byLanguage = new Map<string, Rule[]>();

  constructor(readonly rules: readonly Rule[]) {
    for (const r of rules) {
      // A rule of a language without a registry entry would never run: refuse it here.
      if (r.meta.language !== 'text') ruleSet(r.meta.language);
      const list = this.byLanguage.get(r.meta.language) ?? [];
      list.push(r);
      this.byLanguage.set(r.meta.language, list);
    }
  }

  private readonly shapes = new Map<Rule, { types: string[]; exit: boolean }>();

  /**
   * The node types a rule visits, and whether it reports at `program:exit`. Visitors are the
   * same for every file (create() only builds closures), so they are recorded once, from a
   * create() with a context that has no file.
   */
  private shapeOf(r: Rule): { types: string[]; exit: boolean } {
    let shape = this.shapes.get(r);
    if (!shape) {
      try {
        const keys = Object.keys(r.create(PROBE_CONTEXT));
        shape = { types: keys.filter((k) => k !== 'program:exit'), exit: keys.includes('program:exit') };
      } catch {
        shape = { types: [], exit: false };
      }
      this.shapes.set(r, shape);
    }
    return shape;
  }

  private visitedTypes(rules: readonly Rule[]): string[] {
    return rules.flatMap((r) => this.shapeOf(r).types);
  }

  rulesFor(lang: LanguageId): Rule[] {
    return this.byLanguage.get(ruleLanguageOf(lang)) ?? [];
  }

  async prepare(langs: Iterable<LanguageId>): Promise<void> {
    await ensureLanguages(langs);
  }

  async analyze(file: string, text: string, lang: LanguageId, opts: AnalyzeOptions = {}): Promise<FileAnalysis> {
    await ensureLanguages([lang]);
    return this.analyzeSync(file, text, lang, opts);
  }

  /** The grammar must be loaded. `oldTree`, already edited, makes the parse incremental. */
  analyzeSync(file: string, text: string, lang: LanguageId, opts: AnalyzeOptions = {}, oldTree?: Tree): FileAnalysis {
    const tree = parseSync(lang, text, oldTree);
    return this.analyzeTree(file, text, lang, tree, opts);
  }

  analyzeTree(file: string, text: string, lang: LanguageId, tree: Tree, opts: AnalyzeOptions = {}): FileAnalysis {
    return guardTraps(lang, () => this.analyzeTreeUnguarded(file, text, lang, tree, opts));
  }

  private analyzeTreeUnguarded(file: string, text: string, lang: LanguageId, tree: Tree, opts: AnalyzeOptions): FileAnalysis {
    const env = this.environment(file, lang, opts);
    const result: FileAnalysis = { file, language: lang, findings: [], tree, syntaxErrors: countErrors(tree.rootNode) };
    if (!env) return result;
    // One query finds every node the rules visit and every binding/scope node, in document order.
    const types = new Set([...this.visitedTypes(env.active), ...env.dialect.bindingTypes, ...env.dialect.scopeTypes]);
    const nodes = captureNodes(tree.rootNode, types);
    const sem = new Semantics(tree.rootNode, env.dialect, nodes, { hooks: opts.workspace?.hooks(file, lang) });
    result.findings = this.runRules(file, text, lang, tree, env, env.active, nodes, types, sem, opts);
    result.semantics = sem;
    return result;
  }

  /**
   * Re-runs rules on some top-level statements only (`regions`, nodes of `tree`), for an edit
   * that stayed inside them. Name resolution still sees the whole module: `context` holds the
   * binding and scope nodes outside the regions, in document order. Rules that summarise the
   * whole file at `program:exit` are left out; the caller keeps their earlier findings.
   */
  analyzeRegions(file: string, text: string, lang: LanguageId, tree: Tree, regions: readonly Node[], context: readonly Node[], opts: AnalyzeOptions = {}): { findings: Finding[]; semantics?: Semantics; skipped: Set<string> } {
    return guardTraps(lang, () => this.analyzeRegionsUnguarded(file, text, lang, tree, regions, context, opts));
  }

  private analyzeRegionsUnguarded(file: string, text: string, lang: LanguageId, tree: Tree, regions: readonly Node[], context: readonly Node[], opts: AnalyzeOptions): { findings: Finding[]; semantics?: Semantics; skipped: Set<string> } {
    const env = this.environment(file, lang, opts);
    if (!env) return { findings: [], skipped: new Set() };
    const local: Rule[] = [];
    const skipped = new Set<string>();
    for (const r of env.active) {
      if (this.isWholeFile(r)) skipped.add(r.meta.id);
      else local.push(r);
    }
    const types = new Set([...this.visitedTypes(local), ...env.dialect.bindingTypes, ...env.dialect.scopeTypes]);
    const visited: Node[] = [];
    for (const r of regions) visited.push(...captureNodes(r, types));
    const nodes = mergeInOrder(context, visited);
    const sem = new Semantics(tree.rootNode, env.dialect, nodes, { hooks: opts.workspace?.hooks(file, lang) });
    const findings = this.runRules(file, text, lang, tree, env, local, visited, types, sem, opts);
    return { findings, semantics: sem, skipped };
  }

  /** Node types that bind names and that open scopes, in `lang`. */
  nameTypes(lang: LanguageId): { binding: readonly string[]; scope: readonly string[] } {
    const d = dialectOf(lang);
    return { binding: d.bindingTypes, scope: d.scopeTypes };
  }

  /** Rules whose findings depend on the whole file: they report at `program:exit` or say so. */
  isWholeFile(rule: Rule): boolean {
    return !!rule.meta.wholeFile || this.shapeOf(rule).exit;
  }

  private environment(file: string, lang: LanguageId, opts: AnalyzeOptions) {
    const isTest = opts.isTestFile ?? isTestPath(file);
    const tests = testPathTreatment(opts.testPaths, isTest);
    if (!tests.analyse) return undefined;
    const dialect = dialectOf(lang);
    const active = this.rulesFor(lang).filter((r) => tests.runs(r.meta));
    return { tests, isTest, dialect, active };
  }

  private runRules(
    file: string,
    text: string,
    lang: LanguageId,
    tree: Tree,
    env: { tests: TestPathTreatment; isTest: boolean },
    active: readonly Rule[],
    nodes: readonly Node[],
    types: Set<string>,
    sem: Semantics,
    opts: AnalyzeOptions,
  ): Finding[] {
    const { tests, isTest } = env;
    const root = tree.rootNode;
    const raw: { rule: Rule; d: ReportDescriptor }[] = [];
    const dispatch = new Map<string, { rule: Rule; fn: (n: Node) => void }[]>();
    const exits: { rule: Rule; fn: () => void }[] = [];
    for (const rule of active) {
      let visitors: Visitors;
      const ctx: RuleContext = {
        file,
        source: text,
        language: lang,
        tree,
        isTestFile: isTest,
        sem,
        report: (d) => raw.push({ rule, d }),
        replace: (node, newText): TextEdit => ({ start: node.startIndex, end: node.endIndex, newText }),
        insertAt: (offset, t): TextEdit => ({ start: offset, end: offset, newText: t }),
        text: (node) => node.text,
      };
      try {
        visitors = rule.create(ctx);
      } catch (e) {
        if (isWasmTrap(e)) throw e;
        opts.onRuleError?.(rule.meta.id, file, e);
        continue;
      }
      for (const [type, fn] of Object.entries(visitors)) {
        if (type === 'program:exit') exits.push({ rule, fn: fn as () => void });
        else {
          const list = dispatch.get(type) ?? [];
          list.push({ rule, fn: fn as (n: Node) => void });
          dispatch.set(type, list);
        }
      }
    }

    const failed = new Set<Rule>();
    // The node is passed rather than closed over: a Django-sized audit makes about a million calls.
    const run = (rule: Rule, f: (n: Node) => void, node: Node): void => {
      if (failed.size && failed.has(rule)) return;
      try {
        f(node);
      } catch (e) {
        if (isWasmTrap(e)) throw e; // not the rule's fault: the whole file's analysis stops
        failed.add(rule); // a broken rule is reported once per file and then left out
        opts.onRuleError?.(rule.meta.id, file, e);
      }
    };
    // A rule whose visitors differ from what it returned when its types were recorded gets the
    // missing node types from a second, small query.
    const missing = [...dispatch.keys()].filter((t) => !types.has(t));
    const all = missing.length ? [...nodes, ...captureNodes(root, missing)].sort((a, b) => a.startIndex - b.startIndex) : nodes;
    for (const node of all) {
      const handlers = dispatch.get(node.type);
      if (handlers) for (const h of handlers) run(h.rule, h.fn, node);
    }
    for (const e of exits) run(e.rule, e.fn, root);
    if (opts.workspace) raw.push(...opts.workspace.reports(file, lang, sem, nodes, new Map(active.map((r) => [r.meta.id, r]))));

    const lines = raw.length ? text.split('\n') : [];
    const suppressions = raw.length ? collectSuppressions(root, lines, languageEntry(lang).rules) : new Map<number, SuppressionComment[]>();
    const seen = new Set<string>();
    const findings: Finding[] = [];
    for (const { rule, d } of raw) {
      const m = rule.meta;
      const range = rangeOf(d.node, d.endNode ?? d.node);
      const key = `${m.id}:${range.start.line}:${range.start.column}`;
      if (seen.has(key)) continue; // two visitors reaching the same node report once
      seen.add(key);
      const related = [...(d.related ?? [])];
      // A source in another file is shown by the path alone, or by the workspace index's note.
      const source = d.taint ? localNode(d.taint.source) : d.source;
      const note = source && opts.workspace?.sourceNote?.(source);
      if (note) related.push(note);
      else if (source && source.id !== d.node.id) related.push({ message: `untrusted input enters here: ${source.text.slice(0, 60)}`, range: rangeOf(source) });
      const finding = buildFinding({
        meta: m,
        file,
        range,
        lineText: lines[range.start.line] ?? '',
        message: d.message,
        severity: d.severity,
        confidence: d.confidence ?? (d.taint || d.source ? 'high' : undefined),
        fix: d.fix,
        related,
        flow: d.taint ? flowFromTaint(d.taint, file, d.node, range, sem, (n) => rangeOf(n)) : undefined,
        checklist: d.checklist,
        tests,
      });
      const [from, to] = statementLines(d.node, range.end.line);
      for (let line = from - 1; line <= to && !finding.suppression; line++) {
        for (const s of suppressions.get(line) ?? []) {
          if (line === from - 1 && !s.standalone) continue;
          if (suppressionMatches(s, m.id, m.bandit)) {
            if (suppressionExpired(s)) {
              finding.message += expiredNote(s);
              continue;
            }
            finding.suppression = { kind: s.kind, justification: s.justification, ...(s.until ? { until: s.until } : {}) };
            break;
          }
        }
      }
      findingSpans.set(finding, { start: d.node.startIndex, end: (d.endNode ?? d.node).endIndex });
      findingReports.set(finding, d);
      findings.push(finding);
    }
    findings.sort(compareFindings);
    return findings;
  }
}

export function compareFindings(a: Finding, b: Finding): number {
  return a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column || a.ruleId.localeCompare(b.ruleId);
}

/**
 * Source offsets (UTF-16) of the flagged code. Kept beside the finding, not in it, because
 * findings are serialised as they are.
 */
export const findingSpans = new WeakMap<Finding, { start: number; end: number }>();

/**
 * The report each finding was made from (its source node among others), for the workspace index,
 * which turns findings whose source is a parameter into module summaries. Valid while the tree lives.
 */
export const findingReports = new WeakMap<Finding, ReportDescriptor>();

/** Two lists of nodes, each in document order and not overlapping each other, merged. */
function mergeInOrder(a: readonly Node[], b: readonly Node[]): Node[] {
  const out: Node[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    // On a tie the context node comes first: only the root can start where an edited statement does.
    if (j >= b.length || (i < a.length && a[i].startIndex <= b[j].startIndex)) out.push(a[i++]);
    else out.push(b[j++]);
  }
  return out;
}

/** Applies text edits (non-overlapping) to a text, last first so offsets stay valid. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}
