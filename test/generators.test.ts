import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runChecklist } from '../src/checklist/run';
import type { ChecklistResult } from '../src/checklist/evaluate';
import { planSecurityHeaders } from '../src/fixes/headers';
import { planEncryptionHelper } from '../src/fixes/encryption';
import { planFingerprintCheck } from '../src/fixes/fingerprint';
import { planIncidentResponse } from '../src/fixes/incident-response';
import { spawnSync } from 'node:child_process';
import { applyPlan, planDiff, PlanConflictError } from '../src/fixes/plan';
import { detectLanguage } from '../src/core/languages';
import { ensureLanguages, parseSync } from '../src/core/parser';
import { allRules } from '../src/rules';

const FIX = path.join(__dirname, '..', '..', 'test', 'fixtures');

function workspace(src: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-gen-'));
  fs.cpSync(path.join(FIX, src), dir, { recursive: true });
  return dir;
}

function status(r: ChecklistResult, id: string): string {
  return r.areas.flatMap((a) => a.items).find((i) => i.item.id === id)!.status;
}

async function assertParses(files: string[]): Promise<void> {
  await ensureLanguages(['python', 'javascript', 'typescript', 'tsx']);
  for (const f of files) {
    const lang = detectLanguage(f);
    if (!lang) continue;
    const tree = parseSync(lang, fs.readFileSync(f, 'utf8'));
    assert.equal(tree.rootNode.hasError, false, `${f} does not parse after the generator:\n${fs.readFileSync(f, 'utf8')}`);
    tree.delete();
  }
}

describe('security headers generator', () => {
  for (const [name, fixture, framework] of [
    ['Flask (secure)', 'checklist/flask', 'flask'],
    ['Flask (Talisman already declared)', 'generators/flask-talisman', 'flask'],
    ['Django', 'generators/django-plain', 'django'],
    ['Express', 'generators/express-plain', 'express'],
  ] as const) {
    for (const profile of ['production', 'development'] as const) {
      it(`${name}, ${profile}: the checklist item turns to pass, output parses, a second run changes nothing`, async () => {
        const dir = workspace(fixture);
        const before = await runChecklist([dir], { rules: allRules });
        assert.notEqual(status(before.result, 'security-headers'), 'pass');
        const plan = await planSecurityHeaders(dir, { profile });
        assert.ok(plan.changes.length >= 1);
        const diff = planDiff(plan, dir);
        assert.match(diff, /^\+\+\+ b\//m);
        const written = applyPlan(plan);
        await assertParses(written);
        const after = await runChecklist([dir], { rules: allRules });
        assert.equal(status(after.result, 'security-headers'), 'pass', planDiff(plan, dir));
        const again = await planSecurityHeaders(dir, { profile });
        assert.deepEqual(again.changes, [], 'idempotent');
        if (framework === 'express') {
          const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
          assert.ok(pkg.dependencies.helmet);
          const server = fs.readFileSync(path.join(dir, 'server.js'), 'utf8');
          assert.ok(server.indexOf('helmet(') < server.indexOf("app.get('/'"), 'helmet before the routes');
          if (profile === 'development') assert.match(server, /upgradeInsecureRequests: isProduction \? \[\] : null/);
        } else if (fixture === 'generators/flask-talisman') {
          assert.match(fs.readFileSync(path.join(dir, 'app.py'), 'utf8'), /Talisman\(app/);
        } else {
          const req = fs.readFileSync(path.join(dir, 'requirements.txt'), 'utf8');
          if (framework === 'flask') assert.match(req, /^secure>=/m);
        }
        if (framework === 'django') {
          const settings = fs.readFileSync(path.join(dir, 'proj', 'settings.py'), 'utf8');
          assert.ok(settings.indexOf('SecurityMiddleware') < settings.indexOf('SessionMiddleware'), 'SecurityMiddleware first');
          assert.match(settings, profile === 'development' ? /^SECURE_SSL_REDIRECT = not DEBUG$/m : /^SECURE_SSL_REDIRECT = True$/m);
        }
      });
    }
  }

  it('never overwrites a file changed after the preview', async () => {
    const dir = workspace('generators/express-plain');
    const plan = await planSecurityHeaders(dir);
    fs.appendFileSync(path.join(dir, 'server.js'), '// edited meanwhile\n');
    assert.throws(() => applyPlan(plan), PlanConflictError);
    assert.doesNotMatch(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'), /helmet/, 'nothing written when one file conflicts');
  });

  it('says clearly when no framework is found', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-gen-empty-'));
    await assert.rejects(planSecurityHeaders(dir), /No Flask, Django or Express project/);
  });
});

describe('encryption helper generator', function () {
  // Runs Python, tsc and node --test: minutes on a loaded 2-core machine. A hang safety net only.
  this.timeout(300_000);
  const python = process.env.SITEWARDEN_PYTHON ?? 'python3';
  const hasCryptography = spawnSync(python, ['-c', 'import cryptography'], { encoding: 'utf8' }).status === 0;

  it('Python: Fernet helpers pass their own tests (round trip, tamper detection, rotation)', function () {
    if (!hasCryptography) {
      // Stated, not hidden: the generated tests need the cryptography package.
      this.skip();
    }
    const dir = workspace('checklist/flask');
    const plan = planEncryptionHelper(dir);
    applyPlan(plan);
    assert.match(fs.readFileSync(path.join(dir, 'requirements.txt'), 'utf8'), /^cryptography>=/m);
    const run = spawnSync(python, ['-m', 'unittest', 'discover', '-s', 'tests', '-v'], { cwd: dir, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /Ran 8 tests/);
    assert.match(run.stderr, /test_tampered_token_is_rejected \(.*\) \.\.\. ok/);
    assert.deepEqual(planEncryptionHelper(dir).changes, [], 'idempotent');
  });

  for (const style of ['cjs', 'esm', 'ts'] as const) {
    it(`Node (${style}): AES-256-GCM helpers pass their own tests (tamper detection, AAD, rotation)`, async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), `sw-enc-${style}-`));
      fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'x', private: true, ...(style === 'esm' ? { type: 'module' } : {}) }));
      if (style === 'ts') fs.writeFileSync(path.join(dir, 'tsconfig.json'), '{"compilerOptions":{"strict":true,"module":"commonjs","target":"ES2022","esModuleInterop":true}}');
      fs.mkdirSync(path.join(dir, 'src'));
      const plan = planEncryptionHelper(dir, { language: 'node' });
      const written = applyPlan(plan);
      await assertParses(written);
      let testFile = written.find((f) => /encryption\.test\./.test(f))!;
      if (style === 'ts') {
        // Type-check the generated TypeScript strictly, then run it as compiled JS.
        const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', dir, '--outDir', path.join(dir, 'out'), '--types', 'node', '--typeRoots', path.join(__dirname, '..', '..', 'node_modules', '@types')], { encoding: 'utf8' });
        assert.equal(tsc.status, 0, tsc.stdout + tsc.stderr);
        testFile = (fs.readdirSync(path.join(dir, 'out'), { recursive: true }) as string[]).map((f) => path.join(dir, 'out', f)).find((f) => f.endsWith('encryption.test.js'))!;
      }
      const run = spawnSync(process.execPath, ['--test', testFile], { cwd: dir, encoding: 'utf8' });
      assert.equal(run.status, 0, run.stdout + run.stderr);
      assert.match(run.stdout, /# pass 7/);
      assert.match(run.stdout, /# fail 0/);
    });
  }
});

describe('browser fingerprint generator', function () {
  this.timeout(300_000); // runs Python and node --test; a hang safety net only
  const python = process.env.SITEWARDEN_PYTHON ?? 'python3';

  it('Flask seed app: the stub is replaced, the checklist item passes, the scoring passes its tests', async function () {
    const dir = workspace('seed-flask');
    const before = await runChecklist([dir], { rules: allRules });
    assert.equal(status(before.result, 'fingerprint-check'), 'fail');
    const plan = await planFingerprintCheck(dir);
    const written = applyPlan(plan);
    await assertParses(written);
    const app = fs.readFileSync(path.join(dir, 'app.py'), 'utf8');
    assert.match(app, /result = assess_fingerprint\(data or \{\}/);
    assert.match(app, /^from security_helpers\.fingerprint import assess_fingerprint$/m);
    const after = await runChecklist([dir], { rules: allRules });
    assert.equal(status(after.result, 'fingerprint-check'), 'pass');
    assert.ok(!after.scan.findings.some((f) => f.ruleId === 'py-fingerprint-stub'));
    assert.deepEqual((await planFingerprintCheck(dir)).changes, [], 'idempotent');
    assert.ok(fs.existsSync(path.join(dir, 'static', 'js', 'sitewarden-fingerprint.js')));
    const run = spawnSync(python, ['-m', 'unittest', 'discover', '-s', 'tests', '-v'], { cwd: dir, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /Ran 7 tests/);
  });

  it('Express app: router registered, scoring passes its tests, collector parses', async () => {
    const dir = workspace('generators/express-plain');
    const plan = await planFingerprintCheck(dir);
    const written = applyPlan(plan);
    await assertParses(written);
    assert.match(fs.readFileSync(path.join(dir, 'server.js'), 'utf8'), /app\.use\(fingerprintRouter\(\)\)/);
    const run = spawnSync(process.execPath, ['--test', path.join(dir, 'security', 'fingerprint.test.js')], { cwd: dir, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /# pass 5/);
    const after = await runChecklist([dir], { rules: allRules });
    assert.equal(status(after.result, 'fingerprint-check'), 'pass');
  });
});

describe('incident response generator', function () {
  this.timeout(300_000); // runs Python; a hang safety net only
  it('creates a six-phase plan, SECURITY.md and a JSON security-event logger; the checklist items pass', async () => {
    const dir = workspace('checklist/flask');
    const before = await runChecklist([dir], { rules: allRules });
    assert.equal(status(before.result, 'incident-response-plan'), 'fail');
    assert.equal(status(before.result, 'security-policy'), 'fail');
    const plan = planIncidentResponse(dir);
    const written = applyPlan(plan);
    await assertParses(written);
    const after = await runChecklist([dir], { rules: allRules });
    assert.equal(status(after.result, 'incident-response-plan'), 'pass');
    assert.equal(status(after.result, 'security-policy'), 'pass');
    assert.deepEqual(planIncidentResponse(dir).changes, [], 'idempotent');
    const python = process.env.SITEWARDEN_PYTHON ?? 'python3';
    const run = spawnSync(python, ['-c', 'import io,json,sys; sys.path.insert(0,"."); from security_helpers import security_events as s; buf=io.StringIO(); s.configure(buf); s.log_security_event("auth.login_failed", user="al", password="x"); print(buf.getvalue())'], { cwd: dir, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const event = JSON.parse(run.stdout.trim());
    assert.equal(event['event.action'], 'auth.login_failed');
    assert.equal(event.password, '[redacted]');
  });

  it('leaves an existing SECURITY.md alone', () => {
    const dir = workspace('checklist/django');
    const before = fs.readFileSync(path.join(dir, 'SECURITY.md'), 'utf8');
    applyPlan(planIncidentResponse(dir));
    assert.equal(fs.readFileSync(path.join(dir, 'SECURITY.md'), 'utf8'), before);
  });
});

describe('generated code', () => {
  it('holds no secrets: every generator on every framework, scanned with the secret rules and the text secret detector', async () => {
    const { scanPaths } = await import('../src/core/scanner');
    const secretRules = allRules.filter((r) => r.meta.family === 'secrets');
    assert.ok(secretRules.length >= 3, secretRules.map((r) => r.meta.id).join(', '));
    const written: string[] = [];
    for (const fixture of ['checklist/flask', 'generators/django-plain', 'generators/express-plain']) {
      const dir = workspace(fixture);
      // Each plan is made after the previous one is applied, as a user running them in turn.
      written.push(...applyPlan(await planSecurityHeaders(dir, { profile: 'production' })));
      written.push(...applyPlan(await planEncryptionHelper(dir)));
      written.push(...applyPlan(await planIncidentResponse(dir)));
      try {
        written.push(...applyPlan(await planFingerprintCheck(dir)));
      } catch {
        /* no fingerprint endpoint in this fixture: nothing generated */
      }
    }
    assert.ok(written.length >= 9, `files written: ${written.length}`);
    const r = await scanPaths(written, { rules: secretRules, testPaths: 'normal' });
    assert.ok(r.filesScanned >= 6, `files scanned: ${r.filesScanned}`);
    assert.deepEqual(r.findings.map((f) => `${f.ruleId} ${f.file}:${f.range.start.line + 1} ${f.snippet}`), []);
    // Keys come from the environment or a secret store, never from a literal in the helper.
    for (const f of written.filter((x) => /encryption|crypto|security_helpers/.test(x) && /\.(py|ts|js|mjs|cjs)$/.test(x))) {
      assert.doesNotMatch(fs.readFileSync(f, 'utf8'), /(key|secret)\s*[=:]\s*['"][A-Za-z0-9+/=_-]{16,}['"]/i, f);
    }
  });
});
