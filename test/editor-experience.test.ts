/**
 * The editor's wiring (issue 19), run through the real `activate` against the stand-in `vscode`
 * (test/fake-vscode.ts): fix-all reachable through `source.fixAll` and "Source Action…", the
 * status bar before and after the first check, the audit's summary, the audit kept across a
 * reload and refreshed per file on edit, suppress with a reason, rule docs from the package.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fakeContext, fakeVscode, host, installFakeVscode, resetHost, Uri } from './fake-vscode';
import { buildFinding } from '../src/core/finding';
import type { Finding } from '../src/core/types';

installFakeVscode();
/* eslint-disable @typescript-eslint/no-require-imports */
const extension = require('../src/extension/extension') as typeof import('../src/extension/extension');
const codeActions = require('../src/extension/code-actions') as typeof import('../src/extension/code-actions');
const { statusText } = require('../src/extension/status-text') as typeof import('../src/extension/status-text');
const { hoverMarkdown } = require('../src/extension/hover-text') as typeof import('../src/extension/hover-text');
const { parseReasonInput } = require('../src/extension/suppress-input') as typeof import('../src/extension/suppress-input');
const { allRules } = require('../src/rules') as typeof import('../src/rules');
/* eslint-enable @typescript-eslint/no-require-imports */

const REPO = path.resolve(__dirname, '..', '..');
const FLASK_APP = path.join(REPO, 'test', 'fixtures', 'seed-flask', 'app.py');

const meta = { id: 'py-probe', title: 'Probe [title]', message: 'm', severity: 'high' as const, confidence: 'high' as const, cwe: ['CWE-89'], owasp: ['A03:2021'], checklist: [] };
function finding(over: Partial<Finding> = {}): Finding {
  return { ...buildFinding({ meta, file: '/w/app.py', range: { start: { line: 2, column: 4 }, end: { line: 2, column: 10 } }, lineText: 'x' }), ...over };
}

const kinds = fakeVscode.CodeActionKind;

describe('editor: fix-all is reachable', () => {
  const safe = finding({ fix: { title: 'use a parameter', safe: true, edits: [{ start: 0, end: 1, newText: 'y' }] } });
  const provider = new codeActions.SiteWardenCodeActions({ findingsFor: () => [safe] } as never);
  const doc = { uri: Uri.file('/w/app.py'), positionAt: (o: number) => new fakeVscode.Position(0, o), lineAt: () => ({ text: '', firstNonWhitespaceCharacterIndex: 0, lineNumber: 0 }) };
  const titles = (only?: unknown) => provider.provideCodeActions(doc as never, undefined as never, { only, diagnostics: [] } as never).map((a) => a.title);

  it('on save ("source.fixAll": "explicit" asks for source.fixAll)', () => {
    assert.deepEqual(titles(kinds.SourceFixAll), ['SiteWarden: apply all safe fixes']);
  });
  it('from "Source Action…" (asks for source)', () => {
    assert.deepEqual(titles(kinds.Source), ['SiteWarden: apply all safe fixes']);
  });
  it('by its own kind, and not as a quick fix', () => {
    assert.deepEqual(titles(codeActions.FIX_ALL_KIND), ['SiteWarden: apply all safe fixes']);
    assert.deepEqual(titles(kinds.QuickFix), []);
  });
});

describe('editor: status bar text', () => {
  it('says "not checked yet" before any check, then counts code and dependency findings', () => {
    assert.match(statusText({ checked: false, code: [], dependencies: [] }).text, /not checked yet/);
    const dep = finding({ ruleId: 'dep-vulnerable', severity: 'critical' });
    const s = statusText({ checked: true, code: [finding({ severity: 'medium' }), finding({ suppression: { kind: 'sitewarden-ignore', justification: 'ok' } })], dependencies: [dep] });
    assert.equal(s.text, '$(shield) 1 high · 1 other');
    assert.match(s.tooltip, /1 code finding, 1 dependency finding/);
  });
});

describe('editor: hover text', () => {
  it('title, severity, confidence, CWE/OWASP, the data-flow path, the fix and the docs link; workspace text escaped', () => {
    const f = finding({
      message: 'see [here](command:workbench.action.terminal.new)',
      related: [{ message: 'source: request.args', range: { start: { line: 0, column: 0 }, end: { line: 0, column: 3 } } }],
      fix: { title: 'bind a parameter', safe: true, edits: [] },
    });
    const md = hoverMarkdown(f, { useInstead: 'cur.execute(q, (x,))', fence: 'python' });
    assert.match(md, /\*\*Probe \\\[title\\\]\*\*/);
    assert.match(md, /Severity \*\*high\*\* · confidence high/);
    assert.match(md, /CWE-89 · A03:2021/);
    assert.match(md, /1\. line 1: source: request\.args\n1\. line 3: Probe/);
    assert.match(md, /\*\*Quick fix:\*\* bind a parameter \(safe\)/);
    assert.match(md, /```python\ncur\.execute/);
    assert.match(md, /\[Show documentation\]\(command:sitewarden\.showRuleDocs\?%5B%22py-probe%22%5D\)/);
    assert.match(md, /see \\\[here\\\]\(command:workbench/, 'the brackets are escaped');
    assert.doesNotMatch(md, /(?<!\\)\[here(?<!\\)\]/, 'a message cannot write a command link');
  });
});

describe('editor: the reason asked for a suppression', () => {
  const today = new Date('2026-12-02T00:00:00Z');
  it('is required; an expiry is optional, must be a real date and not in the past', () => {
    assert.equal(parseReasonInput('   ', today).ok, false);
    assert.equal(parseReasonInput(undefined, today).ok, false);
    assert.deepEqual(parseReasonInput('constant input until=2027-01-31', today), { ok: true, reason: 'constant input', until: '2027-01-31' });
    assert.equal(parseReasonInput('constant input until=2027-02-30x', today).ok, false);
    assert.equal(parseReasonInput('old until=2020-01-01', today).ok, false);
    assert.equal(parseReasonInput('until=2027-01-31', today).ok, false, 'a date alone is no reason');
  });
});

describe('editor: activate, audit, reload, suppress, docs (stand-in vscode)', () => {
  let ws: string;
  let app: string;
  let contexts: ReturnType<typeof fakeContext>[];

  beforeEach(() => {
    resetHost();
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-editor-'));
    app = path.join(ws, 'app.py');
    fs.copyFileSync(FLASK_APP, app);
    host.folder = ws;
    contexts = [];
  });

  afterEach(() => {
    for (const c of contexts) for (const d of c.subscriptions) d.dispose();
    fs.rmSync(ws, { recursive: true, force: true });
  });

  const start = async (state = new Map<string, unknown>()) => {
    const context = fakeContext(REPO, state);
    contexts.push(context);
    return { api: await extension.activate(context as never), context, state };
  };
  const close = (c: ReturnType<typeof fakeContext>) => {
    for (const d of c.subscriptions) d.dispose();
    c.subscriptions.length = 0;
  };
  const codeDiagnostics = (file: string) => (host.diagnostics.get('sitewarden')?.get(Uri.file(file).toString()) ?? []).map((d) => String((d.code as { value: string }).value)).sort();

  it('the status bar says "not checked yet" until the first check, then applies minimumSeverity', async () => {
    host.config['sitewarden.minimumSeverity'] = 'high';
    const { api } = await start();
    assert.match(api.ui().status, /not checked yet/);
    await host.commands.get('sitewarden.auditWorkspace')!();
    assert.equal(api.ui().status, '$(shield) 1 high · 0 other');
  });

  it('the audit ends with a summary and a button to the findings view', async () => {
    const focused: string[] = [];
    host.commands.set('sitewarden.findings.focus', () => void focused.push('findings'));
    host.answer = (_q, choices) => (choices.includes('Show Findings') ? 'Show Findings' : undefined);
    await start();
    await host.commands.get('sitewarden.auditWorkspace')!();
    const summary = host.messages.find((m) => /finding/.test(m.text));
    assert.match(summary?.text ?? '', /^SiteWarden: 2 findings in 1 file \(\d+\.\d s\)\.$/);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(focused, ['findings']);
  });

  it('the last audit comes back after a reload, and follows the edits of an open file', async () => {
    const first = await start();
    await host.commands.get('sitewarden.auditWorkspace')!();
    assert.deepEqual(codeDiagnostics(app), ['py-fingerprint-stub', 'py-flask-debug']);
    // An edit in the open file removes the debug run: the kept audit follows it.
    const edited = fs.readFileSync(app, 'utf8').replace('app.run(debug=True)', 'app.run()');
    await first.api.tracker.check({ uri: Uri.file(app), getText: () => edited, languageId: 'python', isClosed: false } as never);
    close(first.context);
    host.diagnostics.clear();

    const second = await start(first.state);
    assert.deepEqual(codeDiagnostics(app), ['py-fingerprint-stub'], 'restored from the workspace state, with the edit');
    assert.equal(second.api.findingsView.count, 1);
    assert.doesNotMatch(second.api.ui().status, /not checked yet/);
  });

  it('suppress asks for the reason and writes it; cancel writes nothing', async () => {
    const { api } = await start();
    const reasons: (string | undefined)[] = ['local tool only until=2999-01-31', undefined, '  '];
    api.setPrompter({ confirmPlan: async () => false, headersProfile: async () => undefined, confirmRestrictedDependencyCheck: async () => false, suppressionReason: async () => reasons.shift() });
    const suppress = host.commands.get('sitewarden.suppressFinding')!;
    const line = fs.readFileSync(app, 'utf8').split('\n').findIndex((l) => l.includes('app.run(debug=True)'));
    assert.equal(await suppress(Uri.file(app), line, 'py-flask-debug'), false, 'the stand-in applies no edit');
    assert.equal(host.edits.length, 1);
    const op = (host.edits[0] as unknown as { operations: { insert: Uri; pos: { line: number }; text: string }[] }).operations[0];
    assert.equal(op.pos.line, line);
    assert.equal(op.text, '    # sitewarden-ignore[py-flask-debug]: local tool only until=2999-01-31\n');
    await suppress(Uri.file(app), line, 'py-flask-debug'); // cancelled
    await suppress(Uri.file(app), line, 'py-flask-debug'); // empty reason
    assert.equal(host.edits.length, 1, 'a cancel or an empty reason writes nothing');
    assert.ok(host.messages.some((m) => m.kind === 'warning' && /reason is required/.test(m.text)));
  });

  it('rule docs: the Problems link and "Show documentation" open the page shipped in the package', async () => {
    const opened: string[] = [];
    host.commands.set('markdown.showPreview', (uri: unknown) => void opened.push((uri as Uri).fsPath));
    await start();
    await host.commands.get('sitewarden.auditWorkspace')!();
    const d = host.diagnostics.get('sitewarden')!.get(Uri.file(app).toString())![0];
    const target = (d.code as { target: Uri }).target;
    assert.equal(target.scheme, 'file');
    assert.ok(fs.existsSync(target.fsPath), target.fsPath);
    assert.equal(await host.commands.get('sitewarden.showRuleDocs')!('py-flask-debug'), true);
    assert.deepEqual(opened, [path.join(REPO, 'docs', 'rules', 'py-flask-debug.md')]);
    assert.equal(await host.commands.get('sitewarden.showRuleDocs')!('../../etc/passwd'), false);
  });

  it('the .vsix ships a page for every rule (.vscodeignore keeps docs/rules)', () => {
    const ignore = fs.readFileSync(path.join(REPO, '.vscodeignore'), 'utf8').split('\n');
    assert.ok(ignore.includes('!docs/rules/**'), 'docs/rules is packaged');
    for (const r of allRules) assert.ok(fs.existsSync(path.join(REPO, 'docs', 'rules', `${r.meta.id}.md`)), r.meta.id);
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(JSON.stringify(pkg).includes('github.com/sitewarden/sitewarden'), false, 'no link to a repository that does not exist');
    // The Extensions view shows the user README; the developer README stays in the repository.
    assert.match(String((pkg.scripts as Record<string, string>).package), /--readme-path README\.extension\.md/);
    assert.ok(!ignore.includes('!README.md'), 'the developer README is not packaged');
    const userReadme = fs.readFileSync(path.join(REPO, 'README.extension.md'), 'utf8');
    assert.match(userReadme, /## Privacy/);
    assert.doesNotMatch(userReadme, /\]\((?!https:)[^)]*\)/, 'no relative links: the .vsix has no repository to resolve them against');
  });
});
