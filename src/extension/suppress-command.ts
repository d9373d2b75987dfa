import * as vscode from 'vscode';
import { commentSyntaxOfFile, suppressionCommentText } from '../core/language-registry';
import type { Prompter } from './prompter';
import { commentReason, parseReasonInput } from './suppress-input';

/**
 * Suppress a finding: the reason is asked (required; a cancel writes nothing), then a comment
 * `sitewarden-ignore[ID]: reason [until=DATE]` goes on its own line above the flagged one, with
 * that line's indentation. The edit goes through VS Code, so it is one undo step.
 */
export async function suppressFinding(ask: NonNullable<Prompter['suppressionReason']>, uri: vscode.Uri, line: number, ruleId: string): Promise<boolean> {
  if (!(uri instanceof vscode.Uri) || !Number.isInteger(line) || line < 0 || typeof ruleId !== 'string') return false;
  const answer = await ask(ruleId);
  if (answer === undefined) return false;
  const r = parseReasonInput(answer);
  if (!r.ok) {
    void vscode.window.showWarningMessage(`SiteWarden: nothing suppressed. ${r.problem}`);
    return false;
  }
  const doc = await vscode.workspace.openTextDocument(uri);
  const text = doc.getText().split(/\r?\n/)[line] ?? '';
  const indent = /^\s*/.exec(text)![0];
  const edit = new vscode.WorkspaceEdit();
  edit.insert(uri, new vscode.Position(line, 0), `${indent}${suppressionCommentText(commentSyntaxOfFile(uri.fsPath, doc.languageId), ruleId, commentReason(r))}\n`);
  return vscode.workspace.applyEdit(edit);
}
