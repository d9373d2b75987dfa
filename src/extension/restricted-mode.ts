import * as vscode from 'vscode';

/**
 * Restricted Mode (an untrusted workspace), in one place: which commands are off, and every text
 * that says so, so that the status bar, the views, the refusals and the confirmation tell the
 * same story. The workspace's files are still analysed (diagnostics, audit, checklist): analysis
 * reads them as data and runs nothing from them.
 */

export const RESTRICTED_TEXT = {
  statusSuffix: ' (Restricted Mode)',
  statusTooltip:
    'SiteWarden (Restricted Mode): code is analysed; generators are off; dependencies are checked only when you confirm, against your own registries — the workspace\'s registry settings are ignored. Trust the workspace to turn everything on.',
  generatorRefused:
    'SiteWarden: generators are off in Restricted Mode: they write files into a workspace you have not trusted. Trust the workspace (Workspaces: Manage Workspace Trust) to use them.',
  depsQuestion:
    'SiteWarden (Restricted Mode): this workspace\'s registry settings are ignored (its .npmrc, --index-url lines, Poetry and Pipfile sources, workspace settings). Check the packages it declares against your own registries (~/.npmrc, user settings, PIP_INDEX_URL), with your credentials sent only to their own hosts?',
  depsConfirm: 'Check against my registries',
  depsDecline: 'Not now',
  depsView: 'Restricted Mode: the workspace\'s registry settings are ignored; dependencies are checked only when you confirm, against your own registries.',
  checklistView: 'Restricted Mode: generator actions are off; items are evaluated from the code only.',
} as const;

export const isRestricted = (): boolean => !vscode.workspace.isTrusted;

/**
 * Runs `f` now and again when trust is granted (VS Code has no event for losing trust: that
 * takes a reload), so everything switches on without one.
 */
export function followTrust(f: () => void): vscode.Disposable {
  f();
  return vscode.workspace.onDidGrantWorkspaceTrust(f);
}

/**
 * A generator command's guard: in Restricted Mode it says why and returns false. Menus hide the
 * commands already; this covers keybindings, other extensions and checklist actions.
 */
export function generatorAllowed(): boolean {
  if (!isRestricted()) return true;
  void vscode.window.showWarningMessage(RESTRICTED_TEXT.generatorRefused);
  return false;
}

/**
 * Asks before a dependency check in Restricted Mode, which never runs on its own. A notification
 * rather than a modal dialog: VS Code refuses modal dialogs while extension tests run, so only a
 * notification can be answered in the e2e run the way a person answers it. Dismissed, or not
 * shown at all, means no. The commands ask it through their `Prompter` (prompter.ts).
 */
export async function confirmRestrictedDependencyCheck(): Promise<boolean> {
  try {
    const answer = await vscode.window.showWarningMessage(RESTRICTED_TEXT.depsQuestion, RESTRICTED_TEXT.depsConfirm, RESTRICTED_TEXT.depsDecline);
    return answer === RESTRICTED_TEXT.depsConfirm;
  } catch {
    return false;
  }
}
