/**
 * Generators place files where the app imports them (issue 19): the Python helper package on the
 * Flask/Django app module's import path, Node helpers only where Node server code exists (a
 * vendored browser script in a Flask app is not Node code). Checked on the plans, by importing the
 * generated package from the app's folder with Python, and through the editor's generator runner
 * against the stand-in `vscode`.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { host, installFakeVscode, resetHost } from './fake-vscode';

installFakeVscode();
/* eslint-disable @typescript-eslint/no-require-imports */
const { planFingerprintCheck } = require('../src/fixes/fingerprint') as typeof import('../src/fixes/fingerprint');
const { planEncryptionHelper } = require('../src/fixes/encryption') as typeof import('../src/fixes/encryption');
const { planIncidentResponse } = require('../src/fixes/incident-response') as typeof import('../src/fixes/incident-response');
const { applyPlan } = require('../src/fixes/plan') as typeof import('../src/fixes/plan');
const { GeneratorRunner } = require('../src/extension/generator-runner') as typeof import('../src/extension/generator-runner');
const { vscodePrompter } = require('../src/extension/prompter') as typeof import('../src/extension/prompter');
/* eslint-enable @typescript-eslint/no-require-imports */

const FLASK_APP = 'from flask import Flask\n\napp = Flask(__name__)\n\n@app.route("/")\ndef index():\n    return "hi"\n';
const VENDORED_BROWSER_JS = '/*! tiny widget v1 */\n(function (w) { w.widget = function (el) { el.textContent = "ok"; }; })(window);\n';
const python = process.env.SITEWARDEN_PYTHON ?? 'python3';

function workspace(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-placement-'));
  for (const [f, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), text);
  }
  return dir;
}
const created = (root: string, plan: { changes: { path: string; before?: string }[] }) =>
  plan.changes.filter((c) => c.before === undefined).map((c) => path.relative(root, c.path).split(path.sep).join('/')).sort();

/** Imports `module` with the app's folder as the working directory, as `python app.py` there would. */
function importsFrom(dir: string, module: string): void {
  const run = spawnSync(python, ['-c', `import ${module}`], { cwd: dir, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
}

describe('generators place files where the app imports them', function () {
  this.timeout(300_000); // runs Python; a hang safety net only

  it('fingerprint: the package goes next to a Flask app script in a sub-folder, and imports from there', async () => {
    const dir = workspace({ 'requirements.txt': 'flask\n', 'backend/app.py': FLASK_APP });
    const plan = await planFingerprintCheck(dir);
    const files = created(dir, plan);
    assert.ok(files.includes('backend/security_helpers/fingerprint.py'), files.join(', '));
    assert.ok(files.includes('backend/tests/test_fingerprint.py'), files.join(', '));
    assert.ok(!files.some((f) => f.startsWith('security_helpers/')), files.join(', '));
    applyPlan(plan);
    assert.match(fs.readFileSync(path.join(dir, 'backend', 'app.py'), 'utf8'), /^from security_helpers\.fingerprint_blueprint import fingerprint_bp$/m);
    importsFrom(path.join(dir, 'backend'), 'security_helpers.fingerprint');
    const tests = spawnSync(python, ['-m', 'unittest', 'discover', '-s', 'tests'], { cwd: path.join(dir, 'backend'), encoding: 'utf8' });
    assert.equal(tests.status, 0, tests.stderr);
  });

  it('a Flask app inside a package: the helpers go above the outermost package (its sys.path entry)', async () => {
    const dir = workspace({ 'requirements.txt': 'flask\n', 'src/shop/__init__.py': FLASK_APP, 'src/shop/views/__init__.py': '' });
    const files = created(dir, planEncryptionHelper(dir));
    assert.ok(files.includes('src/security_helpers/encryption.py'), files.join(', '));
    assert.ok(files.includes('src/tests/test_encryption.py'), files.join(', '));
  });

  it('Django: the helpers go next to manage.py', async () => {
    const dir = workspace({
      'requirements.txt': 'django\n',
      'site/manage.py': 'import os\nimport sys\nfrom django.core.management import execute_from_command_line\n',
      'site/proj/__init__.py': '',
      'site/proj/settings.py': 'INSTALLED_APPS = []\n',
    });
    const plan = planIncidentResponse(dir);
    const files = created(dir, plan);
    assert.ok(files.includes('site/security_helpers/security_events.py'), files.join(', '));
    applyPlan(plan);
    importsFrom(path.join(dir, 'site'), 'security_helpers.security_events');
  });

  it('incident response: no Node logger for a Flask app with one vendored browser script; one for Node server code', () => {
    const flask = workspace({ 'requirements.txt': 'flask\n', 'app.py': FLASK_APP, 'static/js/widget.js': VENDORED_BROWSER_JS });
    const files = created(flask, planIncidentResponse(flask));
    assert.ok(!files.some((f) => /security-events\.(js|ts)$/.test(f)), files.join(', '));
    assert.ok(files.includes('security_helpers/security_events.py'), files.join(', '));
    const node = workspace({ 'package.json': '{"name":"svc"}\n', 'server.js': "const http = require('http');\nhttp.createServer((req, res) => res.end('ok')).listen(8080);\n" });
    assert.ok(created(node, planIncidentResponse(node)).includes('security/security-events.js'));
  });

  it('in the editor: the generator preview creates the package next to the app module', async () => {
    resetHost();
    const dir = workspace({ 'requirements.txt': 'flask\n', 'backend/app.py': FLASK_APP, 'static/js/widget.js': VENDORED_BROWSER_JS });
    host.folder = dir;
    const runner = new GeneratorRunner(() => [dir], () => vscodePrompter);
    await runner.run(() => planIncidentResponse(dir));
    assert.equal(host.edits.length, 1);
    const ops = (host.edits[0] as unknown as { operations: { createFile?: { fsPath: string } }[] }).operations;
    const made = ops.flatMap((o) => (o.createFile ? [path.relative(dir, o.createFile.fsPath).split(path.sep).join('/')] : []));
    assert.ok(made.includes('backend/security_helpers/security_events.py'), made.join(', '));
    assert.ok(!made.some((f) => f.endsWith('security-events.js')), made.join(', '));
  });
});
