import * as vscode from 'vscode';
import { runChecklist } from '../checklist/run';
import { ChecklistStateError, readState, setManual, writeState } from '../checklist/state';
import { printable } from '../core/report/text';
import type { Rule } from '../core/rule';
import type { ChecklistView } from './views';

/**
 * A message built from the repository's own file: control and bidi characters escaped, and no
 * `[text](target)` link syntax left for the notification to render as a clickable link.
 */
function repositoryText(s: string): string {
  return printable(s).replace(/\]\(/g, '] (');
}

/** The checklist view's commands: evaluate, confirm a manual item, run an item's fix. */
export class ChecklistCommands {
  constructor(
    private readonly rules: readonly Rule[],
    private readonly view: ChecklistView,
    private readonly roots: () => string[],
  ) {}

  async show(): Promise<void> {
    const folder = this.roots()[0];
    if (!folder) return;
    let result;
    try {
      ({ result } = await runChecklist([folder], { rules: this.rules }));
    } catch (e) {
      // A broken or refused .sitewarden/checklist.json is the repository's input: say what is wrong.
      if (e instanceof ChecklistStateError) return void vscode.window.showErrorMessage(`SiteWarden: ${repositoryText(e.message)}`);
      throw e;
    }
    this.view.set(result);
    await vscode.commands.executeCommand('sitewarden.checklist.focus');
  }

  async markDone(node?: { item?: { item: { id: string } } }): Promise<void> {
    const root = this.roots()[0];
    const id = node?.item?.item.id;
    if (!root || !id) return;
    const who = await vscode.window.showInputBox({ prompt: 'Who confirms this item?', value: process.env.USER ?? '' });
    if (!who) return;
    try {
      writeState(root, setManual(readState(root), id, { status: 'done', by: who, date: new Date().toISOString().slice(0, 10) }));
    } catch (e) {
      return void vscode.window.showErrorMessage(`SiteWarden: ${repositoryText((e as Error).message)}`);
    }
    await this.show();
  }

  /** An item's fix button: its command (generators refuse on their own in Restricted Mode). */
  async runAction(node?: { item?: { item: { action?: { command?: string } } } }): Promise<void> {
    const cmd = node?.item?.item.action?.command;
    if (cmd) await vscode.commands.executeCommand(cmd);
  }
}
