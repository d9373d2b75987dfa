import * as vscode from 'vscode';
import { ensureLanguages } from '../core/parser';
import { DEPENDENCY_RULES } from '../deps/rules';
import { planEncryptionHelper } from '../fixes/encryption';
import { planFingerprintCheck } from '../fixes/fingerprint';
import { planIncidentResponse } from '../fixes/incident-response';
import { allRules } from '../rules';
import { WorkspaceAudit } from './audit';
import { ChecklistCommands } from './checklist-commands';
import { SiteWardenCodeActions } from './code-actions';
import { settings } from './config';
import { DependencyCheck } from './dependency-check';
import { DependencyLens, MANIFEST_SELECTOR } from './dependency-lens';
import { DocumentTracker } from './document-tracker';
import { GeneratorRunner, type HeadersCommandOptions } from './generator-runner';
import { vscodePrompter, type Prompter } from './prompter';
import { familyIndex } from './publish-policy';
import { FindingPublisher } from './publisher';
import { ReportExporter } from './report-exporter';
import { followTrust, isRestricted, RESTRICTED_TEXT } from './restricted-mode';
import { FindingsStatus } from './status';
import { ChecklistView, DependenciesView, FindingsView, type FindingsGrouping } from './views';
import type { WorkspaceConfigMode } from '../deps/check';

export type { Prompter } from './prompter';

/** What the integration tests read back from the running extension. */
export interface SiteWardenApi {
  tracker: DocumentTracker;
  findingsView: FindingsView;
  checklistView: ChecklistView;
  readonly lastAudit?: { files: number; findings: number; cancelled: boolean };
  /** The last dependency check: how much of the workspace's configuration it read, where it went. */
  readonly lastDependencyCheck?: { workspaceConfig: WorkspaceConfigMode; hostsContacted: string[]; packages: number };
  /** What a person sees: the status bar text and the messages on top of the views. */
  ui: () => { status: string; dependencies?: string; checklist?: string };
  activationMs: number;
  /**
   * Who answers the commands' questions (apply a generator's plan, the headers profile, the
   * Restricted Mode dependency check); `undefined` gives them back to VS Code's dialogs. The
   * e2e suite answers them this way.
   */
  setPrompter(p?: Prompter): void;
}

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
  const depsView = new DependenciesView();
  const depLens = new DependencyLens();
  const checklistView = new ChecklistView(vscode.Uri.joinPath(context.extensionUri, 'media'));
  const status = new FindingsStatus();
  const publisher = new FindingPublisher(familyIndex(EDITOR_RULES), (all) => {
    findingsView.set(all);
    status.update(all);
  });
  const tracker = new DocumentTracker(allRules, publisher, log);
  const audit = new WorkspaceAudit(allRules, publisher, roots, log);
  const deps = new DependencyCheck(publisher, depsView, depLens, roots, ask, log);
  const checklist = new ChecklistCommands(allRules, checklistView, roots);
  const generators = new GeneratorRunner(roots, ask);
  const reports = new ReportExporter(publisher, EDITOR_RULES, roots, context.extensionUri, String(context.extension.packageJSON.version));
  const depsTree = vscode.window.createTreeView('sitewarden.dependencies', { treeDataProvider: depsView });
  const checklistTree = vscode.window.createTreeView('sitewarden.checklist', { treeDataProvider: checklistView });
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
    vscode.window.registerTreeDataProvider('sitewarden.findings', findingsView),
    vscode.languages.registerCodeLensProvider(MANIFEST_SELECTOR, depLens),
    vscode.languages.registerCodeActionsProvider({ scheme: 'file' }, new SiteWardenCodeActions(publisher), { providedCodeActionKinds: SiteWardenCodeActions.kinds }),
    command('auditWorkspace', () => audit.run()),
    command('checkDependencies', () => deps.run()),
    command('showChecklist', () => checklist.show()),
    command('markItemDone', (node?: Parameters<ChecklistCommands['markDone']>[0]) => checklist.markDone(node)),
    command('runItemAction', (node?: Parameters<ChecklistCommands['runAction']>[0]) => checklist.runAction(node)),
    command('exportReport', () => reports.run()),
    command('showOutput', () => output.show()),
    command('groupFindings', (by?: FindingsGrouping) => findingsView.chooseGrouping(by)),
    command('showRuleDocs', (id: string) => vscode.env.openExternal(vscode.Uri.parse(`https://github.com/sitewarden/sitewarden/blob/main/docs/rules/${id}.md`))),
    command('addSecurityHeaders', (opts?: HeadersCommandOptions) => generators.addSecurityHeaders(opts)),
    command('addEncryptionHelper', () => generators.run((root) => planEncryptionHelper(root))),
    command('addFingerprintCheck', () => generators.run((root) => planFingerprintCheck(root))),
    command('createIncidentResponsePlan', () => generators.run((root) => planIncidentResponse(root))),
    audit.watchDisk(),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('sitewarden')) return;
      publisher.republish(settings());
      for (const d of vscode.workspace.textDocuments) void tracker.check(d);
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
  // Grammars load in the background: activation stays fast and open documents follow.
  void ensureLanguages(['python']).then(async () => {
    for (const d of vscode.workspace.textDocuments) await tracker.check(d);
  });
  const activationMs = performance.now() - started;
  log(`activated in ${activationMs.toFixed(1)} ms`);
  return {
    tracker,
    findingsView,
    checklistView,
    get lastAudit() {
      return audit.last;
    },
    get lastDependencyCheck() {
      return deps.last;
    },
    ui: () => ({ status: status.item.text, dependencies: depsTree.message, checklist: checklistTree.message }),
    activationMs,
    setPrompter: (p) => void (prompter = p ?? vscodePrompter),
  };
}

export function deactivate(): void {
  /* subscriptions are disposed by VS Code */
}
