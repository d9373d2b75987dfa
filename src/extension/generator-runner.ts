import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { HeaderProfile } from '../fixes/headers';
import { planSecurityHeaders } from '../fixes/headers';
import { applyPlan, checkPlanTargets, type GeneratorPlan } from '../fixes/plan';
import type { Prompter } from './prompter';
import { generatorAllowed } from './restricted-mode';

/** Options a caller may pass (a keybinding's args, the tests): Flask and Express in one workspace need one run each. */
export interface HeadersCommandOptions {
  framework?: 'flask' | 'django' | 'express';
  profile?: HeaderProfile;
}

/**
 * Runs a generator: its plan becomes one workspace edit; at the screen VS Code's refactor preview
 * shows every file of it in one panel (`needsConfirmation`), where it is applied or discarded as
 * one undoable step. Off in Restricted Mode.
 */
export class GeneratorRunner implements vscode.Disposable {

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
    const answer = await this.prompter().confirmPlan(plan);
    if (!answer) return;
    const inPreview = answer === 'preview';
    try {
      checkPlanTargets(plan); // VS Code's file service writes through links: refuse them first
    } catch (e) {
      return void vscode.window.showErrorMessage(`SiteWarden: ${(e as Error).message}`);
    }
    const edit = await this.edit(plan, inPreview ? { needsConfirmation: true, label: plan.title, description: plan.notes.join(' ') || undefined } : undefined);
    if (typeof edit === 'string') return void vscode.window.showErrorMessage(`SiteWarden: ${edit}`);
    const applied = await vscode.workspace.applyEdit(edit);
    // Discarded in the refactor preview: nothing is written, and nothing is said.
    if (inPreview && !applied) return;
    if (!applied) {
      try {
        applyPlan(plan); // a workspace that refuses edits (read-only provider): fall back to the disk
      } catch (e) {
        return void vscode.window.showErrorMessage(`SiteWarden: ${(e as Error).message}`);
      }
    }
    await vscode.workspace.saveAll(false);
    vscode.window.showInformationMessage(`${plan.title}: done.${notes}`);
  }

  /** The plan as one workspace edit, or why not: a file appeared or changed since the preview. */
  private async edit(plan: GeneratorPlan, metadata?: vscode.WorkspaceEditEntryMetadata): Promise<vscode.WorkspaceEdit | string> {
    const edit = new vscode.WorkspaceEdit();
    for (const c of plan.changes) {
      const uri = vscode.Uri.file(c.path);
      if (c.before === undefined) {
        if (fs.existsSync(c.path)) return `${c.path} already exists; nothing was changed.`;
        edit.createFile(uri, { ignoreIfExists: false, contents: Buffer.from(c.after) }, metadata);
      } else {
        const doc = await vscode.workspace.openTextDocument(uri);
        if (doc.getText() !== c.before) return `${c.path} changed since the preview; run the command again.`;
        edit.replace(uri, new vscode.Range(doc.positionAt(0), doc.positionAt(c.before.length)), c.after, metadata);
      }
    }
    return edit;
  }

  dispose(): void {
    /* nothing held: the preview is VS Code's own */
  }
}
