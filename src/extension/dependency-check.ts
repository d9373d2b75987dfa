import * as vscode from 'vscode';
import type { Finding } from '../core/types';
import type { WorkspaceConfigMode } from '../deps/check';
import { checkDependenciesOffThread } from '../workers/run-deps';
import { settings } from './config';
import type { DependencyLens } from './dependency-lens';
import type { Prompter } from './prompter';
import type { FindingPublisher } from './publisher';
import { isRestricted } from './restricted-mode';
import { dependencySummary } from './summary';
import type { DependenciesView } from './views';

const SHOW_DEPENDENCIES = 'Show Dependencies';

/** Check Dependencies: the manifests' packages against the registries, shown on their lines. */
export class DependencyCheck {
  /** The last check: how much of the workspace's configuration it read, where it went. */
  last?: { workspaceConfig: WorkspaceConfigMode; hostsContacted: string[]; packages: number; unchecked: { name: string; note?: string }[] };
  /** The last check's outcome, for the checklist's "dependencies are current" item. */
  outcome?: { incomplete: boolean; findings: Finding[] };

  constructor(
    private readonly publisher: FindingPublisher,
    private readonly view: DependenciesView,
    private readonly lens: DependencyLens,
    private readonly roots: () => string[],
    private readonly prompter: () => Prompter,
    private readonly log: (msg: string) => void,
  ) {}

  /** `quiet`: a re-check after a save, without the summary message. */
  async run(opts: { quiet?: boolean } = {}): Promise<void> {
    const s = settings();
    if (s.offline) return void vscode.window.showInformationMessage('SiteWarden: offline mode is on; dependencies are not checked.');
    // Restricted Mode: never on its own, and none of the workspace's registry settings are read
    // (a workspace .npmrc `proxy=` would otherwise receive the user's own token).
    const workspaceConfig: WorkspaceConfigMode = isRestricted() ? 'ignored' : 'data';
    if (workspaceConfig === 'ignored' && !(await this.prompter().confirmRestrictedDependencyCheck())) return void this.log('dependency check not confirmed (Restricted Mode): nothing was sent');
    await vscode.window.withProgress({ location: opts.quiet ? vscode.ProgressLocation.Window : vscode.ProgressLocation.Notification, title: 'SiteWarden: checking dependencies' }, async () => {
      // On a worker, away from VS Code's proxy patches of Node's networking in the extension host
      // (they broke every npm request there).
      // The environment is the user's own (it expands ${VAR} in ~/.npmrc, PIP_INDEX_URL).
      const started = performance.now();
      const r = await checkDependenciesOffThread(this.roots(), { npmRegistry: s.npmRegistry, pypiIndex: s.pypiIndex, env: { ...process.env }, workspaceConfig });
      this.last = { workspaceConfig, hostsContacted: r.hostsContacted, packages: r.packages.length, unchecked: r.packages.filter((p) => p.status === 'unchecked').map((p) => ({ name: p.name, note: p.note })) };
      this.log(`dependency check (${workspaceConfig === 'ignored' ? 'workspace registry settings ignored' : 'workspace .npmrc routes look-ups only'}): contacted ${r.hostsContacted.join(', ') || 'no host'}`);
      this.outcome = { incomplete: r.incomplete, findings: r.findings };
      this.publisher.publishDependencies(r.findings, s);
      this.view.set(r.packages, r.notices.map((n) => n.message), r.hostsContacted);
      this.lens.set(r.packages);
      for (const n of r.notices) this.log(n.message);
      if (r.incomplete) vscode.window.showWarningMessage(`SiteWarden: the dependency check is incomplete: ${r.notices.map((n) => n.message).join('; ')}`);
      const summary = dependencySummary({ findings: this.publisher.dependencyFindings().length, packages: r.packages.length, durationMs: performance.now() - started, incomplete: r.incomplete });
      if (!opts.quiet) void Promise.resolve(vscode.window.showInformationMessage(summary, SHOW_DEPENDENCIES)).then((pick) => pick === SHOW_DEPENDENCIES && vscode.commands.executeCommand('sitewarden.dependencies.focus'));
    });
  }
}
