import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { runChecklist } from '../checklist/run';
import { readState, setManual, writeState } from '../checklist/state';
import { docsUrl } from '../core/finding';
import { ensureLanguages } from '../core/parser';
import { findingsHtml } from '../core/report/html';
import { findingsMarkdown } from '../core/report/markdown';
import { toSarif } from '../core/report/sarif';
import { MemoryScanCache, scanPaths } from '../core/scanner';
import { DependencyLens, MANIFEST_SELECTOR } from './dependency-lens';
import { scanWorkerScript } from '../workers/locate';
import { checkDependenciesOffThread } from '../workers/run-deps';
import type { Finding } from '../core/types';
import type { WorkspaceConfigMode } from '../deps/check';
import { DEPENDENCY_RULES } from '../deps/rules';
import { planEncryptionHelper } from '../fixes/encryption';
import { planFingerprintCheck } from '../fixes/fingerprint';
import { planSecurityHeaders } from '../fixes/headers';
import { planIncidentResponse } from '../fixes/incident-response';
import { applyPlan, checkPlanTargets, type GeneratorPlan } from '../fixes/plan';
import { rootContaining, writeInsideRoot } from '../core/safe-fs';
import { allRules } from '../rules';
import { SiteWardenCodeActions } from './code-actions';
import { settings } from './config';
import { toDiagnostic } from './convert';
import { DocumentTracker } from './document-tracker';
import { confirmRestrictedDependencyCheck, followTrust, generatorAllowed, isRestricted, RESTRICTED_TEXT } from './restricted-mode';
import { ChecklistView, DependenciesView, FindingsView, type FindingsGrouping } from './views';

/** What the integration tests read back from the running extension. */
export interface SiteWardenApi {
  tracker: DocumentTracker;
  findingsView: FindingsView;
  checklistView: ChecklistView;
  lastAudit?: { files: number; findings: number; cancelled: boolean };
  /** The last dependency check: how much of the workspace's configuration it read, where it went. */
  lastDependencyCheck?: { workspaceConfig: WorkspaceConfigMode; hostsContacted: string[]; packages: number };
  /** What a person sees: the status bar text and the messages on top of the views. */
  ui: () => { status: string; dependencies?: string; checklist?: string };
  activationMs: number;
}

const PREVIEW_SCHEME = 'sitewarden-preview';

export async function activate(context: vscode.ExtensionContext): Promise<SiteWardenApi> {
  const started = performance.now();
  const output = vscode.window.createOutputChannel('SiteWarden');
  const log = (m: string) => output.appendLine(`[${new Date().toISOString()}] ${m}`);
  const diagnostics = vscode.languages.createDiagnosticCollection('sitewarden');
  const depDiagnostics = vscode.languages.createDiagnosticCollection('sitewarden-deps');
  const findingsView = new FindingsView();
  const depsView = new DependenciesView();
  const depLens = new DependencyLens();
  const checklistView = new ChecklistView(vscode.Uri.joinPath(context.extensionUri, 'media'));
  const status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 50);
  status.command = 'workbench.view.extension.sitewarden';
  status.name = 'SiteWarden';

  const refresh = () => {
    const open = [...tracker.findings.values()].flat();
    const audited = auditFindings.filter((f) => !tracker.findings.has(vscode.Uri.file(f.file).toString()));
    const all = [...audited, ...open];
    findingsView.set(all);
    const n = all.filter((f) => !f.suppression);
    const high = n.filter((f) => f.severity === 'high' || f.severity === 'critical').length;
    const restricted = isRestricted();
    status.text = `$(shield) ${high} high · ${n.length - high} other${restricted ? RESTRICTED_TEXT.statusSuffix : ''}`;
    status.tooltip = restricted ? RESTRICTED_TEXT.statusTooltip : 'SiteWarden findings: open the sidebar';
    status.show();
  };
  let auditFindings: Finding[] = [];
  const scanCache = new MemoryScanCache();
  const tracker = new DocumentTracker(allRules, diagnostics, log, refresh);
  const depsTree = vscode.window.createTreeView('sitewarden.dependencies', { treeDataProvider: depsView });
  const checklistTree = vscode.window.createTreeView('sitewarden.checklist', { treeDataProvider: checklistView });
  const api: SiteWardenApi = {
    tracker,
    findingsView,
    checklistView,
    activationMs: 0,
    ui: () => ({ status: status.text, dependencies: depsTree.message, checklist: checklistTree.message }),
  };

  // Generated-file previews are served from memory.
  const previews = new Map<string, string>();
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, { provideTextDocumentContent: (uri) => previews.get(uri.toString()) ?? '' }),
  );

  const roots = () => (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);

  const audit = async () => {
    const folders = roots();
    if (!folders.length) return void vscode.window.showInformationMessage('SiteWarden: open a folder to audit it.');
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'SiteWarden: auditing the workspace', cancellable: true }, async (progress, token) => {
      const s = settings();
      let last = 0;
      const result = await scanPaths(folders, {
        rules: allRules,
        // Workers keep the extension host free while a large workspace is audited; files not
        // changed since the last audit come from the cache.
        parallel: { script: scanWorkerScript() },
        cache: scanCache,
        exclude: [...s.exclude, ...Object.entries(vscode.workspace.getConfiguration('files').get<Record<string, boolean>>('exclude') ?? {}).filter(([, on]) => on).map(([g]) => g.replace(/^\*\*\//, ''))],
        testPaths: s.testPaths,
        isCancelled: () => token.isCancellationRequested,
        onProgress: (done, total) => {
          const pct = total ? Math.floor((done / total) * 100) : 100;
          if (pct - last >= 5 || done === total) {
            progress.report({ increment: pct - last, message: `${done}/${total} files` });
            last = pct;
          }
        },
        onRuleError: (id, f, e) => log(`rule ${id} failed on ${f}: ${(e as Error)?.message ?? e}`),
      });
      auditFindings = result.findings;
      const byFile = new Map<string, Finding[]>();
      for (const f of result.findings) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
      for (const [file, list] of byFile) {
        const uri = vscode.Uri.file(file);
        if (!tracker.findings.has(uri.toString())) diagnostics.set(uri, list.filter((f) => !f.suppression).map((f) => toDiagnostic(f, uri)));
      }
      api.lastAudit = { files: result.filesScanned, findings: result.findings.length, cancelled: result.cancelled };
      log(`audit: ${result.filesScanned} files, ${result.findings.length} findings, ${result.skipped.length} skipped, ${result.durationMs} ms${result.cancelled ? ' (cancelled)' : ''}`);
      refresh();
      if (result.cancelled) vscode.window.showWarningMessage(`SiteWarden: audit cancelled after ${result.filesScanned} files.`);
    });
  };

  const checkDeps = async () => {
    const s = settings();
    if (s.offline) return void vscode.window.showInformationMessage('SiteWarden: offline mode is on; dependencies are not checked.');
    // Restricted Mode: never on its own, and none of the workspace's registry settings are read
    // (a workspace .npmrc `proxy=` would otherwise receive the user's own token).
    const workspaceConfig: WorkspaceConfigMode = isRestricted() ? 'ignored' : 'data';
    if (workspaceConfig === 'ignored' && !(await confirmRestrictedDependencyCheck())) return void log('dependency check not confirmed (Restricted Mode): nothing was sent');
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'SiteWarden: checking dependencies' }, async () => {
      // On a worker, away from VS Code's proxy patches of Node's networking in the extension host
      // (they broke every npm request there).
      // The environment is the user's own (it expands ${VAR} in ~/.npmrc, PIP_INDEX_URL).
      const r = await checkDependenciesOffThread(roots(), { npmRegistry: s.npmRegistry, pypiIndex: s.pypiIndex, env: { ...process.env }, workspaceConfig });
      api.lastDependencyCheck = { workspaceConfig, hostsContacted: r.hostsContacted, packages: r.packages.length };
      log(`dependency check (${workspaceConfig === 'ignored' ? 'workspace registry settings ignored' : 'workspace .npmrc routes look-ups only'}): contacted ${r.hostsContacted.join(', ') || 'no host'}`);
      depDiagnostics.clear();
      const byFile = new Map<string, Finding[]>();
      for (const f of r.findings) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
      for (const [file, list] of byFile) depDiagnostics.set(vscode.Uri.file(file), list.map((f) => toDiagnostic(f, vscode.Uri.file(file))));
      depsView.set(r.packages, r.notices.map((n) => n.message), r.hostsContacted);
      depLens.set(r.packages);
      for (const n of r.notices) log(n.message);
      if (r.incomplete) vscode.window.showWarningMessage(`SiteWarden: the dependency check is incomplete: ${r.notices.map((n) => n.message).join('; ')}`);
    });
  };

  const showChecklist = async () => {
    const folder = roots()[0];
    if (!folder) return;
    const { result } = await runChecklist([folder], { rules: allRules });
    checklistView.set(result);
    await vscode.commands.executeCommand('sitewarden.checklist.focus');
  };

  /** Shows every change of a plan as a diff, then applies it as one undoable edit if confirmed. */
  const runGenerator = async (make: (root: string) => Promise<GeneratorPlan> | GeneratorPlan) => {
    if (!generatorAllowed()) return;
    const root = roots()[0];
    if (!root) return void vscode.window.showInformationMessage('SiteWarden: open a folder first.');
    let plan: GeneratorPlan;
    try {
      plan = await make(root);
    } catch (e) {
      return void vscode.window.showErrorMessage(`SiteWarden: ${(e as Error).message}`);
    }
    if (!plan.changes.length) return void vscode.window.showInformationMessage(`${plan.title}: nothing to change.${plan.notes.length ? ` ${plan.notes.join(' ')}` : ''}`);
    for (const c of plan.changes) {
      const right = vscode.Uri.parse(`${PREVIEW_SCHEME}:${c.path}?${randomBytes(4).toString('hex')}`);
      previews.set(right.toString(), c.after);
      const left = c.before === undefined ? vscode.Uri.parse(`${PREVIEW_SCHEME}:/empty/${path.basename(c.path)}`) : vscode.Uri.file(c.path);
      await vscode.commands.executeCommand('vscode.diff', left, right, `${path.relative(root, c.path)} (SiteWarden preview)`, { preview: true });
    }
    const answer = process.env.SITEWARDEN_AUTO_CONFIRM === '1' ? 'Apply' : await vscode.window.showInformationMessage(`${plan.title}: apply ${plan.changes.length} change(s)?`, { modal: true, detail: plan.notes.join('\n') }, 'Apply');
    if (answer !== 'Apply') return;
    try {
      checkPlanTargets(plan); // VS Code's file service writes through links: refuse them first
    } catch (e) {
      return void vscode.window.showErrorMessage(`SiteWarden: ${(e as Error).message}`);
    }
    const edit = new vscode.WorkspaceEdit();
    for (const c of plan.changes) {
      const uri = vscode.Uri.file(c.path);
      if (c.before === undefined) {
        if (fs.existsSync(c.path)) return void vscode.window.showErrorMessage(`SiteWarden: ${c.path} already exists; nothing was changed.`);
        edit.createFile(uri, { ignoreIfExists: false, contents: Buffer.from(c.after) });
      } else {
        const doc = await vscode.workspace.openTextDocument(uri);
        if (doc.getText() !== c.before) return void vscode.window.showErrorMessage(`SiteWarden: ${c.path} changed since the preview; run the command again.`);
        edit.replace(uri, new vscode.Range(doc.positionAt(0), doc.positionAt(c.before.length)), c.after);
      }
    }
    if (!(await vscode.workspace.applyEdit(edit))) {
      try {
        applyPlan(plan); // a workspace that refuses edits (read-only provider): fall back to the disk
      } catch (e) {
        return void vscode.window.showErrorMessage(`SiteWarden: ${(e as Error).message}`);
      }
    }
    await vscode.workspace.saveAll(false);
    vscode.window.showInformationMessage(`${plan.title}: done.${plan.notes.length ? ` ${plan.notes.join(' ')}` : ''}`);
  };

  const exportReport = async () => {
    const pick = await vscode.window.showQuickPick(['SARIF', 'Markdown', 'HTML'], { placeHolder: 'Report format' });
    if (!pick) return;
    const base = roots()[0] ?? process.cwd();
    const findings = [...auditFindings, ...[...tracker.findings.values()].flat()];
    const ext = pick === 'SARIF' ? 'sarif' : pick === 'Markdown' ? 'md' : 'html';
    const target = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(path.join(base, `sitewarden-report.${ext}`)) });
    if (!target) return;
    const text =
      pick === 'SARIF'
        ? JSON.stringify(toSarif({ rules: [...allRules, ...DEPENDENCY_RULES], findings, baseDir: base, toolVersion: String(context.extension.packageJSON.version) }), null, 2)
        : pick === 'Markdown'
          ? findingsMarkdown(findings, base)
          : findingsHtml(findings, { base, nonce: randomBytes(16).toString('base64') });
    // Inside a workspace folder (the default place) the repository may have planted a link at
    // that name: write there without following links. Elsewhere it is the user's own choice.
    const folder = target.scheme === 'file' ? rootContaining(roots(), target.fsPath) : undefined;
    try {
      if (folder) writeInsideRoot(folder, target.fsPath, text);
      else await vscode.workspace.fs.writeFile(target, Buffer.from(text));
    } catch (e) {
      return void vscode.window.showErrorMessage(`SiteWarden: the report was not written: ${(e as Error).message}`);
    }
    if (pick === 'HTML') showReportWebview(context, findings, base);
  };

  context.subscriptions.push(
    output,
    diagnostics,
    depDiagnostics,
    status,
    tracker,
    vscode.window.registerTreeDataProvider('sitewarden.findings', findingsView),
    depsTree,
    vscode.languages.registerCodeLensProvider(MANIFEST_SELECTOR, depLens),
    depLens,
    checklistTree,
    vscode.languages.registerCodeActionsProvider({ scheme: 'file' }, new SiteWardenCodeActions(tracker), { providedCodeActionKinds: SiteWardenCodeActions.kinds }),
    vscode.commands.registerCommand('sitewarden.auditWorkspace', audit),
    vscode.commands.registerCommand('sitewarden.checkDependencies', checkDeps),
    vscode.commands.registerCommand('sitewarden.showChecklist', showChecklist),
    vscode.commands.registerCommand('sitewarden.exportReport', exportReport),
    vscode.commands.registerCommand('sitewarden.showOutput', () => output.show()),
    vscode.commands.registerCommand('sitewarden.groupFindings', async (by?: FindingsGrouping) => {
      const pick = by ?? (await vscode.window.showQuickPick(['severity', 'file', 'rule'], { placeHolder: `Group findings by (now: ${findingsView.grouping})` }));
      if (pick) findingsView.groupBy(pick as FindingsGrouping);
    }),
    vscode.commands.registerCommand('sitewarden.showRuleDocs', (id: string) => vscode.env.openExternal(vscode.Uri.parse(docsUrl(id)))),
    // Options may come from a caller (a keybinding's args, the tests): a workspace with Flask and
    // Express needs the command once per framework.
    vscode.commands.registerCommand('sitewarden.addSecurityHeaders', async (opts?: { framework?: 'flask' | 'django' | 'express'; profile?: 'production' | 'development' }) => {
      if (!generatorAllowed()) return;
      const profile = opts?.profile ?? (process.env.SITEWARDEN_AUTO_CONFIRM === '1' ? 'production' : await vscode.window.showQuickPick(['production', 'development'], { placeHolder: 'Profile: development keeps plain-HTTP localhost working' }));
      if (profile) await runGenerator((root) => planSecurityHeaders(root, { profile: profile as 'production' | 'development', framework: opts?.framework }));
    }),
    vscode.commands.registerCommand('sitewarden.addEncryptionHelper', () => runGenerator((root) => planEncryptionHelper(root))),
    vscode.commands.registerCommand('sitewarden.addFingerprintCheck', () => runGenerator((root) => planFingerprintCheck(root))),
    vscode.commands.registerCommand('sitewarden.createIncidentResponsePlan', () => runGenerator((root) => planIncidentResponse(root))),
    vscode.commands.registerCommand('sitewarden.markItemDone', async (node?: { item?: { item: { id: string } } }) => {
      const root = roots()[0];
      const id = node?.item?.item.id;
      if (!root || !id) return;
      const who = await vscode.window.showInputBox({ prompt: 'Who confirms this item?', value: process.env.USER ?? '' });
      if (!who) return;
      try {
        writeState(root, setManual(readState(root), id, { status: 'done', by: who, date: new Date().toISOString().slice(0, 10) }));
      } catch (e) {
        return void vscode.window.showErrorMessage(`SiteWarden: ${(e as Error).message}`);
      }
      await showChecklist();
    }),
    vscode.commands.registerCommand('sitewarden.runItemAction', async (node?: { item?: { item: { action?: { command?: string } } } }) => {
      const cmd = node?.item?.item.action?.command;
      if (cmd) await vscode.commands.executeCommand(cmd);
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('sitewarden')) for (const d of vscode.workspace.textDocuments) void tracker.check(d);
    }),
  );

  // Files changed on disk (git checkout, generators) are re-checked when they are not open.
  const watcher = vscode.workspace.createFileSystemWatcher('**/*.{py,js,mjs,cjs,jsx,ts,tsx}');
  const recheckDisk = async (uri: vscode.Uri) => {
    if (tracker.findings.has(uri.toString()) && vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString())) return;
    if (!auditFindings.length) return; // only files the audit already covers are kept current
    const r = await scanPaths([uri.fsPath], { rules: allRules, testPaths: settings().testPaths }).catch(() => undefined);
    if (!r) return;
    auditFindings = [...auditFindings.filter((f) => f.file !== uri.fsPath), ...r.findings];
    diagnostics.set(uri, r.findings.filter((f) => !f.suppression).map((f) => toDiagnostic(f, uri)));
    refresh();
  };
  context.subscriptions.push(watcher, watcher.onDidChange(recheckDisk), watcher.onDidCreate(recheckDisk), watcher.onDidDelete((uri) => diagnostics.delete(uri)));

  // The status bar and the views say when SiteWarden runs in Restricted Mode, and switch back
  // when trust is granted (no reload needed: every command asks at the time it runs).
  context.subscriptions.push(
    followTrust(() => {
      const restricted = isRestricted();
      depsTree.message = restricted ? RESTRICTED_TEXT.depsView : undefined;
      checklistTree.message = restricted ? RESTRICTED_TEXT.checklistView : undefined;
      checklistView.setRestricted(restricted);
      refresh();
    }),
  );
  // Grammars load in the background: activation stays fast and open documents follow.
  void ensureLanguages(['python']).then(async () => {
    for (const d of vscode.workspace.textDocuments) await tracker.check(d);
  });
  api.activationMs = performance.now() - started;
  log(`activated in ${api.activationMs.toFixed(1)} ms`);
  return api;
}

function showReportWebview(context: vscode.ExtensionContext, findings: Finding[], base: string): void {
  const panel = vscode.window.createWebviewPanel('sitewarden.report', 'SiteWarden report', vscode.ViewColumn.Active, {
    enableScripts: false,
    localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'media')],
  });
  panel.webview.html = findingsHtml(findings, { base, nonce: randomBytes(16).toString('base64'), cspSource: panel.webview.cspSource });
}

export function deactivate(): void {
  /* subscriptions are disposed by VS Code */
}
