import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HeaderProfile } from '../fixes/headers';
import { planSecurityHeaders } from '../fixes/headers';
import { applyPlan, checkPlanTargets, type GeneratorPlan } from '../fixes/plan';
import type { Prompter } from './prompter';
import { generatorAllowed } from './restricted-mode';

const PREVIEW_SCHEME = 'sitewarden-preview';

/** Options a caller may pass (a keybinding's args, the tests): Flask and Express in one workspace need one run each. */
export interface HeadersCommandOptions {
  framework?: 'flask' | 'django' | 'express';
  profile?: HeaderProfile;
}

/**
 * Runs a generator: shows every change of its plan as a diff (served from memory), asks, then
 * applies it as one undoable edit. Off in Restricted Mode.
 */
export class GeneratorRunner implements vscode.Disposable {
  private readonly previews = new Map<string, string>();
  private readonly provider = vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, { provideTextDocumentContent: (uri) => this.previews.get(uri.toString()) ?? '' });

  constructor(
    private readonly roots: () => string[],
    private readonly prompter: () => Prompter,
  ) {}

  async addSecurityHeaders(opts?: HeadersCommandOptions): Promise<void> {
    if (!generatorAllowed()) return;
    const profile = opts?.profile ?? (await this.prompter().headersProfile());
    if (profile) await this.run((root) => planSecurityHeaders(root, { profile, framework: opts?.framework }));
  }

  async run(make: (root: string) => Promise<GeneratorPlan> | GeneratorPlan): Promise<void> {
    if (!generatorAllowed()) return;
    const root = this.roots()[0];
    if (!root) return void vscode.window.showInformationMessage('SiteWarden: open a folder first.');
    let plan: GeneratorPlan;
    try {
      plan = await make(root);
    } catch (e) {
      return void vscode.window.showErrorMessage(`SiteWarden: ${(e as Error).message}`);
    }
    const notes = plan.notes.length ? ` ${plan.notes.join(' ')}` : '';
    if (!plan.changes.length) return void vscode.window.showInformationMessage(`${plan.title}: nothing to change.${notes}`);
    await this.preview(plan, root);
    if (!(await this.prompter().confirmPlan(plan))) return;
    try {
      checkPlanTargets(plan); // VS Code's file service writes through links: refuse them first
    } catch (e) {
      return void vscode.window.showErrorMessage(`SiteWarden: ${(e as Error).message}`);
    }
    const edit = await this.edit(plan);
    if (typeof edit === 'string') return void vscode.window.showErrorMessage(`SiteWarden: ${edit}`);
    if (!(await vscode.workspace.applyEdit(edit))) {
      try {
        applyPlan(plan); // a workspace that refuses edits (read-only provider): fall back to the disk
      } catch (e) {
        return void vscode.window.showErrorMessage(`SiteWarden: ${(e as Error).message}`);
      }
    }
    await vscode.workspace.saveAll(false);
    vscode.window.showInformationMessage(`${plan.title}: done.${notes}`);
  }

  private async preview(plan: GeneratorPlan, root: string): Promise<void> {
    for (const c of plan.changes) {
      const right = vscode.Uri.parse(`${PREVIEW_SCHEME}:${c.path}?${randomBytes(4).toString('hex')}`);
      this.previews.set(right.toString(), c.after);
      const left = c.before === undefined ? vscode.Uri.parse(`${PREVIEW_SCHEME}:/empty/${path.basename(c.path)}`) : vscode.Uri.file(c.path);
      await vscode.commands.executeCommand('vscode.diff', left, right, `${path.relative(root, c.path)} (SiteWarden preview)`, { preview: true });
    }
  }

  /** The plan as one workspace edit, or why not: a file appeared or changed since the preview. */
  private async edit(plan: GeneratorPlan): Promise<vscode.WorkspaceEdit | string> {
    const edit = new vscode.WorkspaceEdit();
    for (const c of plan.changes) {
      const uri = vscode.Uri.file(c.path);
      if (c.before === undefined) {
        if (fs.existsSync(c.path)) return `${c.path} already exists; nothing was changed.`;
        edit.createFile(uri, { ignoreIfExists: false, contents: Buffer.from(c.after) });
      } else {
        const doc = await vscode.workspace.openTextDocument(uri);
        if (doc.getText() !== c.before) return `${c.path} changed since the preview; run the command again.`;
        edit.replace(uri, new vscode.Range(doc.positionAt(0), doc.positionAt(c.before.length)), c.after);
      }
    }
    return edit;
  }

  dispose(): void {
    this.provider.dispose();
  }
}
