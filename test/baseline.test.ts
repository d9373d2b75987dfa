import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv-draft-04';
import { compareWithBaseline, parseBaseline } from '../src/core/report/baseline';
import type { Finding } from '../src/core/types';

const ROOT = path.join(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const SEED = fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'seed-flask', 'app.py'), 'utf8');

function sw(args: string[], cwd: string) {
  return spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
}

function sarifValidator() {
  const schema = JSON.parse(fs.readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
  return new Ajv({ allErrors: true, strict: false, validateFormats: false, unicodeRegExp: false }).compile(schema);
}

interface Result {
  ruleId: string;
  kind?: string;
  level: string;
  baselineState?: string;
  partialFingerprints: Record<string, string>;
  locations: { physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } } }[];
}
interface Log {
  runs: { automationDetails?: { id: string }; results: Result[] }[];
}

function project(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-baseline-'));
  fs.writeFileSync(path.join(dir, 'app.py'), SEED);
  return dir;
}

const states = (log: Log) => log.runs[0].results.map((r) => `${r.ruleId}:${r.baselineState}`).sort();

describe('scan --baseline / --write-baseline', () => {
  it('a finding moved by unrelated edits is unchanged, a new one is new and fails the run, a fixed one is absent', () => {
    const dir = project();
    const wrote = sw(['scan', '--no-deps', '.', '--write-baseline', 'baseline.sarif', '--fail-on', 'none'], dir);
    assert.equal(wrote.status, 0, wrote.stderr);
    assert.match(wrote.stderr, /baseline of 2 finding\(s\) written to baseline\.sarif/);

    // Unrelated edits above both findings move them down; nothing new: the run passes.
    fs.writeFileSync(path.join(dir, 'app.py'), '# a comment\nimport logging\n\n' + SEED);
    const moved = sw(['scan', '--no-deps', '.', '--baseline', 'baseline.sarif'], dir);
    assert.equal(moved.status, 0, moved.stdout + moved.stderr);
    assert.match(moved.stdout, /^0 findings/m);
    const movedLog = JSON.parse(sw(['scan', '--no-deps', '.', '--baseline', 'baseline.sarif', '--format', 'sarif'], dir).stdout) as Log;
    assert.deepEqual(states(movedLog), ['py-fingerprint-stub:unchanged', 'py-flask-debug:unchanged']);

    // Fix the debug finding, add a pickle load: one new (shown, exit 1), one absent.
    const changed = '# a comment\nimport logging\nimport pickle\n\n' + SEED.replace('app.run(debug=True)', 'app.run()') + '\ndef load(blob):\n    return pickle.loads(blob)\n';
    fs.writeFileSync(path.join(dir, 'app.py'), changed);
    const text = sw(['scan', '--no-deps', '.', '--baseline', 'baseline.sarif'], dir);
    assert.equal(text.status, 1, text.stderr);
    assert.match(text.stdout, /py-unsafe-deserialization/);
    assert.doesNotMatch(text.stdout, /py-fingerprint-stub|py-flask-debug/);
    assert.match(text.stderr, /baseline: 1 new finding\(s\) shown; in the baseline: 1 unchanged, 0 updated, 1 fixed \(absent\)/);

    const out = sw(['scan', '--no-deps', '.', '--baseline', 'baseline.sarif', '--format', 'sarif'], dir);
    assert.equal(out.status, 1);
    const log = JSON.parse(out.stdout) as Log;
    const validate = sarifValidator();
    assert.ok(validate(log), JSON.stringify(validate.errors?.slice(0, 5), null, 2));
    assert.deepEqual(states(log), ['py-fingerprint-stub:unchanged', 'py-flask-debug:absent', 'py-unsafe-deserialization:new']);
    const absent = log.runs[0].results.find((r) => r.baselineState === 'absent')!;
    // Kept for viewers, but not a problem a consumer ignoring baselineState would raise.
    assert.equal(absent.kind, 'pass');
    assert.equal(absent.level, 'none');
    assert.equal(absent.locations[0].physicalLocation.artifactLocation.uri, 'app.py');
    const base = JSON.parse(fs.readFileSync(path.join(dir, 'baseline.sarif'), 'utf8')) as Log;
    const debugBefore = base.runs[0].results.find((r) => r.ruleId === 'py-flask-debug')!;
    assert.deepEqual(absent.partialFingerprints, debugBefore.partialFingerprints);
    assert.equal(absent.locations[0].physicalLocation.region?.startLine, debugBefore.locations[0].physicalLocation.region?.startLine);

    // --fail-on still applies to the new findings: the pickle load is high.
    assert.equal(sw(['scan', '--no-deps', '.', '--baseline', 'baseline.sarif', '--fail-on', 'critical'], dir).status, 0);
  });

  it('a JSON report works as a baseline (with its fingerprints, and without them as older reports are)', () => {
    const dir = project();
    const json = sw(['scan', '--no-deps', '.', '--format', 'json'], dir);
    const findings = JSON.parse(json.stdout) as { ruleId: string; fingerprint: string }[];
    const sarif = JSON.parse(sw(['scan', '--no-deps', '.', '--format', 'sarif'], dir).stdout) as Log;
    // The JSON fingerprint is the SARIF one, finding by finding.
    assert.deepEqual(
      findings.map((f) => f.fingerprint),
      sarif.runs[0].results.map((r) => r.partialFingerprints['sitewarden/v1']),
    );
    fs.writeFileSync(path.join(dir, 'with.json'), json.stdout);
    fs.writeFileSync(path.join(dir, 'without.json'), JSON.stringify(findings.map(({ fingerprint: _, ...rest }) => rest)));
    fs.writeFileSync(path.join(dir, 'app.py'), '\n\n' + SEED + '\nimport pickle\n\ndef load(blob):\n    return pickle.loads(blob)\n');
    for (const file of ['with.json', 'without.json']) {
      const r = sw(['scan', '--no-deps', '.', '--baseline', file, '--format', 'json'], dir);
      assert.equal(r.status, 1, `${file}: ${r.stderr}`);
      assert.deepEqual((JSON.parse(r.stdout) as { ruleId: string }[]).map((f) => f.ruleId), ['py-unsafe-deserialization'], file);
    }
  });

  it('an unusable baseline is a usage error naming the reason: not JSON, a FIFO (not opened for reading), a link', function () {
    const dir = project();
    fs.writeFileSync(path.join(dir, 'notjson.sarif'), 'hello');
    fs.writeFileSync(path.join(dir, 'other.json'), JSON.stringify({ hello: 1 }));
    fs.symlinkSync(path.join(dir, 'app.py'), path.join(dir, 'link.sarif'));
    const cases: [string, RegExp][] = [
      ['notjson.sarif', /notjson\.sarif is not JSON/],
      ['other.json', /neither a SARIF log nor a JSON findings array/],
      ['link.sarif', /is a symbolic link \(not followed\)/],
      ['missing.sarif', /no such file/],
    ];
    if (spawnSync('mkfifo', [path.join(dir, 'fifo.sarif')]).status === 0) cases.push(['fifo.sarif', /not a regular file/]);
    for (const [file, message] of cases) {
      const r = sw(['scan', '--no-deps', '.', '--baseline', file], dir);
      assert.equal(r.status, 2, `${file}: ${r.stderr}`);
      assert.match(r.stderr, /^sitewarden: --baseline: /);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
  });

  it('--write-baseline inside the project does not follow a planted link', () => {
    const dir = project();
    const victim = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sw-victim-')), 'victim.txt');
    fs.writeFileSync(victim, 'precious');
    fs.symlinkSync(victim, path.join(dir, 'baseline.sarif'));
    const r = sw(['scan', '--no-deps', '.', '--write-baseline', 'baseline.sarif'], dir);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /^sitewarden: --write-baseline: /);
    assert.equal(fs.readFileSync(victim, 'utf8'), 'precious');
  });

  it('SARIF names the scanned roots in automationDetails.id, so uploads of different folders do not replace each other', () => {
    const dir = project();
    fs.mkdirSync(path.join(dir, 'api'));
    fs.mkdirSync(path.join(dir, 'web'));
    const id = (args: string[]) => (JSON.parse(sw(['scan', '--no-deps', '--format', 'sarif', ...args], dir).stdout) as Log).runs[0].automationDetails?.id;
    assert.equal(id(['.']), 'sitewarden/./');
    assert.equal(id(['api']), 'sitewarden/api/');
    assert.equal(id(['web/', 'api']), 'sitewarden/api+web/');
    assert.notEqual(id(['api']), id(['web']));
  });

  it('compareWithBaseline: same fingerprint with another message is updated; states and counts', () => {
    const finding = (ruleId: string, message: string, snippet: string): Finding => ({
      ruleId,
      title: ruleId,
      message,
      severity: 'high',
      confidence: 'high',
      cwe: [],
      owasp: [],
      file: 'app.py',
      range: { start: { line: 0, column: 0 }, end: { line: 0, column: 1 } },
      snippet,
      docsUrl: '',
    });
    const a = finding('r1', 'same', 'x = 1');
    const b = finding('r2', 'reworded', 'y = 2');
    const c = finding('r3', 'brand new', 'z = 3');
    const baseline = parseBaseline(
      JSON.stringify({
        runs: [
          {
            tool: { driver: { name: 'SiteWarden' } },
            results: [
              { ruleId: 'r1', message: { text: 'same' }, partialFingerprints: { 'sitewarden/v1': 'fa' }, properties: { severity: 'high' }, locations: [{ physicalLocation: { artifactLocation: { uri: 'app.py' }, region: { startLine: 3 } } }] },
              { ruleId: 'r2', message: { text: 'old words' }, partialFingerprints: { 'sitewarden/v1': 'fb' }, locations: [] },
              { ruleId: 'r9', message: { text: 'gone' }, partialFingerprints: { 'sitewarden/v1': 'f9' }, locations: [] },
              // An absent result of an earlier comparison is not part of the baseline.
              { ruleId: 'r8', baselineState: 'absent', message: { text: 'older' }, partialFingerprints: { 'sitewarden/v1': 'f8' } },
            ],
          },
          { tool: { driver: { name: 'OtherTool' } }, results: [{ ruleId: 'x', partialFingerprints: { 'sitewarden/v1': 'fx' } }] },
        ],
      }),
      'b.sarif',
    );
    assert.deepEqual(baseline.map((e) => e.fingerprint), ['fa', 'fb', 'f9']);
    const fp = new Map([[a, 'fa'], [b, 'fb'], [c, 'fc']]);
    const cmp = compareWithBaseline([a, b, c], (f) => fp.get(f)!, baseline);
    assert.deepEqual([a, b, c].map(cmp.stateOf), ['unchanged', 'updated', 'new']);
    assert.deepEqual(cmp.absent.map((e) => e.ruleId), ['r9']);
    assert.deepEqual(cmp.counts, { new: 1, unchanged: 1, updated: 1, absent: 1 });

    // A JSON report's path becomes a SARIF URI like ours, so an absent result's location is one.
    const fromJson = parseBaseline(JSON.stringify([{ ruleId: 'r1', file: path.join('sub dir', '100%.py'), snippet: 'x', message: 'm', range: { start: { line: 4, column: 0 }, end: { line: 4, column: 3 } } }]), 'b.json');
    assert.equal(fromJson[0].uri, 'sub%20dir/100%25.py');
    assert.deepEqual(fromJson[0].region, { startLine: 5, startColumn: 1, endLine: 5, endColumn: 4 });
  });
});
