// Reports of findings in files with hostile names (SARIF, HTML, Markdown, text), moved from
// test/hostile.test.ts; the SARIF of the whole hostile scan is checked there.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { scanPaths } from '../src/core/scanner';
import { toSarif } from '../src/core/report/sarif';
import { findingsHtml } from '../src/core/report/html';
import { findingsMarkdown } from '../src/core/report/markdown';
import { allRules } from '../src/rules';
import type { Finding } from '../src/core/types';
import { buildWorkspace, POSIX, runCli, uriOf, type SarifLog, type Workspace } from './hostile-workspace';

describe('reports of hostile names (SARIF, HTML, Markdown, text)', function () {
  // A hang safety net only, sized for a loaded 2-core machine: nothing here is judged by the clock.
  this.timeout(600_000);
  let tmp: string;
  let ws: Workspace;

  before(function () {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-reports-'));
    ws = buildWorkspace(path.join(tmp, 'ws'));
  });

  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('hostile names: escaped in HTML and Markdown, no control characters in text output', async function () {
    if (!POSIX) this.skip();
    const named = ['hostile/<img src=x onerror=alert(1)>.py', 'hostile/"><script>alert(1)</script>/evil.js', 'hostile/esc\x1b[2J\x1b[31mred.py', 'hostile/new\nline.py'];

    // Text output (not a TTY, so no colour of ours): every escape comes out visible.
    const text = runCli(['scan', ...named, '--no-deps'], ws.dir, tmp, 300_000);
    assert.equal(text.status, 1, text.stderr);
    assert.doesNotMatch(text.stdout, /[\x00-\x08\x0b-\x1f\x7f]/, 'no raw control characters');
    assert.match(text.stdout, /^hostile\/esc\\x1b\[2J\\x1b\[31mred\.py:2:\d+ /m);
    assert.match(text.stdout, /^hostile\/new\\x0aline\.py:2:\d+ /m);
    assert.match(text.stdout, /\d+ findings? .* in 4 files /);

    // HTML and Markdown reports (the extension's exports) of the same findings.
    const r = await scanPaths(named.map((n) => path.join(ws.dir, n)), { rules: allRules });
    assert.deepEqual([...new Set(r.findings.map((f) => path.relative(ws.dir, f.file).split(path.sep).join('/')))].sort(), [...named].sort());
    const html = findingsHtml(r.findings, { base: ws.dir, nonce: 'n0nce' });
    const body = html.slice(html.indexOf('<body>'));
    assert.doesNotMatch(body, /<script|<img|onerror=alert\(1\)>/i); // (a raw ESC in HTML text is inert)
    assert.match(body, /&#60;img src=x onerror=alert\(1\)&#62;\.py/);
    const md = findingsMarkdown(r.findings, ws.dir);
    assert.doesNotMatch(md, /(^|[^\\])</m, 'every < is escaped');
    const rows = md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Severity'));
    assert.equal(rows.length, r.findings.filter((f) => !f.suppression).length, md);
    for (const row of rows) assert.match(row, /\|$/, row);
  });

  it('a lone surrogate in a path (a legal Windows file name) does not break SARIF output', function () {
    const f: Finding = {
      ruleId: 'py-weak-hash', title: 't', message: 'm', severity: 'medium', confidence: 'high', cwe: ['CWE-327'], owasp: [], file: path.join(os.tmpdir(), 'a\ud800b.py'),
      range: { start: { line: 0, column: 0 }, end: { line: 0, column: 1 } }, snippet: 'x', docsUrl: 'https://example.invalid',
    };
    const sarif = toSarif({ rules: allRules, findings: [f], baseDir: os.tmpdir(), toolVersion: '0.0.0', notifications: [{ level: 'note', message: 'skipped (binary)', uri: 'b\udc00.py' }] }) as SarifLog;
    assert.equal(decodeURIComponent(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri), 'a\ufffdb.py');
    assert.equal(uriOf(sarif.runs[0].invocations[0].toolExecutionNotifications[0]), 'b\ufffd.py');
  });
});
