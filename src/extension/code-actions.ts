import * as vscode from 'vscode';
import { commentSyntaxOfFile, suppressionCommentText } from '../core/language-registry';
import type { Finding } from '../core/types';
import type { FindingPublisher } from './publisher';

export const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('sitewarden');


function editFor(doc: vscode.TextDocument, f: Finding): vscode.WorkspaceEdit | undefined {
  if (!f.fix) return undefined;
  const edit = new vscode.WorkspaceEdit();
  for (const e of f.fix.edits) edit.replace(doc.uri, new vscode.Range(doc.positionAt(e.start), doc.positionAt(e.end)), e.newText);
  return edit;
}

/** Quick fixes, "suppress for this line", "show documentation" and fix-all of the safe fixes. */
export class SiteWardenCodeActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix, FIX_ALL_KIND];

  constructor(private readonly publisher: FindingPublisher) {}

  provideCodeActions(doc: vscode.TextDocument, range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const findings = this.publisher.findingsFor(doc.uri);
    if (context.only && FIX_ALL_KIND.contains(context.only)) return this.fixAll(doc, findings);
    const actions: vscode.CodeAction[] = [];
    for (const d of context.diagnostics) {
      if (d.source !== 'SiteWarden') continue;
      const id = typeof d.code === 'object' ? String(d.code.value) : String(d.code);
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
      const line = doc.lineAt(d.range.start.line);
      const indent = line.text.slice(0, line.firstNonWhitespaceCharacterIndex);
      const suppress = new vscode.CodeAction(`Suppress ${id} for this line`, vscode.CodeActionKind.QuickFix);
      suppress.edit = new vscode.WorkspaceEdit();
      suppress.edit.insert(doc.uri, new vscode.Position(line.lineNumber, 0), `${indent}${suppressionCommentText(commentSyntaxOfFile(doc.fileName, doc.languageId), id, 'REASON')}\n`);
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
