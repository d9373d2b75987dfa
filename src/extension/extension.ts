import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { ensureLanguages } from '../core/parser';
import { DEPENDENCY_RULES } from '../deps/rules';
import { planEncryptionHelper } from '../fixes/encryption';
import { planFingerprintCheck } from '../fixes/fingerprint';
import { planIncidentResponse } from '../fixes/incident-response';
import { allRules } from '../rules';
import { WorkspaceAudit } from './audit';
import { restoreAudit, saveAudit } from './audit-store';
import { ChecklistCommands } from './checklist-commands';
import { SiteWardenCodeActions } from './code-actions';
import { settings } from './config';
import { DependencyCheck } from './dependency-check';
import { bumpDependency, DependencyLens, MANIFEST_SELECTOR } from './dependency-lens';
import { DocumentTracker } from './document-tracker';
import { GeneratorRunner, type HeadersCommandOptions } from './generator-runner';
import { vscodePrompter, type Prompter } from './prompter';
import { familyIndex } from './publish-policy';
import { FindingHover } from './hover';
import { FindingPublisher } from './publisher';
import { ReportExporter } from './report-exporter';
import { followTrust, isRestricted, RESTRICTED_TEXT } from './restricted-mode';
import { setDocsRoot, showRuleDocs } from './rule-docs';
import { FindingsStatus } from './status';
import { suppressFinding } from './suppress-command';
import { suppressDependencyFinding } from './suppress-dependency';
import { ChecklistView, DependenciesView, FindingsView, SuppressionsView, type FindingsGrouping } from './views';
import { baselineFilter, baselinePath } from './baseline-filter';
import { BaselineError, readBaseline } from '../core/report/baseline';
import type { FindingsFilter } from './view-model';
import type { WorkspaceConfigMode } from '../deps/check';

export type { Prompter } from './prompter';

/** What the integration tests read back from the running extension. */
export interface SiteWardenApi {
  tracker: DocumentTracker;
  findingsView: FindingsView;
  checklistView: ChecklistView;
  suppressionsView: SuppressionsView;
  readonly lastAudit?: { files: number; findings: number; cancelled: boolean };
  /** The last dependency check: how much of the workspace's configuration it read, where it went. */
  readonly lastDependencyCheck?: { workspaceConfig: WorkspaceConfigMode; hostsContacted: string[]; packages: number; unchecked: { name: string; note?: string }[] };
  /** What a person sees: the status bar text and the messages on top of the views. */
  ui: () => { status: string; statusShown: boolean; dependencies?: string; checklist?: string };
  activationMs: number;
  /**
   * Who answers the commands' questions (apply a generator's plan, the headers profile, the
   * Restricted Mode dependency check); `undefined` gives them back to VS Code's dialogs. The
   * e2e suite answers them this way.
   */
  setPrompter(p?: Prompter): void;
}

/** Manifests and lockfiles whose save re-runs the dependency check. */
function isDependencyFile(file: string): boolean {
  return /(^|[\\/])(package\.json|package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|requirements[^\\/]*\.txt|pyproject\.toml|poetry\.lock|Pipfile|Pipfile\.lock|uv\.lock)$/.test(file);
}

/** How long after the last change the kept audit is written to the workspace state. */
const AUDIT_SAVE_AFTER_MS = 1000;

/** Whether the Findings view shows only findings new since the baseline (the toggle's state). */
const ONLY_NEW_KEY = 'sitewarden.onlyNew';

/** Every rule a finding in the editor may come from (code, text and dependency rules). */
const EDITOR_RULES = [...allRules, ...DEPENDENCY_RULES];

export async function activate(context: vscode.ExtensionContext): Promise<SiteWardenApi> {
  const started = performance.now();
  const output = vscode.window.createOutputChannel('SiteWarden');
  const log = (m: string) => output.appendLine(`[${new Date().toISOString()}] ${m}`);
  const roots = () => (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
  let prompter: Prompter = vscodePrompter;
  const ask = () => prompter;

  const findingsView = new FindingsView();
  const suppressionsView = new SuppressionsView(context.workspaceState);
  const depsView = new DependenciesView();
  const depLens = new DependencyLens();
  const checklistView = new ChecklistView(vscode.Uri.joinPath(context.extensionUri, 'media'));
  const status = new FindingsStatus();
  setDocsRoot(context.extensionUri);
  // The last audit is kept in the workspace's state, so a reload does not empty the views.
  let saveTimer: NodeJS.Timeout | undefined;
  const saveNow = () => {
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = undefined;
    void Promise.resolve(saveAudit(context.workspaceState, publisher.auditFindings())).catch((e) => log(`could not keep the audit: ${(e as Error)?.message ?? e}`));
  };
  const keepAudit = () => {
    if (!publisher.hasAudit) return;
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = setTimeout(saveNow, AUDIT_SAVE_AFTER_MS);
  };
  const publisher: FindingPublisher = new FindingPublisher(familyIndex(EDITOR_RULES), (all) => {
    findingsView.set(all);
    suppressionsView.set(all);
    status.update({ checked: publisher.checked, code: all, dependencies: publisher.dependencyFindings() });
    keepAudit();
  });
  const tracker = new DocumentTracker(allRules, publisher, log);
  const audit = new WorkspaceAudit(allRules, publisher, roots, log);
  const deps = new DependencyCheck(publisher, depsView, depLens, roots, ask, log);
  const checklist = new ChecklistCommands(allRules, checklistView, roots, ask);
  const generators = new GeneratorRunner(roots, ask);
  const reports = new ReportExporter(publisher, EDITOR_RULES, roots, context.extensionUri, String(context.extension.packageJSON.version));
  const depsTree = vscode.window.createTreeView('sitewarden.dependencies', { treeDataProvider: depsView });
  const checklistTree = vscode.window.createTreeView('sitewarden.checklist', { treeDataProvider: checklistView });
  const findingsTree = vscode.window.createTreeView('sitewarden.findings', { treeDataProvider: findingsView });
  const suppressionsTree = vscode.window.createTreeView('sitewarden.suppressions', { treeDataProvider: suppressionsView });

  // "Only findings new since the baseline" (issue 17): sitewarden.baseline names a SARIF or JSON
  // report of `sitewarden scan` inside the folder; the Findings view's toggle turns it on and off.
  let onlyNew = context.workspaceState.get<boolean>(ONLY_NEW_KEY) ?? true;
  let baselineNote: string | undefined;
  let filterNote: string | undefined;
  const describeFindings = () => {
    findingsTree.description = [baselineNote, filterNote].filter(Boolean).join(' · ') || undefined;
  };
  findingsView.onFilter = (d) => {
    filterNote = d;
    describeFindings();
  };
  const loadBaseline = () => {
    publisher.newOnly = undefined;
    baselineNote = undefined;
    const setting = vscode.workspace.getConfiguration('sitewarden').get<string>('baseline', '');
    const root = roots()[0];
    if (setting && root) {
      const file = baselinePath(setting, root);
      if (!file) {
        log(`sitewarden.baseline: ${setting} is outside the workspace folder: not read`);
        void vscode.window.showWarningMessage('SiteWarden: sitewarden.baseline must name a file inside the workspace folder.');
      } else {
        try {
          const entries = readBaseline(file);
          const rootOf = (f: string) => vscode.workspace.getWorkspaceFolder(vscode.Uri.file(f))?.uri.fsPath ?? root;
          if (onlyNew) publisher.newOnly = baselineFilter(entries, rootOf);
          baselineNote = onlyNew ? `only new since the baseline (${entries.length} in it)` : 'baseline off: showing all';
        } catch (e) {
          const why = e instanceof BaselineError ? e.message.replace(/^--baseline: /, '') : String((e as Error)?.message ?? e);
          log(`sitewarden.baseline: ${why}`);
          void vscode.window.showWarningMessage(`SiteWarden: the baseline was not read: ${why}`);
        }
      }
    }
    void vscode.commands.executeCommand('setContext', 'sitewarden.baselineSet', !!setting);
    void vscode.commands.executeCommand('setContext', 'sitewarden.onlyNew', onlyNew);
    describeFindings();
  };
  const refilter = () => {
    publisher.republish(settings());
    for (const d of vscode.workspace.textDocuments) void tracker.check(d);
  };
  loadBaseline();
  const command = (name: string, run: (...args: never[]) => unknown) => vscode.commands.registerCommand(`sitewarden.${name}`, run);

  context.subscriptions.push(
    output,
    publisher,
    status,
    tracker,
    generators,
    depLens,
    depsTree,
    checklistTree,
    findingsTree,
    suppressionsTree,
    vscode.languages.registerCodeLensProvider(MANIFEST_SELECTOR, depLens),
    vscode.languages.registerCodeActionsProvider({ scheme: 'file' }, new SiteWardenCodeActions(publisher, (file, line) => depLens.rowAt(file, line)), { providedCodeActionKinds: SiteWardenCodeActions.kinds }),
    vscode.languages.registerHoverProvider({ scheme: 'file' }, new FindingHover(publisher, EDITOR_RULES)),
    // A change not yet written (the window closes or reloads) is written now.
    { dispose: () => saveTimer && saveNow() },
    command('auditWorkspace', () => audit.run()),
    command('checkDependencies', async () => {
      await deps.run();
      // The checklist reads the check the editor just made, not the CLI's "not checked".
      if (deps.outcome) {
        checklist.deps = { checked: true, ...deps.outcome };
        if (checklistView.result) await checklist.refresh();
      }
    }),
    command('showChecklist', () => checklist.show()),
    command('markItemDone', (node?: Parameters<ChecklistCommands['markDone']>[0]) => checklist.markDone(node)),
    command('markItemNotApplicable', (node?: Parameters<ChecklistCommands['markNotApplicable']>[0]) => checklist.markNotApplicable(node)),
    command('editItemNote', (node?: Parameters<ChecklistCommands['editNote']>[0]) => checklist.editNote(node)),
    command('clearItem', (node?: Parameters<ChecklistCommands['clear']>[0]) => checklist.clear(node)),
    command('runItemAction', (node?: Parameters<ChecklistCommands['runAction']>[0]) => checklist.runAction(node)),
    command('exportReport', () => reports.run()),
    command('showOutput', () => output.show()),
    command('bumpDependency', (uri: vscode.Uri, line: number, name: string, latest: string) => bumpDependency(uri, line, name, latest)),
    // A saved manifest or lockfile: the lens and the dependency diagnostics follow, once a check
    // was made in this session (never on its own in Restricted Mode, where a check asks first).
    vscode.workspace.onDidSaveTextDocument((d) => {
      if (!deps.outcome || isRestricted() || !isDependencyFile(d.uri.fsPath)) return;
      void deps.run({ quiet: true }).then(() => {
        if (deps.outcome) checklist.deps = { checked: true, ...deps.outcome };
      });
    }),
    command('groupFindings', (by?: FindingsGrouping) => findingsView.chooseGrouping(by)),
    command('filterFindings', (f?: Partial<FindingsFilter>) => findingsView.chooseFilter(f)),
    command('toggleOnlyNew', async () => {
      onlyNew = !onlyNew;
      await context.workspaceState.update(ONLY_NEW_KEY, onlyNew);
      loadBaseline();
      refilter();
    }),
    command('showRuleDocs', (id: unknown) => showRuleDocs(id)),
    command('suppressFinding', (uri: vscode.Uri, line: number, ruleId: string) => suppressFinding((id) => (prompter.suppressionReason ?? vscodePrompter.suppressionReason!)(id), uri, line, ruleId)),
    command('suppressDependency', (uri: vscode.Uri, line: number, ruleId: string) =>
      suppressDependencyFinding({
        ask: (id) => (prompter.suppressionReason ?? vscodePrompter.suppressionReason!)(id),
        rowAt: (file, l) => depLens.rowAt(file, l),
        recheck: async () => {
          if (isRestricted()) return;
          await deps.run({ quiet: true });
          if (deps.outcome) checklist.deps = { checked: true, ...deps.outcome };
        },
      }, uri, line, ruleId)),
    command('addSecurityHeaders', (opts?: HeadersCommandOptions) => generators.addSecurityHeaders(opts)),
    command('addEncryptionHelper', () => generators.run((root) => planEncryptionHelper(root))),
    command('addFingerprintCheck', () => generators.run((root) => planFingerprintCheck(root))),
    command('createIncidentResponsePlan', () => generators.run((root) => planIncidentResponse(root))),
    audit.watchDisk(),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('sitewarden')) return;
      if (e.affectsConfiguration('sitewarden.baseline')) loadBaseline();
      applyToggles();
      refilter();
    }),
    // The status bar and the views say when SiteWarden runs in Restricted Mode, and switch back
    // when trust is granted (no reload needed: every command asks at the time it runs).
    followTrust(() => {
      const restricted = isRestricted();
      depsTree.message = restricted ? RESTRICTED_TEXT.depsView : undefined;
      checklistTree.message = restricted ? RESTRICTED_TEXT.checklistView : undefined;
      checklistView.setRestricted(restricted);
      status.update();
    }),
  );
  const applyToggles = () => {
    const s = settings();
    status.enabled = s.statusBar;
    depLens.setEnabled(s.codeLens);
    status.update();
  };
  applyToggles();
  const kept = restoreAudit(context.workspaceState, (file) => fs.existsSync(file));
  if (kept) {
    publisher.publishAudit(kept, settings());
    log(`restored the last audit: ${kept.length} findings`);
  }
  // Grammars load in the background: activation stays fast and open documents follow.
  void ensureLanguages(['python']).then(async () => {
    for (const d of vscode.workspace.textDocuments) await tracker.check(d);
    // The checklist is filled on activation, not only after its command (it was empty until then).
    await checklist.refresh({ quiet: true }).catch((e) => log(`checklist: ${(e as Error)?.message ?? e}`));
  });
  const activationMs = performance.now() - started;
  log(`activated in ${activationMs.toFixed(1)} ms`);
  return {
    tracker,
    findingsView,
    checklistView,
    suppressionsView,
    get lastAudit() {
      return audit.last;
    },
    get lastDependencyCheck() {
      return deps.last;
    },
    ui: () => ({ status: status.item.text, statusShown: status.shown, dependencies: depsTree.message, checklist: checklistTree.message }),
    activationMs,
    setPrompter: (p) => void (prompter = p ?? vscodePrompter),
  };
}

export function deactivate(): void {
  /* subscriptions are disposed by VS Code */
}
