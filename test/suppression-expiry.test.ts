/**
 * Suppressions with an expiry (`sitewarden-ignore[ID]: reason until=YYYY-MM-DD`): held until the
 * day is over, then the finding is back with a note, in the engine (code rules), in text rules
 * and therefore in the CLI. Dates far in the past and future keep the tests independent of today.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Analyzer } from '../src/core/engine';
import { ensureLanguages } from '../src/core/parser';
import { parseSuppression, splitExpiry, suppressionExpired, suppressionReasonText } from '../src/core/suppressions';
import { analyzeTextFile } from '../src/core/text-analysis';
import { allRules } from '../src/rules';

before(() => ensureLanguages(['python', 'javascript']));

const analyzer = new Analyzer(allRules);
const py = (comment: string) => analyzer.analyzeSync('a.py', `import os\ndef f(cmd):\n    os.system(cmd)  # ${comment}\n`, 'python', {}).findings.filter((f) => f.ruleId === 'py-command-injection');

describe('suppression expiry (until=YYYY-MM-DD)', () => {
  it('parses the date off the reason; a malformed date stays part of the reason', () => {
    assert.deepEqual(splitExpiry('vendor code, fixed upstream until=2027-01-31'), { justification: 'vendor code, fixed upstream', until: '2027-01-31' });
    assert.deepEqual(splitExpiry('until=2027-13-45'), { justification: 'until=2027-13-45' });
    assert.deepEqual(splitExpiry('no date here'), { justification: 'no date here' });
    const s = parseSuppression('# sitewarden-ignore[py-command-injection]: reviewed until=2027-01-31', 0, false);
    assert.equal(s?.until, '2027-01-31');
    assert.equal(s?.justification, 'reviewed');
  });

  it('holds through the last day (UTC) and lapses the day after', () => {
    assert.equal(suppressionExpired({ until: '2027-01-31' }, new Date('2027-01-31T23:59:00Z')), false);
    assert.equal(suppressionExpired({ until: '2027-01-31' }, new Date('2027-02-01T00:00:00Z')), true);
    assert.equal(suppressionExpired({}, new Date('2999-01-01T00:00:00Z')), false);
  });

  it('engine: a future date suppresses, a past date brings the finding back with a note', () => {
    const held = py('sitewarden-ignore[py-command-injection]: reviewed until=2999-12-31');
    assert.equal(held.length, 1);
    assert.deepEqual(held[0].suppression, { kind: 'sitewarden-ignore', justification: 'reviewed', until: '2999-12-31' });
    const back = py('sitewarden-ignore[py-command-injection]: reviewed until=2000-01-31');
    assert.equal(back.length, 1);
    assert.equal(back[0].suppression, undefined);
    assert.match(back[0].message, /\(suppression expired after 2000-01-31: reviewed\)$/);
  });

  it('text rules honour the date the same way', () => {
    const rules = allRules.filter((r) => r.meta.id === 'txt-secret');
    const env = (comment: string) => analyzeTextFile('/w/.env', '.env', `# ${comment}\nSTRIPE_SECRET_KEY=sk_live_51Habcdefghijklmnopqrstuv\n`, rules, { isTestFile: false });
    assert.equal(env('sitewarden-ignore[txt-secret]: rotated until=2999-01-01')[0].suppression?.until, '2999-01-01');
    const back = env('sitewarden-ignore[txt-secret]: rotated until=2001-01-01')[0];
    assert.equal(back.suppression, undefined);
    assert.match(back.message, /suppression expired after 2001-01-01: rotated/);
  });

  it('the reason written into a new comment is one line and cannot close the comment early', () => {
    assert.equal(suppressionReasonText('  checked */ by\nsecurity --> team ', '2027-01-31'), 'checked by security team until=2027-01-31');
    assert.equal(suppressionReasonText('ok'), 'ok');
  });

  it('CLI: an expired suppression fails the scan again and says why', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-until-'));
    try {
      const write = (until: string) => fs.writeFileSync(path.join(dir, 'app.py'), `import os\ndef f(cmd):\n    os.system(cmd)  # sitewarden-ignore[py-command-injection]: reviewed until=${until}\n`);
      const cli = path.resolve(__dirname, '..', '..', 'dist', 'cli.js');
      const scan = () => {
        try {
          return { code: 0, out: execFileSync(process.execPath, [cli, 'scan', '--no-deps', '--offline', '--format', 'json', '.'], { cwd: dir, encoding: 'utf8' }) };
        } catch (e) {
          const err = e as { status: number; stdout: string };
          return { code: err.status, out: err.stdout };
        }
      };
      write('2999-12-31');
      const held = scan();
      assert.equal(held.code, 0, held.out);
      write('2000-01-31');
      const back = scan();
      assert.notEqual(back.code, 0);
      const findings = JSON.parse(back.out) as { ruleId: string; message: string; suppression?: unknown }[];
      const f = findings.find((x) => x.ruleId === 'py-command-injection')!;
      assert.equal(f.suppression, undefined);
      assert.match(f.message, /suppression expired after 2000-01-31/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
