import * as path from 'node:path';
import * as vscode from 'vscode';
import { Analyzer, type AnalyzeOptions } from '../core/engine';
import { LiveDocument } from '../core/live-document';
import { detectLanguage, isTestPath } from '../core/languages';
import { languageOfEditorId } from '../core/language-registry';
import { ensureLanguages, isLanguageLoaded, ParserCrashError } from '../core/parser';
import type { Rule } from '../core/rule';
import { analyzeTextFile } from '../core/text-analysis';
import { discoverFiles } from '../core/discovery';
import { LiveIndexes } from '../core/workspace-index';
import type { Finding } from '../core/types';
import { settings } from './config';
import type { FindingPublisher } from './publisher';

interface Tracked {
  live: LiveDocument;
  timer?: NodeJS.Timeout;
  /** The full pass that follows partial re-checks once typing pauses. */
  refreshTimer?: NodeJS.Timeout;
  /** The parser crashed on this text: retried only when typing pauses, not on every keystroke. */
  crashed?: boolean;
  /** Re-check of the open files that call into this one, once typing pauses. */
  dependentsTimer?: NodeJS.Timeout;
}

/** How long typing must pause before a document the parser crashed on is tried again. */
const RETRY_CRASHED_AFTER_MS = 1500;

/** Quiet time after which rules that look at the whole file catch up with a partial re-check. */
const REFRESH_AFTER_MS = 700;

/**
 * Keeps open documents analysed: re-checks on typing (debounced) or on save and publishes
 * diagnostics. Each open document is a `LiveDocument`, which reparses incrementally and
 * re-checks only the statements an edit touched; a full pass follows when typing pauses.
 * Findings go to the editor through the publisher, which applies the settings.
 */
export class DocumentTracker implements vscode.Disposable {
  private readonly docs = new Map<string, Tracked>();
  private analyzer: Analyzer;
  /** Cross-file summaries per workspace folder (src/core/workspace-index.ts). */
  private indexes: LiveIndexes;
  private readonly disposables: vscode.Disposable[] = [];
  /** Last re-check durations (ms), newest last: the e2e suite reads them. */
  readonly timings: number[] = [];
  /** The analysis part of each (LiveDocument.update), to tell it from the editor's own costs. */
  readonly analysisTimings: number[] = [];

  constructor(
    private rules: readonly Rule[],
    private readonly publisher: FindingPublisher,
    private readonly log: (msg: string) => void,
  ) {
    this.analyzer = new Analyzer(rules);
    this.indexes = this.makeIndexes();
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((d) => this.check(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.changed(e)),
      vscode.workspace.onDidSaveTextDocument((d) => {
        if (this.settingsFor(d.uri).runOn === 'save') this.check(d);
      }),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d.uri)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('sitewarden')) this.settingsCache.clear();
      }),
    );
  }

  /** Settings per document, read once: getConfiguration on every keystroke costs about a millisecond. */
  private readonly settingsCache = new Map<string, ReturnType<typeof settings>>();

  private settingsFor(uri: vscode.Uri): ReturnType<typeof settings> {
    const key = uri.toString();
    let s = this.settingsCache.get(key);
    if (!s) this.settingsCache.set(key, (s = settings(uri)));
    return s;
  }

  private makeIndexes(): LiveIndexes {
    return new LiveIndexes(this.analyzer, (root) => discoverFiles([root]).files.filter((f) => f.root !== undefined).map((f) => f.path));
  }

  /** The workspace folder of a file on disk, whose index its analysis uses. */
  private folderOf(uri: vscode.Uri): string | undefined {
    return uri.scheme === 'file' ? vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath : undefined;
  }

  setRules(rules: readonly Rule[]): void {
    this.rules = rules;
    this.analyzer = new Analyzer(rules);
    this.indexes = this.makeIndexes();
    for (const t of this.docs.values()) this.drop(t);
    this.docs.clear();
    for (const d of vscode.workspace.textDocuments) this.check(d);
  }

  private relPath(uri: vscode.Uri): string {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    return folder ? path.relative(folder.uri.fsPath, uri.fsPath).split(path.sep).join('/') : path.basename(uri.fsPath);
  }

  private changed(e: vscode.TextDocumentChangeEvent): void {
    if (this.settingsFor(e.document.uri).runOn !== 'type') return;
    const t = this.docs.get(e.document.uri.toString());
    if (t?.refreshTimer) clearTimeout(t.refreshTimer);
    if (t?.timer) clearTimeout(t.timer);
    const timer = setTimeout(() => this.check(e.document), t?.crashed ? RETRY_CRASHED_AFTER_MS : 150);
    if (t) t.timer = timer;
  }

  /** Analyses one document now (used by typing, opening, saving and the tests). */
  async check(doc: vscode.TextDocument): Promise<Finding[]> {
    if (doc.uri.scheme !== 'file' && doc.uri.scheme !== 'untitled' && doc.uri.scheme !== 'vscode-remote') return [];
    const lang = detectLanguage(doc.uri.fsPath) ?? (doc.uri.scheme === 'untitled' ? languageOfEditorId(doc.languageId) : undefined);
    const key = doc.uri.toString();
    const s = this.settingsFor(doc.uri);
    const rel = this.relPath(doc.uri);
    const isTest = isTestPath(rel);
    let found: Finding[] = [];
    const started = performance.now();
    try {
      if (lang) {
        // No await once the grammar is loaded: yielding here lets other extension-host work run
        // in the middle of a keystroke's re-check.
        if (!isLanguageLoaded(lang)) await ensureLanguages([lang]);
        const folder = this.folderOf(doc.uri);
        const text = doc.getText();
        // The index sees this document's text; a re-check uses the summaries it holds now.
        const dependents = folder ? this.indexes.changed(folder, doc.uri.fsPath, text) : [];
        const workspace = folder ? this.indexes.indexFor(folder).forFile() : undefined;
        const opts: AnalyzeOptions = { testPaths: s.testPaths, isTestFile: isTest, workspace, onRuleError: (id, f, e) => this.log(`rule ${id} failed on ${f}: ${(e as Error)?.stack ?? e}`) };
        let t = this.docs.get(key);
        if (!t || t.live.lang !== lang) {
          if (t) this.drop(t);
          t = { live: new LiveDocument(this.analyzer, doc.uri.fsPath, lang, opts) };
          this.docs.set(key, t);
        }
        t.live.opts = opts;
        this.scheduleDependents(t, dependents);
        const a0 = performance.now();
        const result = t.live.update(text);
        this.analysisTimings.push(performance.now() - a0);
        if (this.analysisTimings.length > 200) this.analysisTimings.shift();
        found = result.findings;
        t.crashed = false;
        if (t.live.needsFullPass) this.scheduleRefresh(doc, t);
      } else {
        const textRules = this.rules.filter((r) => r.meta.language === 'text' && r.checkText && (!r.appliesTo || r.appliesTo(rel)));
        if (textRules.length) found = analyzeTextFile(doc.uri.fsPath, rel, doc.getText(), textRules, { isTestFile: isTest, testPaths: s.testPaths });
      }
    } catch (e) {
      if (e instanceof ParserCrashError) {
        this.parserCrashed(doc, e);
        return [];
      }
      this.log(`could not analyse ${doc.uri.fsPath}: ${(e as Error)?.stack ?? e}`);
      return [];
    }
    this.setFindings(doc.uri, found, s);
    this.timings.push(performance.now() - started);
    if (this.timings.length > 200) this.timings.shift();
    return found;
  }

  /**
   * Says so in the file itself, not only in the log: findings shown before would be stale and a
   * silent gap is what users of other linters complain about. Other documents are unaffected;
   * their next check runs on the new parser instance.
   */
  private parserCrashed(doc: vscode.TextDocument, e: ParserCrashError): void {
    const t = this.docs.get(doc.uri.toString());
    if (t && !t.crashed) this.log(`${doc.uri.fsPath}: ${e.message}. Tried again when typing pauses.`);
    if (t) t.crashed = true;
    const d = new vscode.Diagnostic(new vscode.Range(0, 0, 0, 0), `SiteWarden did not analyse this file: ${e.message}.`, vscode.DiagnosticSeverity.Information);
    d.source = 'SiteWarden';
    d.code = 'parser-crash';
    this.publisher.publishNotice(doc.uri, d);
  }

  private scheduleRefresh(doc: vscode.TextDocument, t: Tracked): void {
    if (t.refreshTimer) clearTimeout(t.refreshTimer);
    t.refreshTimer = setTimeout(async () => {
      t.refreshTimer = undefined;
      if (this.docs.get(doc.uri.toString()) !== t || doc.isClosed) return;
      if (!t.live.needsFullPass) return;
      try {
        await ensureLanguages([t.live.lang]); // a parser crash meanwhile means a new instance
        if (this.docs.get(doc.uri.toString()) !== t || doc.isClosed) return;
        t.live.update(doc.getText()); // catch up with any edit not yet checked, then the full pass
        this.setFindings(doc.uri, t.live.refresh().findings);
      } catch (e) {
        if (e instanceof ParserCrashError) return this.parserCrashed(doc, e);
        this.log(`could not analyse ${doc.uri.fsPath}: ${(e as Error)?.stack ?? e}`);
      }
    }, REFRESH_AFTER_MS);
  }

  /** Open documents that call into an edited file are re-checked whole once typing pauses. */
  private scheduleDependents(t: Tracked, files: readonly string[]): void {
    if (t.dependentsTimer) clearTimeout(t.dependentsTimer);
    if (files.length === 0) return;
    t.dependentsTimer = setTimeout(() => {
      t.dependentsTimer = undefined;
      const wanted = new Set(files.map((f) => path.resolve(f)));
      for (const d of vscode.workspace.textDocuments) {
        const dt = this.docs.get(d.uri.toString());
        if (!dt || d.isClosed || !wanted.has(path.resolve(d.uri.fsPath))) continue;
        try {
          dt.live.update(d.getText());
          this.setFindings(d.uri, dt.live.refresh().findings);
        } catch (e) {
          this.log(`could not analyse ${d.uri.fsPath}: ${(e as Error)?.stack ?? e}`);
        }
      }
    }, REFRESH_AFTER_MS);
  }

  private drop(t: Tracked): void {
    if (t.timer) clearTimeout(t.timer);
    if (t.dependentsTimer) clearTimeout(t.dependentsTimer);
    if (t.refreshTimer) clearTimeout(t.refreshTimer);
    t.live.dispose();
  }

  private setFindings(uri: vscode.Uri, found: Finding[], s = this.settingsFor(uri)): void {
    this.publisher.publishDocument(uri, found, s);
  }

  private forget(uri: vscode.Uri): void {
    const folder = this.folderOf(uri);
    if (folder) this.indexes.closed(folder, uri.fsPath);
    const t = this.docs.get(uri.toString());
    if (t) this.drop(t);
    this.docs.delete(uri.toString());
    this.settingsCache.delete(uri.toString());
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    for (const t of this.docs.values()) this.drop(t);
    this.docs.clear();
  }
}
