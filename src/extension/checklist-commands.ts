import * as vscode from 'vscode';
import { runChecklist } from '../checklist/run';
import type { DependencyStatus } from '../checklist/evaluate';
import { ChecklistStateError, MAX_NOTE_CHARS, readState, setManual, setNote, writeState, type ChecklistState, type ManualEntry } from '../checklist/state';
import { printable } from '../core/report/text';
import type { Rule } from '../core/rule';
import type { Prompter } from './prompter';
import type { ChecklistView } from './views';

/**
 * A message built from the repository's own file: control and bidi characters escaped, and no
 * `[text](target)` link syntax left for the notification to render as a clickable link.
 */
function repositoryText(s: string): string {
  return printable(s).replace(/\]\(/g, '] (');
}

type ItemNode = { item?: { item: { id: string; title?: string }; manual?: { status: string }; note?: { text: string } } };

/** The checklist view's commands: evaluate, confirm a manual item, mark not applicable, undo, run an item's fix. */
export class ChecklistCommands {
  /** The editor's own last dependency check: the "dependencies are current" item reads it. */
  deps?: DependencyStatus;

  constructor(
    private readonly rules: readonly Rule[],
    private readonly view: ChecklistView,
    private readonly roots: () => string[],
    private readonly prompter: () => Prompter = () => ({}) as Prompter,
    private readonly evaluate: typeof runChecklist = runChecklist,
  ) {}

  /** Counts evaluations started, so that only the newest one sets the view. */
  private started = 0;
  private newest?: Promise<boolean>;

  /** Evaluates the checklist into the view (on activation, after a dependency check, after a change of state). */
  refresh(opts: { quiet?: boolean } = {}): Promise<boolean> {
    const run = this.evaluateIntoView(++this.started, opts);
    this.newest = run;
    return run;
  }

  /**
   * Evaluations overlap (activation, a dependency check, a generator, the person's own refresh) and
   * each reads the folder when it starts: one started before a file was written can finish after one
   * started later. Only the newest sets the view; an older one waits for it and answers with its result.
   */
  private async evaluateIntoView(seq: number, opts: { quiet?: boolean }): Promise<boolean> {
    const folder = this.roots()[0];
    if (!folder) return false;
    let result;
    try {
      ({ result } = await this.evaluate([folder], { rules: this.rules, deps: this.deps }));
      if (seq !== this.started) return this.newest!;
    } catch (e) {
      // What is wrong with the file is said to whoever asked, even when a newer evaluation (say a
      // quiet one at activation) sets the view.
      if (seq !== this.started && !(e instanceof ChecklistStateError && !opts.quiet)) return this.newest!;
      // A broken or refused .sitewarden/checklist.json is the repository's input: say what is wrong.
      // On activation (quiet) it waits for the person to open the checklist.
      if (e instanceof ChecklistStateError) {
        if (!opts.quiet) void vscode.window.showErrorMessage(`SiteWarden: ${repositoryText(e.message)}`);
        return false;
      }
      throw e;
    }
    this.view.set(result);
    return true;
  }

  async show(): Promise<void> {
    if (await this.refresh()) await vscode.commands.executeCommand('sitewarden.checklist.focus');
  }

  private async who(): Promise<string | undefined> {
    const ask = this.prompter().checklistPerson;
    return ask ? ask() : vscode.window.showInputBox({ prompt: 'Who confirms this item?', value: process.env.USER ?? '' });
  }

  private async record(id: string, entry: ManualEntry | undefined): Promise<void> {
    await this.update((s) => setManual(s, id, entry));
  }

  private async update(change: (s: ChecklistState) => ChecklistState): Promise<void> {
    const root = this.roots()[0];
    if (!root) return;
    try {
      writeState(root, change(readState(root)));
    } catch (e) {
      return void vscode.window.showErrorMessage(`SiteWarden: ${repositoryText((e as Error).message)}`);
    }
    await this.refresh();
  }

  async markDone(node?: ItemNode): Promise<void> {
    const id = node?.item?.item.id;
    if (!id) return;
    const who = await this.who();
    if (!who) return;
    await this.record(id, { status: 'done', by: who, date: today() });
  }

  /** Not applicable, with the reason (required: the state file refuses an N/A without one). */
  async markNotApplicable(node?: ItemNode): Promise<void> {
    const id = node?.item?.item.id;
    if (!id) return;
    const title = node?.item?.item.title ?? id;
    const ask = this.prompter().notApplicableReason;
    const note = (await (ask ? ask(title) : vscode.window.showInputBox({ prompt: `Why does "${title}" not apply to this project?`, validateInput: (t) => (t.trim() ? undefined : 'A reason is required.') })))?.trim();
    if (!note) return;
    const who = await this.who();
    if (!who) return;
    await this.record(id, { status: 'not-applicable', by: who, date: today(), note });
  }

  /** A free-text note on any item, in the shared state file; an empty answer removes it. */
  async editNote(node?: ItemNode): Promise<void> {
    const id = node?.item?.item.id;
    if (!id) return;
    const title = node?.item?.item.title ?? id;
    const current = node?.item?.note?.text;
    const ask = this.prompter().checklistNote;
    const answer = await (ask
      ? ask(title, current)
      : vscode.window.showInputBox({ prompt: `Note on "${title}" (shared in .sitewarden/checklist.json; empty removes it)`, value: current ?? '', validateInput: (t) => (t.length > MAX_NOTE_CHARS ? `At most ${MAX_NOTE_CHARS} characters.` : undefined) }));
    if (answer === undefined) return;
    const text = answer.trim();
    if (!text) return this.update((s) => setNote(s, id, undefined));
    const who = await this.who();
    if (!who) return;
    await this.update((s) => setNote(s, id, { text, by: who, date: today() }));
  }

  /** Un-tick: the person's entry (done or not applicable) is removed; the item is evaluated again. */
  async clear(node?: ItemNode): Promise<void> {
    const id = node?.item?.item.id;
    if (id) await this.record(id, undefined);
  }

  /** An item's fix button: its command (generators refuse on their own in Restricted Mode). */
  async runAction(node?: { item?: { item: { action?: { command?: string } } } }): Promise<void> {
    const cmd = node?.item?.item.action?.command;
    if (cmd) await vscode.commands.executeCommand(cmd);
  }
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}
