/**
 * The sidebar (issue 19) and the editor's baseline toggle (issue 17), through the real `activate`
 * against the stand-in `vscode`: rows "title — file:line", the severity/rule filter, the
 * Dependencies order, the Suppressions view, and "only findings new since the baseline" with the
 * baseline the CLI writes.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fakeContext, host, installFakeVscode, resetHost, Uri } from './fake-vscode';
import { buildFinding } from '../src/core/finding';
import type { PackageRow } from '../src/deps/check';

installFakeVscode();
/* eslint-disable @typescript-eslint/no-require-imports */
const extension = require('../src/extension/extension') as typeof import('../src/extension/extension');
const vm = require('../src/extension/view-model') as typeof import('../src/extension/view-model');
const { baselinePath } = require('../src/extension/baseline-filter') as typeof import('../src/extension/baseline-filter');
/* eslint-enable @typescript-eslint/no-require-imports */

const REPO = path.resolve(__dirname, '..', '..');
const CLI = path.join(REPO, 'dist', 'cli.js');
const FLASK_APP = path.join(REPO, 'test', 'fixtures', 'seed-flask', 'app.py');

describe('editor views: rows and order', () => {
  it('a finding row is "title — file:line"', () => {
    const f = buildFinding({ meta: { id: 'py-x', title: 'SQL injection', message: 'long message', severity: 'high', confidence: 'high', cwe: [], owasp: [], checklist: [] }, file: '/w/app.py', range: { start: { line: 41, column: 0 }, end: { line: 41, column: 1 } }, lineText: 'x' });
    assert.equal(vm.findingLabel(f, 'app.py'), 'SQL injection — app.py:42');
  });

  it('dependencies: vulnerable, then deprecated (yanked first), outdated, unknown', () => {
    const row = (name: string, status: PackageRow['status']): PackageRow => ({ ecosystem: 'npm', name, declared: '1', status, advisories: [], file: '/w/package.json', line: 1 });
    const order = vm.dependencyOrder([row('a', 'unknown'), row('b', 'outdated'), row('c', 'deprecated'), row('d', 'vulnerable'), row('e', 'yanked'), row('f', 'vulnerable')]);
    assert.deepEqual(order.map((r) => `${r.status}:${r.name}`), ['vulnerable:d', 'vulnerable:f', 'yanked:e', 'deprecated:c', 'outdated:b', 'unknown:a']);
  });

  it('the baseline setting is read only inside the folder', () => {
    assert.equal(baselinePath('ci/baseline.sarif', '/w'), path.resolve('/w/ci/baseline.sarif'));
    assert.equal(baselinePath('../elsewhere.sarif', '/w'), undefined);
    assert.equal(baselinePath('/etc/passwd', '/w'), undefined);
    assert.equal(baselinePath('', '/w'), undefined);
  });
});

describe('editor views: activate, audit, filter, suppressions, baseline (stand-in vscode)', () => {
  let ws: string;
  let app: string;
  let context: ReturnType<typeof fakeContext> | undefined;

  beforeEach(() => {
    resetHost();
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-views-'));
    app = path.join(ws, 'app.py');
    fs.copyFileSync(FLASK_APP, app);
    host.folder = ws;
  });
  afterEach(() => {
    for (const d of context?.subscriptions ?? []) d.dispose();
    fs.rmSync(ws, { recursive: true, force: true });
  });
  const start = async () => {
    context = fakeContext(REPO);
    return extension.activate(context as never);
  };
  const codeDiagnostics = () => (host.diagnostics.get('sitewarden')?.get(Uri.file(app).toString()) ?? []).map((d) => String((d.code as { value: string }).value)).sort();

  it('the filter narrows the Findings view by severity and by rule', async () => {
    const api = await start();
    await host.commands.get('sitewarden.auditWorkspace')!();
    assert.equal(api.findingsView.count, 2);
    await host.commands.get('sitewarden.filterFindings')!({ severities: ['high'] });
    assert.equal(api.findingsView.count, 1);
    await host.commands.get('sitewarden.filterFindings')!({ rules: ['py-fingerprint-stub'] });
    assert.equal(api.findingsView.count, 1);
    await host.commands.get('sitewarden.filterFindings')!({});
    assert.equal(api.findingsView.count, 2);
  });

  it('the Suppressions view lists each suppression with its reason, expiry and age', async () => {
    fs.writeFileSync(app, fs.readFileSync(app, 'utf8').replace('    app.run(debug=True)', '    # sitewarden-ignore[py-flask-debug]: local tool only until=2999-01-31\n    app.run(debug=True)'));
    const api = await start();
    await host.commands.get('sitewarden.auditWorkspace')!();
    assert.equal(api.suppressionsView.count, 1);
    const [row] = api.suppressionsView.getChildren();
    const item = api.suppressionsView.getTreeItem(row);
    assert.match(String(item.label), /^py-flask-debug — app\.py:\d+$/);
    assert.equal(item.description, 'local tool only · until 2999-01-31 · seen today');
  });

  it('with sitewarden.baseline, only findings new since the baseline are shown; the toggle shows all', async () => {
    const r = spawnSync(process.execPath, [CLI, 'scan', '--no-deps', '--offline', '.', '--format', 'sarif', '--write-baseline', 'baseline.sarif'], { cwd: ws, encoding: 'utf8' });
    assert.ok(fs.existsSync(path.join(ws, 'baseline.sarif')), r.stderr);
    // A new finding, and the old ones moved down by an unrelated edit.
    fs.writeFileSync(app, '# moved\nimport os\n' + fs.readFileSync(app, 'utf8') + '\n\ndef run(cmd):\n    os.system(cmd)\n');
    host.config['sitewarden.baseline'] = 'baseline.sarif';
    const api = await start();
    await host.commands.get('sitewarden.auditWorkspace')!();
    const all = codeDiagnostics();
    assert.ok(all.length >= 1 && !all.includes('py-flask-debug') && !all.includes('py-fingerprint-stub'), all.join(','));
    const onlyNew = api.findingsView.count;
    await host.commands.get('sitewarden.toggleOnlyNew')!();
    const everything = codeDiagnostics();
    assert.ok(everything.includes('py-flask-debug') && everything.includes('py-fingerprint-stub'), everything.join(','));
    assert.equal(api.findingsView.count, onlyNew + 2);
  });
});

describe('editor settings: per-rule switch, lens and status bar toggles (stand-in vscode)', () => {
  let ws: string;
  let context: ReturnType<typeof fakeContext> | undefined;
  beforeEach(() => {
    resetHost();
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-settings-'));
    fs.copyFileSync(FLASK_APP, path.join(ws, 'app.py'));
    host.folder = ws;
  });
  afterEach(() => {
    for (const d of context?.subscriptions ?? []) d.dispose();
    fs.rmSync(ws, { recursive: true, force: true });
  });

  it('sitewarden.disabledRules switches one rule off on the audit path and again when changed', async () => {
    host.config['sitewarden.disabledRules'] = ['py-flask-debug'];
    context = fakeContext(REPO);
    const api = await extension.activate(context as never);
    await host.commands.get('sitewarden.auditWorkspace')!();
    const ids = () => (host.diagnostics.get('sitewarden')?.get(Uri.file(path.join(ws, 'app.py')).toString()) ?? []).map((d) => String((d.code as { value: string }).value));
    assert.deepEqual(ids(), ['py-fingerprint-stub']);
    host.setConfig('sitewarden.disabledRules', []);
    assert.deepEqual(ids().sort(), ['py-fingerprint-stub', 'py-flask-debug']);
    assert.equal(api.findingsView.count, 2);
  });

  it('sitewarden.statusBar.enabled hides the status bar item; the settings read "SiteWarden"', async () => {
    host.config['sitewarden.statusBar.enabled'] = false;
    context = fakeContext(REPO);
    const api = await extension.activate(context as never);
    assert.equal(api.ui().statusShown, false);
    host.setConfig('sitewarden.statusBar.enabled', true);
    assert.equal(api.ui().statusShown, true);
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
    const props = pkg.contributes.configuration.properties as Record<string, { markdownDescription?: string; description?: string }>;
    assert.equal(pkg.contributes.configuration.title, 'SiteWarden');
    for (const [key, p] of Object.entries(props)) assert.ok(p.markdownDescription && !p.description, key);
    for (const key of ['sitewarden.disabledRules', 'sitewarden.codeLens.enabled', 'sitewarden.statusBar.enabled', 'sitewarden.baseline']) assert.ok(props[key], key);
  });
});
