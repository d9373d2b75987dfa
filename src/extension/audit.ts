import * as vscode from 'vscode';
import { MemoryScanCache, scanPaths } from '../core/scanner';
import type { Rule } from '../core/rule';
import { scanWorkerScript } from '../workers/locate';
import { settings } from './config';
import type { FindingPublisher } from './publisher';
import { auditSummary } from './summary';

const SHOW_FINDINGS = 'Show Findings';

/** Globs of VS Code's `files.exclude` that are on, in the gitignore style the scanner takes. */
function filesExclude(): string[] {
  const on = Object.entries(vscode.workspace.getConfiguration('files').get<Record<string, boolean>>('exclude') ?? {}).filter(([, enabled]) => enabled);
  return on.map(([glob]) => glob.replace(/^\*\*\//, ''));
}

/**
 * Audit Workspace: every file of the workspace folders, on worker threads (the extension host
 * stays free), files unchanged since the last audit from the cache. Files changed on disk (git
 * checkout, generators) are re-checked when they are not open.
 */
export class WorkspaceAudit {
  private readonly cache = new MemoryScanCache();
  last?: { files: number; findings: number; cancelled: boolean };

  constructor(
    private readonly rules: readonly Rule[],
    private readonly publisher: FindingPublisher,
    private readonly roots: () => string[],
    private readonly log: (msg: string) => void,
  ) {}

  async run(): Promise<void> {
    const folders = this.roots();
    if (!folders.length) return void vscode.window.showInformationMessage('SiteWarden: open a folder to audit it.');
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'SiteWarden: auditing the workspace', cancellable: true }, async (progress, token) => {
      const s = settings();
      let last = 0;
      const result = await scanPaths(folders, {
        rules: this.rules,
        parallel: { script: scanWorkerScript() },
        cache: this.cache,
        exclude: [...s.exclude, ...filesExclude()],
        excludeFromConfig: s.excludeFromWorkspace,
        include: s.include,
        testPaths: s.testPaths,
        isCancelled: () => token.isCancellationRequested,
        onProgress: (done, total) => {
          const pct = total ? Math.floor((done / total) * 100) : 100;
          if (pct - last >= 5 || done === total) {
            progress.report({ increment: pct - last, message: `${done}/${total} files` });
            last = pct;
          }
        },
        onRuleError: (id, f, e) => this.log(`rule ${id} failed on ${f}: ${(e as Error)?.message ?? e}`),
      });
      this.publisher.publishAudit(result.findings, s);
      this.last = { files: result.filesScanned, findings: result.findings.length, cancelled: result.cancelled };
      this.log(`audit: ${result.filesScanned} files, ${result.findings.length} findings, ${result.skipped.length} skipped, ${result.durationMs} ms${result.cancelled ? ' (cancelled)' : ''}`);
      // Not awaited: the message stays until dismissed, the audit is over.
      const summary = auditSummary({ findings: this.publisher.all().filter((f) => !f.suppression).length, files: result.filesScanned, durationMs: result.durationMs, cancelled: result.cancelled });
      const show = result.cancelled ? vscode.window.showWarningMessage(summary, SHOW_FINDINGS) : vscode.window.showInformationMessage(summary, SHOW_FINDINGS);
      void Promise.resolve(show).then((pick) => pick === SHOW_FINDINGS && vscode.commands.executeCommand('sitewarden.findings.focus'));
    });
  }

  /** Keeps the audit's files current when they change on disk and are not open. */
  watchDisk(): vscode.Disposable {
    const watcher = vscode.workspace.createFileSystemWatcher('**/*.{py,js,mjs,cjs,jsx,ts,tsx}');
    const recheck = (uri: vscode.Uri) => void this.recheck(uri);
    return vscode.Disposable.from(
      watcher,
      watcher.onDidChange(recheck),
      watcher.onDidCreate(recheck),
      watcher.onDidDelete((uri) => this.publisher.publishAuditFile(uri, undefined, settings())),
    );
  }

  private async recheck(uri: vscode.Uri): Promise<void> {
    if (this.publisher.isOpen(uri) && vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString())) return;
    if (!this.publisher.hasAudit) return; // only files the audit already covers are kept current
    const s = settings();
    const r = await scanPaths([uri.fsPath], { rules: this.rules, testPaths: s.testPaths }).catch(() => undefined);
    if (r) this.publisher.publishAuditFile(uri, r.findings, s);
  }
}
