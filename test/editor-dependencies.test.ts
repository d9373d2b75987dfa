/** Dependencies in the editor (issue 19): "update to the latest version" as a lens click and a code action. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fakeVscode, host, installFakeVscode, resetHost, Uri } from './fake-vscode';
import type { PackageRow } from '../src/deps/check';

installFakeVscode();
/* eslint-disable @typescript-eslint/no-require-imports */
const { bumpedLine } = require('../src/extension/dependency-bump') as typeof import('../src/extension/dependency-bump');
const lens = require('../src/extension/dependency-lens') as typeof import('../src/extension/dependency-lens');
const codeActions = require('../src/extension/code-actions') as typeof import('../src/extension/code-actions');
const { suppressDependencyFinding } = require('../src/extension/suppress-dependency') as typeof import('../src/extension/suppress-dependency');
const { readIgnoreList } = require('../src/deps/accepted-risks') as typeof import('../src/deps/accepted-risks');
/* eslint-enable @typescript-eslint/no-require-imports */

describe('editor dependencies: the version bump', () => {
  it('rewrites the plain forms and keeps the range operator', () => {
    assert.equal(bumpedLine('    "lodash": "^4.17.15",', 'lodash', '4.17.21', '/w/package.json'), '    "lodash": "^4.17.21",');
    assert.equal(bumpedLine('    "express": "4.16.0"', 'express', '4.21.2', '/w/package.json'), '    "express": "4.21.2"');
    assert.equal(bumpedLine('flask==0.12.2  # web', 'flask', '3.1.0', '/w/requirements.txt'), 'flask==3.1.0  # web');
    assert.equal(bumpedLine('Jinja2>=2.10', 'jinja2', '3.1.6', '/w/requirements.txt'), 'Jinja2>=3.1.6');
    assert.equal(bumpedLine('  "requests==2.19.0",', 'requests', '2.32.3', '/w/pyproject.toml'), '  "requests==2.32.3",');
    assert.equal(bumpedLine('django = "^2.2"', 'django', '5.1.4', '/w/pyproject.toml'), 'django = "^5.1.4"');
  });

  it('leaves alone what it cannot rewrite safely', () => {
    assert.equal(bumpedLine('    "lib": "github:user/lib#v1",', 'lib', '2.0.0', '/w/package.json'), undefined);
    assert.equal(bumpedLine('flask>=1.0,<2', 'flask', '3.1.0', '/w/requirements.txt'), undefined);
    assert.equal(bumpedLine('flask==1.0', 'flask', '3.1.0; rm -rf', '/w/requirements.txt'), undefined, 'a registry answer that is no version');
    assert.equal(bumpedLine('flask-login==1.0', 'flask', '3.1.0', '/w/requirements.txt'), undefined, 'another package whose name starts the same');
  });
});

describe('editor dependencies: lens and code action (stand-in vscode)', () => {
  let ws: string;
  beforeEach(() => {
    resetHost();
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-deps-ed-'));
  });
  afterEach(() => fs.rmSync(ws, { recursive: true, force: true }));

  const row = (file: string): PackageRow => ({ ecosystem: 'pypi', name: 'flask', declared: '0.12.2', installed: '0.12.2', latest: '3.1.0', status: 'vulnerable', advisories: ['GHSA-x'], file, line: 2 });

  it('a lens click and the code action both apply the bump through VS Code (one undo step)', async () => {
    const req = path.join(ws, 'requirements.txt');
    fs.writeFileSync(req, 'requests==2.32.3\nflask==0.12.2\n');
    const l = new lens.DependencyLens();
    l.set([row(req)]);
    const text = fs.readFileSync(req, 'utf8');
    const doc = { uri: Uri.file(req), lineCount: 3, lineAt: (n: number) => ({ text: text.split('\n')[n] }), getText: () => text };
    const [lensItem] = l.provideCodeLenses(doc as never) as unknown as { command: { command: string; arguments: unknown[] } }[];
    assert.equal(lensItem.command.command, 'sitewarden.bumpDependency');
    assert.equal(await lens.bumpDependency(...(lensItem.command.arguments as [never, number, string, string])), false, 'the stand-in applies no edit');
    const op = (host.edits[0] as unknown as { operations: { range: { start: { line: number } }; text: string }[] }).operations[0];
    assert.deepEqual([op.range.start.line, op.text], [1, 'flask==3.1.0']);

    const provider = new codeActions.SiteWardenCodeActions({ findingsFor: () => [] } as never, (file, line) => l.rowAt(file, line));
    const d = new fakeVscode.Diagnostic(new fakeVscode.Range(1, 0, 1, 12), 'vulnerable', 0);
    d.source = 'SiteWarden';
    d.code = { value: 'dep-vulnerable' };
    const actions = provider.provideCodeActions(doc as never, d.range as never, { diagnostics: [d] } as never);
    assert.deepEqual(actions.map((a) => a.title), ['Update flask to 3.1.0', 'Suppress dep-vulnerable for this package (with a reason)…', 'Show documentation for dep-vulnerable']);
    assert.equal(actions[1].command!.command, 'sitewarden.suppressDependency');
  });
});

describe('editor dependencies: suppress with a reason (stand-in vscode)', () => {
  let ws: string;
  beforeEach(() => {
    resetHost();
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-deps-sup-'));
    host.folder = ws;
  });
  afterEach(() => fs.rmSync(ws, { recursive: true, force: true }));

  const npmRow = (file: string, status: PackageRow['status'], advisories: string[]): PackageRow => ({ ecosystem: 'npm', name: 'lodash', declared: '4.17.15', installed: '4.17.15', latest: '4.17.21', status, advisories, file, line: 2 });
  const context = (rows: PackageRow[], answer: string | undefined) => {
    const asked: string[] = [];
    let rechecks = 0;
    return {
      asked,
      rechecks: () => rechecks,
      c: { ask: async (id: string) => (asked.push(id), answer), rowAt: (file: string, line: number) => rows.find((r) => r.file === file && r.line === line), recheck: async () => void rechecks++ },
    };
  };

  it('package.json: every advisory of a vulnerable package goes to .sitewarden/config with the reason and expiry, then the check runs again', async () => {
    const pkg = path.join(ws, 'package.json');
    fs.writeFileSync(pkg, '{\n  "dependencies": {\n    "lodash": "4.17.15"\n  }\n}\n');
    fs.mkdirSync(path.join(ws, '.sitewarden'));
    fs.writeFileSync(path.join(ws, '.sitewarden', 'config'), '# kept as it is\n');
    const t = context([npmRow(pkg, 'vulnerable', ['GHSA-p6mc-m468-83gw', 'GHSA-35jh-r3h4-6jhm'])], 'only used at build time until=2099-01-31');
    assert.equal(await suppressDependencyFinding(t.c, Uri.file(pkg) as never, 2, 'dep-vulnerable'), true);
    assert.deepEqual(t.asked, ['dep-vulnerable']);
    assert.equal(t.rechecks(), 1);
    const text = fs.readFileSync(path.join(ws, '.sitewarden', 'config'), 'utf8');
    assert.ok(text.startsWith('# kept as it is\n'));
    assert.deepEqual(readIgnoreList(ws).entries, ['GHSA-p6mc-m468-83gw', 'GHSA-35jh-r3h4-6jhm'].map((advisory) => ({ advisory, package: 'lodash', reason: 'only used at build time', expires: '2099-01-31' })));
  });

  it('an outdated package is accepted by rule; a cancel or an empty reason writes nothing', async () => {
    const pkg = path.join(ws, 'package.json');
    fs.writeFileSync(pkg, '{}\n');
    const rows = [npmRow(pkg, 'outdated', [])];
    assert.equal(await suppressDependencyFinding(context(rows, undefined).c, Uri.file(pkg) as never, 2, 'dep-outdated'), false);
    assert.equal(await suppressDependencyFinding(context(rows, '   ').c, Uri.file(pkg) as never, 2, 'dep-outdated'), false);
    assert.equal(fs.existsSync(path.join(ws, '.sitewarden', 'config')), false);
    assert.match(host.messages.at(-1)!.text, /A reason is required/);
    assert.equal(await suppressDependencyFinding(context(rows, 'pinned for the legacy build').c, Uri.file(pkg) as never, 2, 'dep-outdated'), true);
    assert.deepEqual(readIgnoreList(ws).entries, [{ advisory: '', rule: 'dep-outdated', package: 'lodash', reason: 'pinned for the legacy build' }]);
    assert.equal(await suppressDependencyFinding(context(rows, 'why').c, Uri.file(pkg) as never, 2, 'dep-unknown'), false, 'a rule the list cannot accept');
    assert.match(host.messages.at(-1)!.text, /dep-unknown cannot be accepted/);
    assert.equal(readIgnoreList(ws).entries.length, 1);
  });

  it('a .sitewarden link planted by the repository is refused, and nothing is written through it', async () => {
    const pkg = path.join(ws, 'package.json');
    fs.writeFileSync(pkg, '{}\n');
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-outside-'));
    try {
      fs.symlinkSync(outside, path.join(ws, '.sitewarden'));
      const t = context([npmRow(pkg, 'outdated', [])], 'reason');
      assert.equal(await suppressDependencyFinding(t.c, Uri.file(pkg) as never, 2, 'dep-outdated'), false);
      assert.deepEqual(fs.readdirSync(outside), []);
      assert.equal(t.rechecks(), 0);
      assert.equal(host.messages.at(-1)!.kind, 'error');
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it('requirements.txt: the comment goes above the line, as for code findings', async () => {
    const req = path.join(ws, 'requirements.txt');
    fs.writeFileSync(req, 'requests==2.32.3\n  flask==0.12.2\n');
    host.applyEdits = true;
    const t = context([], 'internal tool only');
    assert.equal(await suppressDependencyFinding(t.c, Uri.file(req) as never, 1, 'dep-outdated'), true);
    const op = (host.edits.at(-1) as unknown as { operations: { insert: unknown; pos: { line: number }; text: string }[] }).operations[0];
    assert.deepEqual([op.pos.line, op.text], [1, '  # sitewarden-ignore[dep-outdated]: internal tool only\n']);
    assert.equal(t.rechecks(), 1);
  });
});

describe('editor generators: one multi-file preview', () => {
  it('every file of a plan goes into one workspace edit that needs confirmation (the refactor preview)', async () => {
    resetHost();
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-gen-ed-'));
    try {
      fs.copyFileSync(path.resolve(__dirname, '..', '..', 'test', 'fixtures', 'seed-flask', 'app.py'), path.join(ws, 'app.py'));
      host.folder = ws;
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { GeneratorRunner } = require('../src/extension/generator-runner') as typeof import('../src/extension/generator-runner');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { vscodePrompter } = require('../src/extension/prompter') as typeof import('../src/extension/prompter');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { planIncidentResponse } = require('../src/fixes/incident-response') as typeof import('../src/fixes/incident-response');
      const runner = new GeneratorRunner(() => [ws], () => vscodePrompter);
      const plan = await planIncidentResponse(ws);
      assert.ok(plan.changes.length >= 2, 'a plan of several files');
      await runner.run(() => plan);
      assert.equal(host.edits.length, 1, 'one edit, so one preview');
      const ops = (host.edits[0] as unknown as { operations: { metadata?: { needsConfirmation?: boolean; label?: string } }[] }).operations;
      assert.equal(ops.length, plan.changes.length);
      assert.ok(ops.every((o) => o.metadata?.needsConfirmation === true && o.metadata.label === plan.title));
      assert.ok(!host.commands.has('vscode.diff'));
      assert.equal(fs.readdirSync(ws).length, 1, 'discarded in the preview: nothing written');
    } finally {
      fs.rmSync(ws, { recursive: true, force: true });
    }
  });
});
