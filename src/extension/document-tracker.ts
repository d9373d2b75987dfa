import * as path from 'node:path';
import * as vscode from 'vscode';
import { Edit, type Tree } from 'web-tree-sitter';
import { Analyzer } from '../core/engine';
import { detectLanguage, isTestPath } from '../core/languages';
import { ensureLanguages } from '../core/parser';
import type { Rule } from '../core/rule';
import { analyzeTextFile } from '../core/text-analysis';
import type { Finding, LanguageId } from '../core/types';
import { settings, visible } from './config';
import { toDiagnostic } from './convert';

/** Untitled documents have no file extension: their editor language decides. */
const LANGUAGE_IDS: Record<string, LanguageId> = { python: 'python', javascript: 'javascript', javascriptreact: 'javascript', typescript: 'typescript', typescriptreact: 'tsx' };

interface Tracked {
  version: number;
  lang: LanguageId;
  tree?: Tree;
  /** Edits since the tree was parsed, applied to it before the next incremental parse. */
  pending: vscode.TextDocumentContentChangeEvent[];
  /** Document version after the last change event recorded in `pending`. */
  pendingVersion: number;
  timer?: NodeJS.Timeout;
}

/**
 * Keeps open documents analysed: re-checks on typing (debounced) with incremental tree-sitter
 * parsing, or on save, and publishes diagnostics. Findings per URI are kept for code actions.
 */
export class DocumentTracker implements vscode.Disposable {
  readonly findings = new Map<string, Finding[]>();
  private readonly docs = new Map<string, Tracked>();
  private analyzer: Analyzer;
  private readonly disposables: vscode.Disposable[] = [];
  /** Last re-check durations (ms), newest last: the e2e suite reads them. */
  readonly timings: number[] = [];

  constructor(
    private rules: readonly Rule[],
    private readonly diagnostics: vscode.DiagnosticCollection,
    private readonly log: (msg: string) => void,
    private readonly onChange: () => void,
  ) {
    this.analyzer = new Analyzer(rules);
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((d) => this.check(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.changed(e)),
      vscode.workspace.onDidSaveTextDocument((d) => {
        if (settings(d.uri).runOn === 'save') this.check(d);
      }),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d.uri)),
    );
  }

  setRules(rules: readonly Rule[]): void {
    this.rules = rules;
    this.analyzer = new Analyzer(rules);
    for (const d of vscode.workspace.textDocuments) this.check(d);
  }

  private relPath(uri: vscode.Uri): string {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    return folder ? path.relative(folder.uri.fsPath, uri.fsPath).split(path.sep).join('/') : path.basename(uri.fsPath);
  }

  private changed(e: vscode.TextDocumentChangeEvent): void {
    const key = e.document.uri.toString();
    const t = this.docs.get(key);
    if (t) {
      t.pending.push(...e.contentChanges);
      t.pendingVersion = e.document.version;
    }
    if (settings(e.document.uri).runOn !== 'type') return;
    if (t?.timer) clearTimeout(t.timer);
    const timer = setTimeout(() => this.check(e.document), 150);
    if (t) t.timer = timer;
  }

  /** Analyses one document now (used by typing, opening, saving and the tests). */
  async check(doc: vscode.TextDocument): Promise<Finding[]> {
    if (doc.uri.scheme !== 'file' && doc.uri.scheme !== 'untitled' && doc.uri.scheme !== 'vscode-remote') return [];
    const lang = detectLanguage(doc.uri.fsPath) ?? (doc.uri.scheme === 'untitled' ? LANGUAGE_IDS[doc.languageId] : undefined);
    const key = doc.uri.toString();
    const s = settings(doc.uri);
    const rel = this.relPath(doc.uri);
    const isTest = isTestPath(rel);
    let found: Finding[] = [];
    const started = performance.now();
    try {
      if (lang) {
        await ensureLanguages([lang]);
        let t = this.docs.get(key);
        if (!t || t.lang !== lang) {
          t = { version: -1, lang, pending: [], pendingVersion: -1 };
          this.docs.set(key, t);
        }
        const text = doc.getText();
        const old = t.tree;
        // Incremental only when the tree has seen every change up to this text; else parse afresh.
        const incremental = !!old && t.pending.length > 0 && t.pendingVersion === doc.version && t.version >= 0;
        if (incremental) for (const c of t.pending) old!.edit(toEdit(c));
        const result = this.analyzer.analyzeSync(doc.uri.fsPath, text, lang, { testPaths: s.testPaths, isTestFile: isTest, onRuleError: (id, f, e) => this.log(`rule ${id} failed on ${f}: ${(e as Error)?.stack ?? e}`) }, incremental ? old : undefined);
        if (old && old !== result.tree) old.delete();
        t.tree = result.tree;
        t.pending = [];
        t.version = doc.version;
        found = result.findings;
      } else {
        const textRules = this.rules.filter((r) => r.meta.language === 'text' && r.checkText && (!r.appliesTo || r.appliesTo(rel)));
        if (textRules.length) found = analyzeTextFile(doc.uri.fsPath, rel, doc.getText(), textRules, { isTestFile: isTest, demoteTests: s.testPaths === 'demote' });
      }
    } catch (e) {
      this.log(`could not analyse ${doc.uri.fsPath}: ${(e as Error)?.stack ?? e}`);
      return [];
    }
    this.timings.push(performance.now() - started);
    if (this.timings.length > 200) this.timings.shift();
    this.setFindings(doc.uri, found);
    return found;
  }

  setFindings(uri: vscode.Uri, found: Finding[]): void {
    const s = settings(uri);
    const kept = found.filter((f) => !s.disabledFamilies.length || !this.rules.some((r) => r.meta.id === f.ruleId && s.disabledFamilies.includes(r.meta.family)));
    this.findings.set(uri.toString(), kept);
    this.diagnostics.set(uri, kept.filter((f) => visible(f, s)).map((f) => toDiagnostic(f, uri)));
    this.onChange();
  }

  private forget(uri: vscode.Uri): void {
    const t = this.docs.get(uri.toString());
    t?.tree?.delete();
    if (t?.timer) clearTimeout(t.timer);
    this.docs.delete(uri.toString());
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    for (const t of this.docs.values()) t.tree?.delete();
    this.docs.clear();
  }
}

/** A VS Code change as a tree-sitter edit (both count UTF-16 code units). */
function toEdit(c: vscode.TextDocumentContentChangeEvent): Edit {
  const lines = c.text.split('\n');
  const newEnd = lines.length === 1 ? { row: c.range.start.line, column: c.range.start.character + c.text.length } : { row: c.range.start.line + lines.length - 1, column: lines[lines.length - 1].length };
  return new Edit({
    startIndex: c.rangeOffset,
    oldEndIndex: c.rangeOffset + c.rangeLength,
    newEndIndex: c.rangeOffset + c.text.length,
    startPosition: { row: c.range.start.line, column: c.range.start.character },
    oldEndPosition: { row: c.range.end.line, column: c.range.end.character },
    newEndPosition: newEnd,
  });
}
