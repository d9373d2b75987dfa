/**
 * Checklist evidence from a generated helper counts only when app code uses it (issue 19): the
 * generated file alone leaves the item open; an import from the app (directly, or through another
 * generated helper the app imports) closes it.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runChecklist } from '../src/checklist/run';
import type { ChecklistResult } from '../src/checklist/evaluate';
import { GENERATED_HELPER_NAMES, isGeneratedHelperSource } from '../src/checklist/helper-use';
import { planEncryptionHelper } from '../src/fixes/encryption';
import { planFingerprintCheck } from '../src/fixes/fingerprint';
import { planIncidentResponse } from '../src/fixes/incident-response';
import { applyPlan } from '../src/fixes/plan';
import { allRules } from '../src/rules';

const FLASK_APP = 'from flask import Flask\n\napp = Flask(__name__)\n\n@app.route("/")\ndef index():\n    return "hi"\n';
const EXPRESS_APP = "const express = require('express');\nconst app = express();\napp.get('/', (req, res) => res.send('hi'));\napp.listen(3000);\n";

function workspace(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-helper-use-'));
  for (const [f, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), text);
  }
  return dir;
}

const status = (r: ChecklistResult, id: string) => r.areas.flatMap((a) => a.items).find((i) => i.item.id === id)!.status;
const evidenceFiles = (r: ChecklistResult, id: string) => r.areas.flatMap((a) => a.items).find((i) => i.item.id === id)!.evidence.map((e) => e.file);

describe('checklist evidence needs a use of a generated helper', function () {
  this.timeout(300_000); // a hang safety net only

  it('Flask: the fingerprint package alone leaves the item open; the registered blueprint closes it', async () => {
    const dir = workspace({ 'requirements.txt': 'flask\n', 'app.py': FLASK_APP });
    applyPlan(await planFingerprintCheck(dir));
    const app = fs.readFileSync(path.join(dir, 'app.py'), 'utf8');
    assert.match(app, /register_blueprint/);
    const used = await runChecklist([dir], { rules: allRules });
    assert.equal(status(used.result, 'fingerprint-check'), 'pass');
    // The same generated files, but the app does not import them.
    fs.writeFileSync(path.join(dir, 'app.py'), FLASK_APP);
    const unused = await runChecklist([dir], { rules: allRules });
    assert.notEqual(status(unused.result, 'fingerprint-check'), 'pass');
    assert.deepEqual(evidenceFiles(unused.result, 'fingerprint-check'), []);
  });

  it('Express: a use through the generated router (app → router → scoring) counts', async () => {
    const dir = workspace({ 'package.json': '{"name":"x","dependencies":{"express":"^4.19.0"}}\n', 'server.js': EXPRESS_APP });
    applyPlan(await planFingerprintCheck(dir));
    assert.equal(status((await runChecklist([dir], { rules: allRules })).result, 'fingerprint-check'), 'pass');
    fs.writeFileSync(path.join(dir, 'server.js'), EXPRESS_APP);
    assert.notEqual(status((await runChecklist([dir], { rules: allRules })).result, 'fingerprint-check'), 'pass');
  });

  it('security logging: a call of the generated logger from app code counts', async () => {
    const dir = workspace({ 'requirements.txt': 'flask\n', 'app.py': FLASK_APP });
    applyPlan(planIncidentResponse(dir));
    const alone = await runChecklist([dir], { rules: allRules });
    assert.notEqual(status(alone.result, 'security-logging'), 'pass');
    const call = '\n@app.post("/login")\ndef login():\n    log_security_event("auth.login_failed", user="al")\n    return "no"\n';
    fs.writeFileSync(path.join(dir, 'app.py'), 'from security_helpers.security_events import log_security_event\n' + FLASK_APP + call);
    const used = await runChecklist([dir], { rules: allRules });
    assert.equal(status(used.result, 'security-logging'), 'pass');
    assert.deepEqual(evidenceFiles(used.result, 'security-logging'), [path.join(dir, 'app.py')]);
  });

  it('an import in a test file is not a use by the application', async () => {
    const dir = workspace({ 'requirements.txt': 'flask\n', 'app.py': FLASK_APP });
    applyPlan(planEncryptionHelper(dir));
    // Only the generated tests import the encryption helper (its Fernet calls are the evidence).
    const r = await runChecklist([dir], { rules: allRules, testPaths: 'normal' });
    assert.deepEqual(evidenceFiles(r.result, 'encryption').filter((f) => f?.endsWith('encryption.py')), []);
    fs.writeFileSync(path.join(dir, 'app.py'), 'from security_helpers import encryption\n' + FLASK_APP);
    const used = await runChecklist([dir], { rules: allRules, testPaths: 'normal' });
    assert.ok(evidenceFiles(used.result, 'encryption').some((f) => f?.endsWith('encryption.py')));
  });

  it('every generated helper module is one whose imports the probe reports', async () => {
    const flask = workspace({ 'requirements.txt': 'flask\n', 'app.py': FLASK_APP });
    const express = workspace({ 'package.json': '{"name":"x","dependencies":{"express":"^4.19.0"}}\n', 'server.js': EXPRESS_APP });
    const created: { path: string; content: string }[] = [];
    for (const plan of [await planFingerprintCheck(flask), planIncidentResponse(flask), planEncryptionHelper(flask), await planFingerprintCheck(express), planIncidentResponse(express), planEncryptionHelper(express, { language: 'node' })]) {
      for (const c of plan.changes) if (c.before === undefined && /\.(py|js|ts)$/.test(c.path)) created.push({ path: c.path, content: c.after });
    }
    const helpers = created.filter((c) => isGeneratedHelperSource(c.content) && !/(^|[\\/])tests?[\\/]|\.test\.|sitewarden-fingerprint/.test(c.path));
    assert.ok(helpers.length >= 6, helpers.map((h) => h.path).join(', '));
    for (const h of helpers) assert.ok(GENERATED_HELPER_NAMES.has(path.basename(h.path).replace(/\.\w+$/, '')) || path.basename(h.path) === '__init__.py', h.path);
  });
});
