import * as vscode from 'vscode';
import type { Finding } from '../core/types';
import type { PackageRow } from '../deps/check';
import { bumpFor } from './dependency-lens';
import type { FindingPublisher } from './publisher';

export const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('sitewarden');

function editFor(doc: vscode.TextDocument, f: Finding): vscode.WorkspaceEdit | undefined {
  if (!f.fix) return undefined;
  const edit = new vscode.WorkspaceEdit();
  for (const e of f.fix.edits) edit.replace(doc.uri, new vscode.Range(doc.positionAt(e.start), doc.positionAt(e.end)), e.newText);
  return edit;
}

/**
 * What a request asks for. VS Code passes the kind it wants in `only`: `source.fixAll` (on save,
 * `"source.fixAll": "explicit"`), `source` ("Source Action…"), `quickfix`, or nothing (the light
 * bulb). Ours is offered when the requested kind contains it, not the other way round.
 */
export function requested(only: vscode.CodeActionKind | undefined): { quickFixes: boolean; fixAll: boolean } {
  if (!only) return { quickFixes: true, fixAll: false };
  return { quickFixes: only.contains(vscode.CodeActionKind.QuickFix), fixAll: only.contains(FIX_ALL_KIND) };
}

/** Quick fixes, "suppress with a reason", "show documentation" and fix-all of the safe fixes. */
export class SiteWardenCodeActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix, FIX_ALL_KIND];

  constructor(
    private readonly publisher: FindingPublisher,
    /** The dependency check's row for a manifest line (0-based), for "Update to …" on its diagnostics. */
    private readonly depRowAt: (file: string, line: number) => PackageRow | undefined = () => undefined,
  ) {}

  /** "Update NAME to LATEST" on a dependency diagnostic, when its line has a plain version to rewrite. */
  private bumpAction(doc: vscode.TextDocument, d: vscode.Diagnostic): vscode.CodeAction | undefined {
    const row = this.depRowAt(doc.uri.fsPath, d.range.start.line);
    const text = doc.getText().split(/\r?\n/)[d.range.start.line] ?? '';
    if (!row || !bumpFor(row, text, doc.uri.fsPath)) return undefined;
    const a = new vscode.CodeAction(`Update ${row.name} to ${row.latest}`, vscode.CodeActionKind.QuickFix);
    a.command = { command: 'sitewarden.bumpDependency', title: 'Update', arguments: [doc.uri, d.range.start.line, row.name, row.latest] };
    a.diagnostics = [d];
    a.isPreferred = true;
    return a;
  }

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const findings = this.publisher.findingsFor(doc.uri);
    const want = requested(context.only);
    const actions: vscode.CodeAction[] = want.fixAll ? this.fixAll(doc, findings) : [];
    if (!want.quickFixes) return actions;
    for (const d of context.diagnostics) {
      if (d.source !== 'SiteWarden') continue;
      const id = typeof d.code === 'object' ? String(d.code.value) : String(d.code);
      if (id.startsWith('dep-')) {
        const bump = this.bumpAction(doc, d);
        if (bump) actions.push(bump);
        const suppress = new vscode.CodeAction(`Suppress ${id} for this package (with a reason)…`, vscode.CodeActionKind.QuickFix);
        suppress.command = { command: 'sitewarden.suppressDependency', title: 'Suppress with a reason', arguments: [doc.uri, d.range.start.line, id] };
        suppress.diagnostics = [d];
        actions.push(suppress);
        const docs = new vscode.CodeAction(`Show documentation for ${id}`, vscode.CodeActionKind.QuickFix);
        docs.command = { command: 'sitewarden.showRuleDocs', title: 'Show documentation', arguments: [id] };
        actions.push(docs);
        continue;
      }
      const f = findings.find((x) => x.ruleId === id && x.range.start.line === d.range.start.line && x.range.start.column === d.range.start.character);
      if (!f) continue;
      const edit = editFor(doc, f);
      if (edit) {
        const a = new vscode.CodeAction(f.fix!.title, vscode.CodeActionKind.QuickFix);
        a.edit = edit;
        a.diagnostics = [d];
        a.isPreferred = f.fix!.safe;
        actions.push(a);
      }
      // A command, not an edit: the reason is asked first, and a cancel writes nothing.
      const suppress = new vscode.CodeAction(`Suppress ${id} for this line (with a reason)…`, vscode.CodeActionKind.QuickFix);
      suppress.command = { command: 'sitewarden.suppressFinding', title: 'Suppress with a reason', arguments: [doc.uri, d.range.start.line, id] };
      suppress.diagnostics = [d];
      actions.push(suppress);
      const docs = new vscode.CodeAction(`Show documentation for ${id}`, vscode.CodeActionKind.QuickFix);
      docs.command = { command: 'sitewarden.showRuleDocs', title: 'Show documentation', arguments: [id] };
      actions.push(docs);
    }
    return actions;
  }

  /** Every safe fix in the document, in one undoable edit; overlapping fixes are left out. */
  private fixAll(doc: vscode.TextDocument, findings: Finding[]): vscode.CodeAction[] {
    const safe = findings.filter((f) => f.fix?.safe && !f.suppression);
    if (!safe.length) return [];
    const edit = new vscode.WorkspaceEdit();
    const taken: [number, number][] = [];
    for (const f of safe) {
      const spans = f.fix!.edits.map((e) => [e.start, e.end] as [number, number]);
      if (spans.some(([s, e]) => taken.some(([ts, te]) => s < te && ts < e || (s === e && s === ts)))) continue;
      taken.push(...spans);
      for (const e of f.fix!.edits) edit.replace(doc.uri, new vscode.Range(doc.positionAt(e.start), doc.positionAt(e.end)), e.newText);
    }
    const a = new vscode.CodeAction('SiteWarden: apply all safe fixes', FIX_ALL_KIND);
    a.edit = edit;
    return [a];
  }
}
