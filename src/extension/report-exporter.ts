import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { findingsHtml } from '../core/report/html';
import { findingsMarkdown } from '../core/report/markdown';
import { toSarif } from '../core/report/sarif';
import type { Rule } from '../core/rule';
import { rootContaining, writeInsideRoot } from '../core/safe-fs';
import type { Finding } from '../core/types';
import type { FindingPublisher } from './publisher';

type ReportFormat = 'SARIF' | 'Markdown' | 'HTML';
const EXTENSION: Record<ReportFormat, string> = { SARIF: 'sarif', Markdown: 'md', HTML: 'html' };

/** Export Report: what the editor shows (the publisher's findings) as SARIF, Markdown or HTML. */
export class ReportExporter {
  constructor(
    private readonly publisher: FindingPublisher,
    /** Every rule a finding may name (SARIF lists them). */
    private readonly rules: readonly Rule[],
    private readonly roots: () => string[],
    private readonly extensionUri: vscode.Uri,
    private readonly toolVersion: string,
  ) {}

  async run(): Promise<void> {
    const pick = (await vscode.window.showQuickPick(Object.keys(EXTENSION), { placeHolder: 'Report format' })) as ReportFormat | undefined;
    if (!pick) return;
    const base = this.roots()[0] ?? process.cwd();
    const findings = this.publisher.all();
    const target = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(path.join(base, `sitewarden-report.${EXTENSION[pick]}`)) });
    if (!target) return;
    const text = this.render(pick, findings, base);
    // Inside a workspace folder (the default place) the repository may have planted a link at
    // that name: write there without following links. Elsewhere it is the user's own choice.
    const folder = target.scheme === 'file' ? rootContaining(this.roots(), target.fsPath) : undefined;
    try {
      if (folder) writeInsideRoot(folder, target.fsPath, text);
      else await vscode.workspace.fs.writeFile(target, Buffer.from(text));
    } catch (e) {
      return void vscode.window.showErrorMessage(`SiteWarden: the report was not written: ${(e as Error).message}`);
    }
    if (pick === 'HTML') this.showWebview(findings, base);
  }

  private render(format: ReportFormat, findings: Finding[], base: string): string {
    if (format === 'SARIF') return JSON.stringify(toSarif({ rules: this.rules, findings, baseDir: base, toolVersion: this.toolVersion }), null, 2);
    if (format === 'Markdown') return findingsMarkdown(findings, base);
    return findingsHtml(findings, { base, nonce: randomBytes(16).toString('base64') });
  }

  private showWebview(findings: Finding[], base: string): void {
    const panel = vscode.window.createWebviewPanel('sitewarden.report', 'SiteWarden report', vscode.ViewColumn.Active, {
      enableScripts: false,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'media')],
    });
    panel.webview.html = findingsHtml(findings, { base, nonce: randomBytes(16).toString('base64'), cspSource: panel.webview.cspSource });
  }
}
