/**
 * A free-text note per checklist item (issue 19), through the real `activate` against the
 * stand-in `vscode`: written to the shared state file next to the decisions, shown on the item
 * (escaped), kept when the item is ticked or un-ticked, removed with an empty answer.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fakeContext, host, installFakeVscode, resetHost } from './fake-vscode';

installFakeVscode();
/* eslint-disable @typescript-eslint/no-require-imports */
const extension = require('../src/extension/extension') as typeof import('../src/extension/extension');
const { readState, serializeState, setManual, setNote, ChecklistStateError } = require('../src/checklist/state') as typeof import('../src/checklist/state');
/* eslint-enable @typescript-eslint/no-require-imports */

const REPO = path.resolve(__dirname, '..', '..');

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 20000 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(cond(), 'the condition never held');
}

describe('checklist notes', function () {
  this.timeout(300_000); // a hang safety net only
  let ws: string;
  let context: ReturnType<typeof fakeContext> | undefined;
  beforeEach(() => {
    resetHost();
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-notes-'));
    fs.writeFileSync(path.join(ws, 'app.py'), 'from flask import Flask\napp = Flask(__name__)\n');
    host.folder = ws;
  });
  afterEach(() => {
    for (const d of context?.subscriptions ?? []) d.dispose();
    fs.rmSync(ws, { recursive: true, force: true });
  });

  it('a note is written to the shared state, shown on the item, survives a decision and its undo, and an empty answer removes it', async () => {
    context = fakeContext(REPO);
    const api = await extension.activate(context as never);
    await until(() => !!api.checklistView.result);
    const answers: (string | undefined)[] = [undefined, 'ask *Ana* [here](command:x) about the WAF', ''];
    api.setPrompter({ confirmPlan: async () => false, headersProfile: async () => undefined, confirmRestrictedDependencyCheck: async () => false, checklistPerson: async () => 'ana', notApplicableReason: async () => 'no forms', checklistNote: async () => answers.shift() });
    const find = (id: string) => api.checklistView.result!.areas.flatMap((a) => a.items).find((i) => i.item.id === id)!;
    const stateFile = path.join(ws, '.sitewarden', 'checklist.json');
    await host.commands.get('sitewarden.editItemNote')!({ kind: 'item', item: find('csrf') });
    assert.equal(fs.existsSync(stateFile), false, 'cancelled: nothing written');
    await host.commands.get('sitewarden.editItemNote')!({ kind: 'item', item: find('csrf') });
    const state = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
    assert.equal(state.notes.csrf.text, 'ask *Ana* [here](command:x) about the WAF');
    assert.equal(state.notes.csrf.by, 'ana');
    assert.match(state.notes.csrf.date, /^\d{4}-\d{2}-\d{2}$/);
    const shown = api.checklistView.getTreeItem({ kind: 'item', item: find('csrf') });
    assert.match(String(shown.description), /· note$/);
    const tooltip = (shown.tooltip as unknown as { value: string }).value;
    assert.ok(tooltip.includes('ask \\*Ana\\* \\[here\\](command:x) about the WAF'), tooltip);
    // A decision on the same item keeps the note, and so does its undo.
    await host.commands.get('sitewarden.markItemNotApplicable')!({ kind: 'item', item: find('csrf') });
    assert.equal(find('csrf').status, 'not-applicable');
    assert.equal(find('csrf').note?.text, 'ask *Ana* [here](command:x) about the WAF');
    await host.commands.get('sitewarden.clearItem')!({ kind: 'item', item: find('csrf') });
    assert.equal(find('csrf').note?.text, 'ask *Ana* [here](command:x) about the WAF');
    await host.commands.get('sitewarden.editItemNote')!({ kind: 'item', item: find('csrf') });
    assert.equal(find('csrf').note, undefined);
    assert.equal(JSON.parse(fs.readFileSync(stateFile, 'utf8')).notes, undefined);
  });

  it('the state file keeps notes sorted and one field per line; a broken note is a clear error', () => {
    let s = setNote(setManual({ version: 1, items: {} }, 'csrf', { status: 'done', by: 'b', date: '2026-01-02' }), 'orm-queries', { text: 'n2', by: 'b', date: '2026-01-02' });
    s = setNote(s, 'authentication', { text: 'n1', by: 'a', date: '2026-01-01' });
    const text = serializeState(s);
    assert.ok(text.indexOf('"authentication"') < text.indexOf('"orm-queries"'));
    fs.mkdirSync(path.join(ws, '.sitewarden'));
    fs.writeFileSync(path.join(ws, '.sitewarden', 'checklist.json'), text);
    assert.deepEqual(readState(ws), s);
    fs.writeFileSync(path.join(ws, '.sitewarden', 'checklist.json'), JSON.stringify({ version: 1, items: {}, notes: { csrf: { text: '', by: 'a', date: '2026-01-01' } } }));
    assert.throws(() => readState(ws), (e: Error) => e instanceof ChecklistStateError && /note "csrf": "text" is required/.test(e.message));
  });
});
