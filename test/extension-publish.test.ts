/**
 * The extension's own `activate` and commands, run by plain mocha against a stand-in `vscode`
 * (test/fake-vscode.ts): what reaches the editor from the workspace audit, who answers the
 * questions a command asks, and what a broken checklist state file shows.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fakeContext, host, installFakeVscode, resetHost, Uri } from './fake-vscode';

installFakeVscode();
// Loaded after the fake is in place: the extension requires `vscode` at load time.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const extension = require('../src/extension/extension') as typeof import('../src/extension/extension');

const REPO = path.resolve(__dirname, '..', '..');
const FLASK_APP = path.join(REPO, 'test', 'fixtures', 'seed-flask', 'app.py');

/** Rule ids of the diagnostics the audit left on a file, sorted. */
function auditDiagnostics(file: string): string[] {
  const list = host.diagnostics.get('sitewarden')?.get(Uri.file(file).toString()) ?? [];
  return list.map((d) => String((d.code as { value: string }).value)).sort();
}

/** Every file under `dir`, relative, sorted. */
function files(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
}

describe('extension: activate and its commands (stand-in vscode)', () => {
  let ws: string;
  let context: ReturnType<typeof fakeContext>;
  let api: Awaited<ReturnType<typeof extension.activate>>;
  const savedEnv = process.env.SITEWARDEN_AUTO_CONFIRM;

  beforeEach(async () => {
    resetHost();
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-ext-'));
    fs.copyFileSync(FLASK_APP, path.join(ws, 'app.py'));
    host.folder = ws;
  });

  const start = async () => {
    context = fakeContext(REPO);
    api = await extension.activate(context as never);
  };

  afterEach(() => {
    for (const d of context?.subscriptions ?? []) d.dispose();
    fs.rmSync(ws, { recursive: true, force: true });
    if (savedEnv === undefined) delete process.env.SITEWARDEN_AUTO_CONFIRM;
    else process.env.SITEWARDEN_AUTO_CONFIRM = savedEnv;
  });

  it('the audit shows both findings of the Flask app with the default settings', async () => {
    await start();
    await host.commands.get('sitewarden.auditWorkspace')!();
    assert.deepEqual(auditDiagnostics(path.join(ws, 'app.py')), ['py-fingerprint-stub', 'py-flask-debug']);
    assert.equal(api.findingsView.count, 2);
  });

  it('the audit path applies sitewarden.minimumSeverity (a medium finding stays out at "high")', async () => {
    host.config['sitewarden.minimumSeverity'] = 'high';
    await start();
    await host.commands.get('sitewarden.auditWorkspace')!();
    assert.deepEqual(auditDiagnostics(path.join(ws, 'app.py')), ['py-flask-debug']);
    assert.equal(api.findingsView.count, 1, 'the findings view shows what the editor shows');
  });

  it('the audit path applies sitewarden.disabledFamilies (no "config" finding when it is off)', async () => {
    host.config['sitewarden.disabledFamilies'] = ['config'];
    await start();
    await host.commands.get('sitewarden.auditWorkspace')!();
    assert.deepEqual(auditDiagnostics(path.join(ws, 'app.py')), ['py-fingerprint-stub']);
    assert.equal(api.findingsView.count, 1);
  });

  it('changing sitewarden.minimumSeverity filters the last audit again, without a new audit', async () => {
    await start();
    await host.commands.get('sitewarden.auditWorkspace')!();
    host.setConfig('sitewarden.minimumSeverity', 'high');
    assert.deepEqual(auditDiagnostics(path.join(ws, 'app.py')), ['py-flask-debug']);
    host.setConfig('sitewarden.minimumSeverity', 'low');
    assert.deepEqual(auditDiagnostics(path.join(ws, 'app.py')), ['py-fingerprint-stub', 'py-flask-debug']);
    assert.equal(api.findingsView.count, 2);
  });

  it('the exported report holds what the editor shows (a disabled family is left out)', async () => {
    host.config['sitewarden.disabledFamilies'] = ['fingerprinting'];
    host.answer = (_q, choices) => (choices.includes('SARIF') ? 'SARIF' : undefined);
    host.saveTo = path.join(ws, 'report.sarif');
    await start();
    await host.commands.get('sitewarden.auditWorkspace')!();
    await host.commands.get('sitewarden.exportReport')!();
    const sarif = JSON.parse(fs.readFileSync(host.saveTo, 'utf8')) as { runs: { results: { ruleId: string }[] }[] };
    assert.deepEqual(sarif.runs[0].results.map((r) => r.ruleId), ['py-flask-debug']);
  });

  it('SITEWARDEN_AUTO_CONFIRM in the environment no longer applies a generator unasked', async () => {
    process.env.SITEWARDEN_AUTO_CONFIRM = '1';
    const before = files(ws);
    await start();
    await host.commands.get('sitewarden.addEncryptionHelper')!(); // the question is dismissed
    // Asked in VS Code's refactor preview: the edit needs confirmation (the stand-in discards it).
    const ops = host.edits.flatMap((e) => (e as unknown as { operations: { metadata?: { needsConfirmation?: boolean } }[] }).operations);
    assert.ok(ops.length && ops.every((o) => o.metadata?.needsConfirmation === true), `the user was asked: ${JSON.stringify(ops)}`);
    assert.deepEqual(files(ws), before, 'nothing was written');
  });

  it('an injected prompter answers the generator question (as the e2e suite does)', async () => {
    await start();
    const asked: string[] = [];
    api.setPrompter({
      confirmPlan: async (plan) => (asked.push(plan.title), true),
      headersProfile: async () => 'production',
      confirmRestrictedDependencyCheck: async () => true,
    });
    await host.commands.get('sitewarden.addEncryptionHelper')!();
    assert.deepEqual(asked, ['Add encryption helpers (Fernet)']);
    assert.ok(files(ws).includes(path.join('security_helpers', 'encryption.py')), files(ws).join(', '));
    assert.ok(!host.messages.some((m) => /apply \d+ change\(s\)\?/.test(m.text)), 'VS Code was not asked');
  });

  it('Show Security Checklist on a broken .sitewarden/checklist.json shows what is wrong', async () => {
    fs.mkdirSync(path.join(ws, '.sitewarden'));
    fs.writeFileSync(path.join(ws, '.sitewarden', 'checklist.json'), '{"version": 1, "items": {"encryption": {"status": "done"}}}');
    await start();
    await host.commands.get('sitewarden.showChecklist')!(); // resolves: not a generic command failure
    const errors = host.messages.filter((m) => m.kind === 'error').map((m) => m.text);
    assert.equal(errors.length, 1, JSON.stringify(host.messages));
    assert.match(errors[0], /^SiteWarden: .*item "encryption": "by" \(who\) is required/);
  });
});
