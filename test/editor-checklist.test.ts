/**
 * The checklist in the editor (issue 19), through the real `activate` against the stand-in
 * `vscode`: filled on activation, "not applicable" with a reason, undo, evidence rows that open
 * the file at the line, and the "dependencies are current" item fed by the editor's own check.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fakeContext, host, installFakeVscode, resetHost } from './fake-vscode';

installFakeVscode();
/* eslint-disable @typescript-eslint/no-require-imports */
const extension = require('../src/extension/extension') as typeof import('../src/extension/extension');
const { runChecklist } = require('../src/checklist/run') as typeof import('../src/checklist/run');
const { ChecklistCommands } = require('../src/extension/checklist-commands') as typeof import('../src/extension/checklist-commands');
const { ChecklistView } = require('../src/extension/views') as typeof import('../src/extension/views');
const { allRules } = require('../src/rules') as typeof import('../src/rules');
const { Uri } = require('./fake-vscode') as typeof import('./fake-vscode');
/* eslint-enable @typescript-eslint/no-require-imports */

const REPO = path.resolve(__dirname, '..', '..');
const FLASK_APP = path.join(REPO, 'test', 'fixtures', 'seed-flask', 'app.py');

type View = InstanceType<typeof ChecklistView>;
const items = (v: View) => v.result!.areas.flatMap((a) => a.items);
const item = (v: View, id: string) => items(v).find((i) => i.item.id === id)!;

/** Waits for the activation's background work (grammars, then the checklist): counts turns, no clock. */
async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 20000 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(cond(), 'the condition never held');
}

describe('editor checklist (stand-in vscode)', () => {
  let ws: string;
  let context: ReturnType<typeof fakeContext> | undefined;

  beforeEach(() => {
    resetHost();
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-checklist-'));
    fs.copyFileSync(FLASK_APP, path.join(ws, 'app.py'));
    host.folder = ws;
  });
  afterEach(() => {
    for (const d of context?.subscriptions ?? []) d.dispose();
    fs.rmSync(ws, { recursive: true, force: true });
  });

  it('is computed on activation, without running its command', async () => {
    context = fakeContext(REPO);
    const api = await extension.activate(context as never);
    await until(() => !!api.checklistView.result);
    assert.ok(items(api.checklistView).length > 5);
  });

  it('not applicable needs a reason, is written to the shared state, and can be undone', async () => {
    context = fakeContext(REPO);
    const api = await extension.activate(context as never);
    await until(() => !!api.checklistView.result);
    const reasons: (string | undefined)[] = [undefined, 'static site, no login'];
    api.setPrompter({ confirmPlan: async () => false, headersProfile: async () => undefined, confirmRestrictedDependencyCheck: async () => false, notApplicableReason: async () => reasons.shift(), checklistPerson: async () => 'ana' });
    const target = items(api.checklistView).find((i) => i.status !== 'not-applicable')!;
    const node = { kind: 'item' as const, item: target };
    await host.commands.get('sitewarden.markItemNotApplicable')!(node);
    assert.equal(fs.existsSync(path.join(ws, '.sitewarden', 'checklist.json')), false, 'cancelled: nothing written');
    await host.commands.get('sitewarden.markItemNotApplicable')!(node);
    const state = JSON.parse(fs.readFileSync(path.join(ws, '.sitewarden', 'checklist.json'), 'utf8'));
    assert.equal(state.items[target.item.id].status, 'not-applicable');
    assert.equal(state.items[target.item.id].note, 'static site, no login');
    const marked = item(api.checklistView, target.item.id);
    assert.equal(marked.status, 'not-applicable');
    assert.match(String(api.checklistView.getTreeItem({ kind: 'item', item: marked }).contextValue), /\.decided$/);
    await host.commands.get('sitewarden.clearItem')!({ kind: 'item', item: marked });
    assert.equal(JSON.parse(fs.readFileSync(path.join(ws, '.sitewarden', 'checklist.json'), 'utf8')).items[target.item.id], undefined);
    assert.notEqual(item(api.checklistView, target.item.id).status, 'not-applicable');
  });

  it('evidence and failing findings are rows that open the file at their line', async () => {
    const view = new ChecklistView(Uri.file(path.join(REPO, 'media')) as never);
    const cmds = new ChecklistCommands(allRules, view, () => [ws]);
    await cmds.refresh();
    const withRows = items(view).find((i) => i.failing.length || i.evidence.some((e) => e.file))!;
    assert.ok(withRows, 'some item has evidence or failing findings in the Flask app');
    const rows = view.getChildren({ kind: 'item', item: withRows });
    assert.ok(rows.length >= 1);
    const t = view.getTreeItem(rows[0]) as unknown as { command: { command: string; arguments: [{ fsPath: string }, { selection: { start: { line: number } } }] } };
    assert.equal(t.command.command, 'vscode.open');
    assert.ok(fs.existsSync(t.command.arguments[0].fsPath));
  });

  it('"dependencies are current" reads the editor\'s own dependency result', async () => {
    const view = new ChecklistView(Uri.file(path.join(REPO, 'media')) as never);
    const cmds = new ChecklistCommands(allRules, view, () => [ws]);
    await cmds.refresh();
    assert.equal(item(view, 'dependencies-current').status, 'unknown');
    cmds.deps = { checked: true, incomplete: false, findings: [] };
    await cmds.refresh();
    assert.equal(item(view, 'dependencies-current').status, 'pass');
  });
  it('an evaluation that started earlier but finished later does not overwrite the newer one', async () => {
    const view = new ChecklistView(Uri.file(path.join(REPO, 'media')) as never);
    let releaseFirst!: () => void;
    const firstMayFinish = new Promise<void>((r) => (releaseFirst = r));
    let calls = 0;
    const evaluate: typeof runChecklist = async (roots, opts) => {
      const mine = ++calls;
      const out = await runChecklist(roots, opts);
      if (mine === 1) await firstMayFinish;
      return out;
    };
    const cmds = new ChecklistCommands(allRules, view, () => [ws], undefined, evaluate);
    const older = cmds.refresh();
    cmds.deps = { checked: true, incomplete: false, findings: [] };
    const newer = cmds.refresh();
    assert.equal(await newer, true);
    assert.equal(item(view, 'dependencies-current').status, 'pass');
    releaseFirst();
    assert.equal(await older, true, 'the older call answers with the newest result');
    assert.equal(calls, 2);
    assert.equal(item(view, 'dependencies-current').status, 'pass', 'the older evaluation (no dependency result) did not land last');
  });
});
