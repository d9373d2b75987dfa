import * as vscode from 'vscode';
import type { Finding } from '../core/types';
import type { NewOnly } from './baseline-filter';
import { toDiagnostic } from './convert';
import { asDiagnostics, publishable, type FamilyOf, type PublishSettings } from './publish-policy';

/**
 * One key per file on disk, whatever the scheme of its document: in a remote window (code-server)
 * documents are `vscode-remote:` URIs while the audit names files by path, and the two must meet,
 * or the exported report and the views list a file twice (the audit's lines and the live ones).
 */
function docKey(uri: vscode.Uri): string {
  return uri.scheme === 'file' || uri.scheme === 'vscode-remote' ? `file:${uri.fsPath}` : uri.toString();
}

/** How long after an open document's findings change the views and status bar follow. */
const VIEWS_AFTER_MS = 100;

/**
 * The one way findings reach the editor. Every producer (open documents, the workspace audit, a
 * file changed on disk, the dependency check) hands its findings to a `publish…` method, which
 * applies the severity and family settings (`publishable`) before anything becomes a diagnostic
 * or a row in the views, and keeps what it published for code actions and reports.
 */
export class FindingPublisher implements vscode.Disposable {
  readonly code = vscode.languages.createDiagnosticCollection('sitewarden');
  private readonly deps = vscode.languages.createDiagnosticCollection('sitewarden-deps');
  /** Open documents, by `docKey`: they win over the audit for the same file. */
  private readonly open = new Map<string, Finding[]>();
  /** The last workspace audit (kept current for files changed on disk), by file path: as found, and as kept. */
  private auditFound = new Map<string, readonly Finding[]>();
  private audited = new Map<string, Finding[]>();
  private auditRan = false;
  /** Anything checked yet (a document, an audit, a dependency check): the status bar says "not checked yet" until then. */
  private checkedAny = false;
  private depsFound: readonly Finding[] = [];
  private depsKept: readonly Finding[] = [];
  private viewsTimer?: NodeJS.Timeout;

  constructor(
    private readonly familyOf: FamilyOf,
    /** The views and the status bar: called with everything published. */
    private readonly onChange: (all: Finding[]) => void,
  ) {}

  /** An open document's findings (every re-check); the views follow within a moment. */
  publishDocument(uri: vscode.Uri, found: readonly Finding[], s: PublishSettings): void {
    const kept = this.keep(found, s);
    this.open.set(docKey(uri), kept);
    this.checkedAny = true;
    // The audit follows the edits: what the file shows now is what the audit keeps for it (and
    // what the next session restores), not the text audited before the edit.
    if (this.auditRan && docKey(uri).startsWith('file:')) {
      if (found.length) this.auditFound.set(uri.fsPath, found);
      else this.auditFound.delete(uri.fsPath);
      if (kept.length) this.audited.set(uri.fsPath, kept);
      else this.audited.delete(uri.fsPath);
    }
    this.setDiagnostics(uri, kept);
    // Rebuilding the sidebar and status bar on every keystroke would cost more than the re-check.
    this.viewsTimer ??= setTimeout(() => {
      this.viewsTimer = undefined;
      this.changed();
    }, VIEWS_AFTER_MS);
  }

  /** A notice in place of findings (the parser crashed on this text): nothing stale stays shown. */
  publishNotice(uri: vscode.Uri, notice: vscode.Diagnostic): void {
    this.open.set(docKey(uri), []);
    this.code.set(uri, [notice]);
    this.changed();
  }

  /** The whole audit: replaces the last one. Files open in an editor keep their live findings. */
  publishAudit(found: readonly Finding[], s: PublishSettings): void {
    for (const file of this.audited.keys()) if (!this.isOpen(vscode.Uri.file(file))) this.code.delete(vscode.Uri.file(file));
    this.auditFound = new Map();
    this.audited = new Map();
    this.auditRan = true;
    this.checkedAny = true;
    for (const f of found) this.auditFound.set(f.file, [...(this.auditFound.get(f.file) ?? []), f]);
    for (const f of this.keep(found, s)) this.audited.set(f.file, [...(this.audited.get(f.file) ?? []), f]);
    for (const [file, kept] of this.audited) {
      const uri = vscode.Uri.file(file);
      if (!this.isOpen(uri)) this.setDiagnostics(uri, kept);
    }
    this.changed();
  }

  /** One file of the audit again (changed on disk); `undefined` when it was deleted. */
  publishAuditFile(uri: vscode.Uri, found: readonly Finding[] | undefined, s: PublishSettings): void {
    if (found?.length) this.auditFound.set(uri.fsPath, found);
    else this.auditFound.delete(uri.fsPath);
    const kept = found ? this.keep(found, s) : [];
    if (kept.length) this.audited.set(uri.fsPath, kept);
    else this.audited.delete(uri.fsPath);
    if (!this.isOpen(uri)) {
      if (found) this.setDiagnostics(uri, kept);
      else this.code.delete(uri);
    }
    this.changed();
  }

  /** The dependency check's findings, on the manifest lines (their own collection: a re-check replaces them all). */
  publishDependencies(found: readonly Finding[], s: PublishSettings): void {
    this.depsFound = found;
    this.depsKept = this.keep(found, s);
    this.checkedAny = true;
    this.deps.clear();
    const byFile = new Map<string, Finding[]>();
    for (const f of asDiagnostics(this.depsKept)) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
    for (const [file, list] of byFile) {
      const uri = vscode.Uri.file(file);
      this.deps.set(uri, list.map((f) => toDiagnostic(f, uri)));
    }
    this.changed();
  }

  /** The dependency findings the editor shows (after the settings): the status bar counts them. */
  dependencyFindings(): readonly Finding[] {
    return this.depsKept;
  }

  /** Whether anything was checked yet. */
  get checked(): boolean {
    return this.checkedAny;
  }

  /** The audit as found (before the settings), kept current per file: what the workspace state keeps. */
  auditFindings(): Finding[] {
    return [...this.auditFound.values()].flat();
  }

  /**
   * The settings changed: the audit's and the dependency check's findings are filtered again
   * (open documents are re-checked by the tracker, which publishes them anew).
   */
  republish(s: PublishSettings): void {
    if (this.auditRan) this.publishAudit(this.auditFindings(), s);
    if (this.depsFound.length) this.publishDependencies(this.depsFound, s);
  }

  /** Whether an audit has run: only files it covered are kept current from the disk. */
  get hasAudit(): boolean {
    return this.auditRan;
  }

  isOpen(uri: vscode.Uri): boolean {
    return this.open.has(docKey(uri));
  }

  /** What the editor has for one document (code actions): its live findings, else the audit's. */
  findingsFor(uri: vscode.Uri): Finding[] {
    return this.open.get(docKey(uri)) ?? this.audited.get(uri.fsPath) ?? [];
  }

  /** Everything published: the audit's files not open, then the open documents. */
  all(): Finding[] {
    const audited = [...this.audited].filter(([file]) => !this.isOpen(vscode.Uri.file(file))).flatMap(([, list]) => list);
    return [...audited, ...[...this.open.values()].flat()];
  }

  /**
   * "Only new since the baseline" (issue 17): a filter the extension sets from `sitewarden.baseline`
   * and the view toggle; `undefined` shows everything. Call `republish` after changing it.
   */
  newOnly?: NewOnly;

  /** The settings filter, after the baseline filter when one is on: every producer goes through it. */
  private keep(found: readonly Finding[], s: PublishSettings): Finding[] {
    return publishable(this.newOnly ? this.newOnly(found) : found, s, this.familyOf);
  }

  private setDiagnostics(uri: vscode.Uri, kept: readonly Finding[]): void {
    this.code.set(uri, asDiagnostics(kept).map((f) => toDiagnostic(f, uri)));
  }

  private changed(): void {
    this.onChange(this.all());
  }

  dispose(): void {
    if (this.viewsTimer) clearTimeout(this.viewsTimer);
    this.code.dispose();
    this.deps.dispose();
  }
}
