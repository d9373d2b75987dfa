import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { SiteWardenApi } from '../../../src/extension/extension';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, f: () => T | undefined | false, ms = 20000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

function siteWarden(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'SiteWarden');
}

const code = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? String(d.code.value) : String(d.code));

describe('SiteWarden in a real VS Code', () => {
  let api: SiteWardenApi;
  const folder = () => vscode.workspace.workspaceFolders![0].uri;

  before(async () => {
    const ext = vscode.extensions.getExtension<SiteWardenApi>('sitewarden.sitewarden');
    assert.ok(ext, 'the extension is installed');
    api = await ext.activate();
    console.log(`FIGURE activation_ms=${api.activationMs.toFixed(1)}`);
    // VS Code refuses modal dialogs while extension tests run: the suite answers for the user.
    api.setPrompter({ confirmPlan: async () => true, headersProfile: async () => 'production', confirmRestrictedDependencyCheck: async () => true });
  });

  after(() => api?.setPrompter(undefined));

  it('registers its commands', async () => {
    const all = await vscode.commands.getCommands(true);
    for (const c of ['auditWorkspace', 'checkDependencies', 'showChecklist', 'exportReport', 'addSecurityHeaders', 'addEncryptionHelper', 'addFingerprintCheck', 'createIncidentResponsePlan', 'showOutput']) {
      assert.ok(all.includes(`sitewarden.${c}`), c);
    }
  });

  it('shows diagnostics on open and updates them as the document is edited', async () => {
    const uri = vscode.Uri.joinPath(folder(), 'app.py');
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc);
    const first = await until('diagnostics on app.py', () => siteWarden(uri).length >= 2 && siteWarden(uri));
    assert.deepEqual(first.map(code).sort(), ['py-fingerprint-stub', 'py-flask-debug']);
    const debug = first.find((d) => code(d) === 'py-flask-debug')!;
    assert.equal(debug.severity, vscode.DiagnosticSeverity.Error);
    assert.match(String((debug.code as { target: vscode.Uri }).target), /docs\/rules\/py-flask-debug\.md$/);
    await editor.edit((e) => e.insert(new vscode.Position(doc.lineCount, 0), '\nimport os\nos.system(request.args["cmd"])\n'));
    await until('a diagnostic for the new line', () => siteWarden(uri).some((d) => code(d) === 'py-command-injection'));
  });

  it('a quick fix edits the document and the diagnostic goes away', async () => {
    const uri = vscode.Uri.joinPath(folder(), 'app.py');
    const doc = await vscode.workspace.openTextDocument(uri);
    const debug = siteWarden(uri).find((d) => code(d) === 'py-flask-debug')!;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, debug.range, vscode.CodeActionKind.QuickFix.value);
    const fix = actions.find((a) => a.isPreferred && a.title.includes('FLASK_DEBUG'));
    assert.ok(fix?.edit, `a preferred fix among: ${actions.map((a) => a.title).join(', ')}`);
    assert.ok(actions.some((a) => a.title.startsWith('Suppress py-flask-debug')));
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.match(doc.getText(), /app\.run\(debug=os\.environ\.get\("FLASK_DEBUG"\) == "1"\)/);
    await until('the debug diagnostic to disappear', () => !siteWarden(uri).some((d) => code(d) === 'py-flask-debug'));
    await vscode.commands.executeCommand('undo');
    await until('undo to bring it back', () => siteWarden(uri).some((d) => code(d) === 'py-flask-debug'));
  });

  it('issue 19: fix-all via source.fixAll and "Source Action…", the hover, suppress with a reason, the rule page', async () => {
    const uri = vscode.Uri.joinPath(folder(), 'app.py');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const debug = await until('the debug diagnostic', () => siteWarden(uri).find((d) => code(d) === 'py-flask-debug'));
    assert.doesNotMatch(api.ui().status, /not checked yet/);
    for (const kind of ['source.fixAll', 'source']) {
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, debug.range, kind);
      assert.ok(actions.some((a) => a.title === 'SiteWarden: apply all safe fixes'), `${kind}: ${actions.map((a) => a.title).join(', ')}`);
    }
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, debug.range.start);
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /Severity \*\*high\*\*/);
    assert.match(text, /CWE-/);
    assert.match(text, /Show documentation/);
    assert.equal(await vscode.commands.executeCommand('sitewarden.showRuleDocs', 'py-flask-debug'), true);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await vscode.window.showTextDocument(doc);
    api.setPrompter({ confirmPlan: async () => true, headersProfile: async () => 'production', confirmRestrictedDependencyCheck: async () => true, suppressionReason: async () => 'local tool only until=2999-01-31' });
    try {
      assert.equal(await vscode.commands.executeCommand('sitewarden.suppressFinding', uri, debug.range.start.line, 'py-flask-debug'), true);
      assert.match(doc.getText(), /# sitewarden-ignore\[py-flask-debug\]: local tool only until=2999-01-31\n\s*app\.run/);
      await until('the suppressed diagnostic to go', () => !siteWarden(uri).some((d) => code(d) === 'py-flask-debug'));
      await until('the Suppressions view to list it', () => api.suppressionsView.count >= 1);
    } finally {
      api.setPrompter({ confirmPlan: async () => true, headersProfile: async () => 'production', confirmRestrictedDependencyCheck: async () => true });
    }
    await vscode.commands.executeCommand('undo');
    await until('undo to bring it back', () => siteWarden(uri).some((d) => code(d) === 'py-flask-debug'));
  });

  it('re-checks a 2,000-line file in milliseconds per keystroke (incremental parse)', async () => {
    const lines: string[] = ['import os', 'import hashlib', 'from flask import Flask, request', 'app = Flask(__name__)', ''];
    for (let i = 0; lines.length < 2000; i++) lines.push(`@app.route("/r${i}")`, `def view_${i}():`, `    q = request.args.get("q", "")`, `    h = hashlib.sha256(q.encode()).hexdigest()`, `    return h`, '');
    lines.push('eval(request.args["expr"])');
    const doc = await vscode.workspace.openTextDocument({ language: 'python', content: lines.join('\n') });
    const editor = await vscode.window.showTextDocument(doc);
    const initial = await api.tracker.check(doc);
    assert.ok(doc.lineCount >= 2000, String(doc.lineCount));
    assert.deepEqual(initial.map((f) => f.ruleId), ['py-code-injection'], 'the 2,000-line file is really analysed');
    const times: number[] = [];
    // The first 200 edits warm the JIT up (a typist is past that within minutes) and are not
    // counted; then 200 are timed.
    for (let i = 0; i < 400; i++) {
      await editor.edit((e) => e.insert(new vscode.Position(1000 + (i % 50), 4), 'x'), { undoStopBefore: false, undoStopAfter: false });
      const t = performance.now();
      await api.tracker.check(doc);
      if (i >= 200) times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const p50 = times[Math.floor(times.length * 0.5)];
    const p95 = times[Math.floor(times.length * 0.95)];
    console.log(`FIGURE keystroke_2000_lines_p50_ms=${p50.toFixed(2)} p95_ms=${p95.toFixed(2)}`);
    const analysis = [...api.tracker.analysisTimings].slice(-200).sort((a, b) => a - b);
    console.log(`FIGURE keystroke_analysis_only_p50_ms=${analysis[Math.floor(analysis.length * 0.5)].toFixed(2)} analysis_p95_ms=${analysis[Math.floor(analysis.length * 0.95)].toFixed(2)}`);
    assert.ok(times.length === 200);
    assert.deepEqual((await api.tracker.check(doc)).map((f) => f.ruleId), ['py-code-injection'], 'still analysed after the edits');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('Audit Workspace fills the sidebar', async () => {
    await vscode.commands.executeCommand('sitewarden.auditWorkspace');
    assert.ok(api.lastAudit, 'the audit ran');
    assert.ok(api.lastAudit.files >= 2, `files: ${api.lastAudit.files}`);
    assert.ok(api.findingsView.count >= 3, `findings in the view: ${api.findingsView.count}`);
    const js = vscode.Uri.joinPath(folder(), 'server.js');
    await until('diagnostics for an unopened file from the audit', () => siteWarden(js).some((d) => code(d) === 'js-command-injection'));
  });

  it('the findings view groups by file and by rule', async () => {
    await vscode.commands.executeCommand('sitewarden.groupFindings', 'file');
    const byFile = api.findingsView.getChildren().map((g) => (g.kind === 'group' ? g.label : ''));
    assert.ok(byFile.includes('app.py') && byFile.includes('server.js'), byFile.join(', '));
    await vscode.commands.executeCommand('sitewarden.groupFindings', 'rule');
    const byRule = api.findingsView.getChildren().map((g) => (g.kind === 'group' ? g.label : ''));
    assert.ok(byRule.includes('js-command-injection'), byRule.join(', '));
    await vscode.commands.executeCommand('sitewarden.groupFindings', 'severity');
  });

  it('Check Dependencies puts a lens on each manifest line (registry on 127.0.0.1)', async () => {
    const http = await import('node:http');
    const zlib = await import('node:zlib');
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        let status = 404;
        let body: unknown = {};
        if (req.method === 'POST' && req.url!.startsWith('/-/npm/v1/security/advisories/bulk')) {
          const raw = Buffer.concat(chunks);
          const asked = JSON.parse((req.headers['content-encoding'] === 'gzip' ? zlib.gunzipSync(raw) : raw).toString());
          status = 200;
          body = asked.lodash ? { lodash: [{ id: 1523, url: 'https://github.com/advisories/GHSA-p6mc-m468-83gw', title: 'Prototype Pollution in lodash', severity: 'high', vulnerable_versions: '<4.17.19' }] } : {};
        } else if (req.url === '/lodash') {
          status = 200;
          body = { name: 'lodash', 'dist-tags': { latest: '4.17.21' }, versions: { '4.17.15': {}, '4.17.21': {} } };
        }
        if (res.headersSent) return;
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    try {
      const manifest = vscode.Uri.joinPath(folder(), 'package.json');
      await vscode.workspace.fs.writeFile(manifest, Buffer.from('{\n  "name": "shop",\n  "dependencies": {\n    "lodash": "^4.17.15"\n  }\n}\n'));
      await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder(), 'package-lock.json'), Buffer.from(JSON.stringify({ lockfileVersion: 3, packages: { '': {}, 'node_modules/lodash': { version: '4.17.15' } } })));
      await vscode.workspace.getConfiguration('sitewarden').update('registry.node', `http://127.0.0.1:${port}/`, vscode.ConfigurationTarget.Workspace);
      await vscode.commands.executeCommand('sitewarden.checkDependencies');
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(manifest));
      let found: string[] = [];
      const end = Date.now() + 20000;
      while (Date.now() < end) {
        const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', manifest)) ?? [];
        found = lenses.map((l) => l.command?.title ?? '');
        if (found.some((t) => /lodash/.test(t))) break;
        await sleep(200);
      }
      assert.ok(found.some((t) => /lodash 4\.17\.15 is vulnerable: .*GHSA-p6mc-m468-83gw/.test(t)), found.join(' | '));
      assert.ok(vscode.languages.getDiagnostics(manifest).some((d) => code(d) === 'dep-vulnerable'), 'and a diagnostic on the line');
    } finally {
      server.close();
      await vscode.workspace.getConfiguration('sitewarden').update('registry.node', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('Show Security Checklist evaluates the workspace', async () => {
    await vscode.commands.executeCommand('sitewarden.showChecklist');
    const r = await until('the checklist', () => api.checklistView.result);
    const items = r.areas.flatMap((a) => a.items);
    assert.equal(items.find((i) => i.item.id === 'fingerprint-check')?.status, 'fail');
    assert.equal(items.length >= 20, true);
  });

  it('the headers and encryption generators turn their checklist items to pass', async () => {
    const status = async (id: string) => {
      api.checklistView.result = undefined;
      await vscode.commands.executeCommand('sitewarden.showChecklist');
      const r = await until('the checklist', () => api.checklistView.result);
      return r.areas.flatMap((a) => a.items).find((i) => i.item.id === id)?.status;
    };
    assert.equal(await status('security-headers'), 'fail', 'Express without helmet');
    assert.notEqual(await status('encryption'), 'pass');
    await vscode.commands.executeCommand('sitewarden.addSecurityHeaders', { framework: 'flask', profile: 'production' });
    await vscode.commands.executeCommand('sitewarden.addSecurityHeaders', { framework: 'express', profile: 'production' });
    await vscode.commands.executeCommand('sitewarden.addEncryptionHelper');
    const app = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder(), 'app.py'));
    assert.match(app.getText(), /secure|Talisman/);
    const server = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder(), 'server.js'));
    assert.match(server.getText(), /helmet/);
    assert.equal(await status('security-headers'), 'pass');
    // The generated encryption helper alone proves nothing: app code has to use it.
    assert.notEqual(await status('encryption'), 'pass');
    const use = vscode.Uri.joinPath(folder(), 'crypto_use.py');
    await vscode.workspace.fs.writeFile(use, Buffer.from('import security_helpers.encryption\n'));
    try {
      // The new file reaches the checklist through the file watcher, which may report it after the
      // write returns: ask again until it is seen (or the deadline says it never was).
      let seen = await status('encryption');
      for (const end = Date.now() + 20000; seen !== 'pass' && Date.now() < end; ) {
        await sleep(500);
        seen = await status('encryption');
      }
      assert.equal(seen, 'pass');
    } finally {
      await vscode.workspace.fs.delete(use);
    }
  });
  it('a document the parser crashes on says so, and the others keep being checked', async () => {
    // Tree-sitter traps inside WebAssembly on this input (see test/parser-crash.test.ts).
    const bad = await vscode.workspace.openTextDocument({ language: 'javascript', content: '{a"" ""' + 'f('.repeat(2000) });
    await vscode.window.showTextDocument(bad);
    const notice = await until('the not-analysed notice', () => siteWarden(bad.uri).find((d) => code(d) === 'parser-crash'));
    assert.match(notice.message, /did not analyse this file: tree-sitter \(javascript\) crashed/);
    assert.equal(notice.severity, vscode.DiagnosticSeverity.Information);
    // Another document, parsed before the crash, is re-checked on the new parser instance.
    const uri = vscode.Uri.joinPath(folder(), 'app.py');
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc);
    await editor.edit((e) => e.insert(new vscode.Position(doc.lineCount, 0), '\nimport hashlib\nhashlib.md5(b"x")\n'));
    await until('a diagnostic for the new line in app.py', () => siteWarden(uri).some((d) => code(d) === 'py-weak-hash'));
    await vscode.commands.executeCommand('undo');
    // Fixed text in the crashed document is analysed once typing pauses.
    const badEditor = await vscode.window.showTextDocument(bad); // a new editor: app.py replaced the first
    await badEditor.edit((e) => e.replace(new vscode.Range(0, 0, bad.lineCount, 0), "const { exec } = require('child_process');\nmodule.exports = (req) => exec('ls ' + req.query.dir);\n"));
    await until('findings in the repaired document', () => siteWarden(bad.uri).some((d) => code(d) === 'js-command-injection'));
    assert.ok(!siteWarden(bad.uri).some((d) => code(d) === 'parser-crash'));
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
