import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import Ajv from 'ajv-draft-04';

const ROOT = path.join(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const FIX = path.join(ROOT, 'test', 'fixtures');

function sw(args: string[], cwd = ROOT) {
  return spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
}

function sarifValidator() {
  const schema = JSON.parse(fs.readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false, unicodeRegExp: false });
  return ajv.compile(schema);
}

interface SarifLog {
  runs: {
    tool: { driver: { rules: { id: string; name: string; shortDescription: { text: string }; fullDescription: { text: string }; help: { markdown: string }; helpUri: string; properties: { tags: string[]; 'security-severity': string } }[] } };
    results: { ruleId: string; level: string; message: { text: string }; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[]; partialFingerprints: Record<string, string>; suppressions?: { kind: string }[] }[];
  }[];
}

describe('sitewarden CLI', () => {
  it('exit 0 on a clean directory, 1 with findings, and --fail-on sets the threshold', () => {
    assert.equal(sw(['scan', '--no-deps', path.join(FIX, 'clean')]).status, 0);
    const found = sw(['scan', '--no-deps', path.join(FIX, 'seed-flask')]);
    assert.equal(found.status, 1, found.stderr);
    assert.match(found.stdout, /2 findings \(0 critical, 1 high, 1 medium, 0 low\) in 1 file/);
    assert.equal(sw(['scan', '--no-deps', path.join(FIX, 'seed-flask'), '--fail-on', 'critical']).status, 0);
    assert.equal(sw(['scan', '--no-deps', path.join(FIX, 'seed-flask'), '--fail-on', 'none']).status, 0);
    assert.equal(sw(['scan', '--no-deps', path.join(FIX, 'seed-flask'), '--fail-on', 'high']).status, 1);
  });

  it('exit 2 with one line on stderr for usage errors', () => {
    for (const args of [['scan', '--format', 'xml'], ['scan', '--bogus'], ['scan', 'no/such/dir'], ['frobnicate'], ['scan', '--fail-on', 'severe']]) {
      const r = sw(args);
      assert.equal(r.status, 2, args.join(' '));
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /^sitewarden: /);
    }
  });

  it('the seed-article Flask app yields exactly the stub analyser and debug mode', () => {
    const r = sw(['scan', '--no-deps', 'test/fixtures/seed-flask', '--format', 'json']);
    const findings = JSON.parse(r.stdout) as { ruleId: string; file: string; range: { start: { line: number } } }[];
    assert.deepEqual(findings.map((f) => [f.ruleId, f.file, f.range.start.line + 1]), [
      ['py-fingerprint-stub', path.join('test', 'fixtures', 'seed-flask', 'app.py'), 15],
      ['py-flask-debug', path.join('test', 'fixtures', 'seed-flask', 'app.py'), 22],
    ]);
  });

  it('writes SARIF 2.1.0 that validates against the schema, with rule metadata', () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sw-sarif-')), 'r.sarif');
    const r = sw(['scan', '--no-deps', 'test/fixtures', '--format', 'sarif', '--output', out]);
    assert.ok(r.status === 0 || r.status === 1, r.stderr);
    const log = JSON.parse(fs.readFileSync(out, 'utf8')) as SarifLog;
    const validate = sarifValidator();
    assert.ok(validate(log), JSON.stringify(validate.errors?.slice(0, 5), null, 2));
    const run = log.runs[0];
    for (const rule of run.tool.driver.rules) {
      assert.ok(rule.name && rule.shortDescription.text && rule.fullDescription.text && rule.help.markdown, rule.id);
      assert.equal(rule.helpUri, undefined, 'no web page exists for a rule: SARIF embeds it as help');
      assert.ok(rule.properties.tags.some((t) => /^CWE-\d+$/.test(t)), `${rule.id} has a CWE tag`);
      assert.match(rule.properties['security-severity'], /^\d+(\.\d)?$/);
    }
    assert.ok(run.results.length >= 2);
    for (const res of run.results) {
      assert.ok(res.ruleId && res.level && res.message.text);
      assert.ok(!path.isAbsolute(res.locations[0].physicalLocation.artifactLocation.uri));
      assert.ok(res.locations[0].physicalLocation.region.startLine >= 1);
      assert.ok(Object.values(res.partialFingerprints)[0].length >= 16);
    }
  });

  it('fingerprints survive unrelated edits; suppressed findings stay in SARIF with a suppression', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-fp-'));
    const app = path.join(dir, 'app.py');
    const src = fs.readFileSync(path.join(FIX, 'seed-flask', 'app.py'), 'utf8');
    fs.writeFileSync(app, src);
    const fps = (log: SarifLog) => log.runs[0].results.map((x) => `${x.ruleId}:${Object.values(x.partialFingerprints)[0]}`).sort();
    const before = JSON.parse(sw(['scan', '--no-deps', '.', '--format', 'sarif'], dir).stdout) as SarifLog;
    fs.writeFileSync(app, '# a comment\nimport logging\n\n' + src);
    const after = JSON.parse(sw(['scan', '--no-deps', '.', '--format', 'sarif'], dir).stdout) as SarifLog;
    assert.deepEqual(fps(after), fps(before));
    assert.notEqual(after.runs[0].results[0].locations[0].physicalLocation.region.startLine, before.runs[0].results[0].locations[0].physicalLocation.region.startLine);

    fs.writeFileSync(app, src.replace("    app.run(debug=True)", "    # sitewarden-ignore[py-flask-debug]: local tool only\n    app.run(debug=True)"));
    const suppressed = JSON.parse(sw(['scan', '--no-deps', '.', '--format', 'sarif'], dir).stdout) as SarifLog;
    const debug = suppressed.runs[0].results.find((x) => x.ruleId === 'py-flask-debug')!;
    assert.equal(debug.suppressions?.[0].kind, 'inSource');
    const text = sw(['scan', '--no-deps', '.'], dir);
    assert.match(text.stdout, /1 finding .*1 suppressed/);
  });

  it('json output is the findings array with paths relative to the current directory', () => {
    const r = sw(['scan', '--no-deps', '.', '--format', 'json'], path.join(FIX, 'seed-flask'));
    const findings = JSON.parse(r.stdout) as { file: string }[];
    assert.ok(Array.isArray(findings));
    assert.deepEqual([...new Set(findings.map((f) => f.file))], ['app.py']);
  });

  it('--help and --version', () => {
    assert.match(sw(['--help']).stdout, /sitewarden scan \[PATH/);
    assert.match(sw(['--version']).stdout, /^\d+\.\d+\.\d+/);
  });
});
