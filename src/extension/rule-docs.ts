import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { docsUrl } from '../core/finding';

/**
 * The rule pages shipped in the extension (docs/rules/*.md in the .vsix): the Problems link, the
 * hover's and the code action's "Show documentation" open them, so they work offline and no link
 * points at a web page that does not exist.
 */
let extensionRoot: vscode.Uri | undefined;

/** Set once at activation. */
export function setDocsRoot(root: vscode.Uri): void {
  extensionRoot = root;
}

const RULE_ID = /^[a-z0-9][a-z0-9-]*$/;

/** The bundled page of a rule (the Problems panel's link target); undefined for an id of no rule page. */
export function ruleDocsUri(ruleId: string): vscode.Uri | undefined {
  if (!extensionRoot || !RULE_ID.test(ruleId)) return undefined;
  return vscode.Uri.joinPath(extensionRoot, ...docsUrl(ruleId).split('/'));
}

/** Show Rule Documentation: the bundled page in the Markdown preview (VS Code's own, strict CSP, no scripts). */
export async function showRuleDocs(ruleId: unknown): Promise<boolean> {
  const uri = typeof ruleId === 'string' ? ruleDocsUri(ruleId) : undefined;
  if (!uri || !fs.existsSync(uri.fsPath)) {
    void vscode.window.showWarningMessage(`SiteWarden: no documentation page for ${typeof ruleId === 'string' ? ruleId.slice(0, 80) : 'this finding'}.`);
    return false;
  }
  await vscode.commands.executeCommand('markdown.showPreview', uri);
  return true;
}
