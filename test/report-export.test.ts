/**
 * The exported report (issue 19), through the stand-in `vscode`: a file open in a remote window
 * (code-server: `vscode-remote:` documents) is listed once, with its live lines and not the
 * audit's old ones; rows link to the code (escaped); the page follows the colour theme and keeps
 * its strict Content-Security-Policy.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { host, installFakeVscode, resetHost } from './fake-vscode';

installFakeVscode();
/* eslint-disable @typescript-eslint/no-require-imports */
const { FindingPublisher } = require('../src/extension/publisher') as typeof import('../src/extension/publisher');
const { ReportExporter } = require('../src/extension/report-exporter') as typeof import('../src/extension/report-exporter');
const { findingsHtml } = require('../src/core/report/html') as typeof import('../src/core/report/html');
const { scanPaths } = require('../src/core/scanner') as typeof import('../src/core/scanner');
const { allRules } = require('../src/rules') as typeof import('../src/rules');
const { Uri } = require('./fake-vscode') as typeof import('./fake-vscode');
/* eslint-enable @typescript-eslint/no-require-imports */

const SETTINGS = { minimumSeverity: 'low' as const, disabledFamilies: [] };
const APP = 'from flask import Flask\napp = Flask(__name__)\napp.run(debug=True)\n';

describe('exported report', function () {
  this.timeout(300_000); // a hang safety net only
  let ws: string;
  beforeEach(() => {
    resetHost();
    ws = fs.mkdtempSync(path.join(os.tmpdir(), "sw-report-it's <b>"));
    host.folder = ws;
  });
  afterEach(() => fs.rmSync(ws, { recursive: true, force: true }));

  async function exportHtml(publisher: InstanceType<typeof FindingPublisher>): Promise<string> {
    host.answer = (_q, choices) => (choices.includes('HTML') ? 'HTML' : undefined);
    host.saveTo = path.join(ws, 'report.html');
    await new ReportExporter(publisher, allRules, () => [ws], Uri.file(ws) as never, '0.0.0').run();
    return fs.readFileSync(host.saveTo, 'utf8');
  }

  it('lists a file open in a remote window once: its live lines, not the audit lines from before the edit', async () => {
    fs.writeFileSync(path.join(ws, 'app.py'), APP);
    const audit = await scanPaths([ws], { rules: allRules });
    const debug = audit.findings.filter((f) => f.ruleId === 'py-flask-debug');
    assert.equal(debug.length, 1);
    const publisher = new FindingPublisher(() => undefined, () => undefined);
    publisher.publishAudit(audit.findings, SETTINGS);
    // The document, edited (two lines added on top), as code-server names it.
    const moved = debug.map((f) => ({ ...f, range: { start: { ...f.range.start, line: f.range.start.line + 2 }, end: { ...f.range.end, line: f.range.end.line + 2 } } }));
    publisher.publishDocument(Uri.parse(`vscode-remote://127.0.0.1:8080${path.join(ws, 'app.py')}`) as never, moved, SETTINGS);
    const html = await exportHtml(publisher);
    const rows = html.split('\n').filter((l) => l.includes('<td>py-flask-debug</td>'));
    assert.equal(rows.length, 1, rows.join('\n'));
    assert.match(rows[0], /app\.py:5</);
    assert.equal(publisher.all().filter((f) => f.ruleId === 'py-flask-debug').length, 1);
  });

  it('rows link to the code with an escaped vscode://file link; the page is themed under a strict CSP', async () => {
    fs.writeFileSync(path.join(ws, 'app.py'), APP);
    const audit = await scanPaths([ws], { rules: allRules });
    const publisher = new FindingPublisher(() => undefined, () => undefined);
    publisher.publishAudit(audit.findings, SETTINGS);
    const html = await exportHtml(publisher);
    const href = /<a href="([^"]*)">app\.py:3<\/a>/.exec(html)?.[1];
    assert.ok(href, html);
    assert.ok(href.startsWith('vscode://file/'), href);
    assert.ok(!/[<>'"]/.test(href), `nothing unescaped from the path: ${href}`);
    assert.ok(href.includes(encodeURIComponent(path.basename(ws)).replace(/'/g, '%27')), href);
    assert.match(href, /\/app\.py:3:\d+$/);
    assert.match(html, /prefers-color-scheme:\s*dark/);
    assert.match(html, /var\(--vscode-editor-background/);
    assert.match(html, /<meta name="color-scheme" content="light dark">/);
    const csp = /Content-Security-Policy" content="([^"]*)"/.exec(html)![1];
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'none'/);
    assert.ok(!/<script/i.test(html));
  });

  it('a custom link target is escaped too', () => {
    const html = findingsHtml(
      [{ ruleId: 'x', severity: 'high', message: 'm', snippet: '', file: path.join(ws, 'a.py'), range: { start: { line: 0, column: 0 }, end: { line: 0, column: 1 } } } as never],
      { base: ws, nonce: 'n', linkOf: () => 'a.py?"><script>' },
    );
    assert.match(html, /<a href="a\.py\?&#34;&#62;&#60;script&#62;">/);
  });
});
