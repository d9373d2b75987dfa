import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkFixedCode, type FixedCode } from '../src/core/fix-check';
import { detectLanguage } from '../src/core/languages';
import { ensureLanguages } from '../src/core/parser';
import { planFingerprintCheck } from '../src/fixes/fingerprint';
import { planSecurityHeaders } from '../src/fixes/headers';
import type { GeneratorPlan } from '../src/fixes/plan';

function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-gen-imports-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

/** Every existing source file the plan edits, compiled and name-checked against what it was before (created files run their own tests elsewhere). */
function problems(plan: GeneratorPlan): string[] {
  const fixed: FixedCode[] = [];
  for (const c of plan.changes) {
    const language = detectLanguage(c.path);
    if (language && c.before !== undefined) fixed.push({ ruleId: plan.title, index: 0, language, file: path.basename(c.path), before: c.before, after: c.after, safe: false });
  }
  const r = checkFixedCode(fixed);
  assert.equal(r.python3Missing, false, 'python3 is needed to check the Python output');
  return r.problems.map((p) => `${p.fixed.file}: ${p.problem}\n${p.fixed.after}`);
}

function after(plan: GeneratorPlan, file: string): string {
  return plan.changes.find((c) => c.path.endsWith(file))!.after;
}

describe('generators add imports through the import helper', function () {
  // python3 and a TypeScript program (parsing the standard library once): generous for a loaded machine.
  this.timeout(300_000);
  before(() => ensureLanguages(['python', 'javascript', 'typescript', 'tsx']));

  it('Flask + Talisman, development: uses the file’s `from os import environ`, and the output binds every name', async () => {
    const dir = project({
      'requirements.txt': 'flask>=3.0\nflask-talisman==1.1.0\n',
      'app.py': '"""The app."""\nfrom __future__ import annotations\n\nfrom os import environ\nfrom flask import Flask\n\napp = Flask(__name__)\n',
    });
    const plan = await planSecurityHeaders(dir, { profile: 'development' });
    const app = after(plan, 'app.py');
    assert.match(app, /^from flask_talisman import Talisman$/m);
    assert.match(app, /Talisman\(app, force_https=environ\.get\("FLASK_DEBUG"\) != "1"\)/);
    assert.ok(app.startsWith('"""The app."""\nfrom __future__ import annotations\n'), app);
    assert.deepEqual(problems(plan), []);
  });

  it('Flask + secure: the module is used under the alias the file gave it', async () => {
    const dir = project({ 'requirements.txt': 'flask>=3.0\n', 'app.py': 'import secure as sec\nfrom flask import Flask\napp = Flask(__name__)\n' });
    const plan = await planSecurityHeaders(dir);
    assert.match(after(plan, 'app.py'), /^secure_headers = sec\.Secure\.with_default_headers\(\)$/m);
    assert.doesNotMatch(after(plan, 'app.py'), /^import secure$/m);
    assert.deepEqual(problems(plan), []);
  });

  it('Express headers: helmet is required after the shebang and `use strict`, and the file still compiles', async () => {
    const server = "#!/usr/bin/env node\n'use strict';\nconst express = require('express');\n\nconst app = express();\napp.get('/', (req, res) => res.send('hi'));\napp.listen(3000);\n";
    const dir = project({ 'package.json': JSON.stringify({ name: 'x', private: true, dependencies: { express: '^4.21.0' } }), 'server.js': server });
    const plan = await planSecurityHeaders(dir);
    const out = after(plan, 'server.js');
    assert.ok(out.startsWith("#!/usr/bin/env node\n'use strict';\nconst express = require('express');\nconst helmet = require('helmet');\n"), out);
    assert.deepEqual(problems(plan), []);
  });

  it('Express fingerprint: the router import goes after the shebang in the file’s style (ESM by package.json type)', async () => {
    const server = "#!/usr/bin/env node\nconsole.log('starting');\nconst app = express();\napp.listen(3000);\n";
    const dir = project({ 'package.json': JSON.stringify({ name: 'x', private: true, type: 'module', dependencies: { express: '^4.21.0' } }), 'server.js': server });
    const plan = await planFingerprintCheck(dir, { framework: 'express' });
    const out = after(plan, 'server.js');
    assert.ok(out.startsWith("#!/usr/bin/env node\nimport { fingerprintRouter } from './security/fingerprint-router.js';\n"), out);
    assert.match(out, /^app\.use\(fingerprintRouter\(\)\);/m);
    assert.deepEqual(problems(plan), []);
  });
});
