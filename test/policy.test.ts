import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { scanPaths } from '../src/core/scanner';
import type { TestPathMode } from '../src/core/engine';
import { TEST_PATH_MODES } from '../src/core/languages';
import type { Finding } from '../src/core/types';
import { allRules } from '../src/rules';

/**
 * One test-path policy for every analyser: a file under tests/ is treated the same whether text
 * rules (.env, templates) or syntax rules (Python) read it.
 */
describe('test-path policy: one value for text and code analysis', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-policy-'));
    const files: Record<string, string> = {
      // production-only rules (skipInTests): a hard-coded secret in a config file and in code
      'tests/.env': 'DATABASE_PASSWORD=Pr0dPassw0rd!x7Q\n',
      'tests/settings.py': 'SECRET_KEY = "django-insecure-7x!kq@2v#m$9z&a^b*c(d)e_f+g=h-i"\n',
      // rules that also run in tests: an unescaped template output and a weak hash in code
      'tests/templates/profile.html': '<p>{{ user.bio|safe }}</p>\n',
      'tests/test_hash.py': 'import hashlib\nh = hashlib.md5(data)\n',
      // production files: never affected by the mode
      '.env': 'DATABASE_PASSWORD=Pr0dPassw0rd!x7Q\n',
      'app.py': 'import hashlib\nh = hashlib.md5(data)\n',
    };
    for (const [rel, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    }
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const scan = async (mode: TestPathMode): Promise<Map<string, Finding>> => {
    const r = await scanPaths([dir], { rules: allRules, testPaths: mode });
    const byFile = new Map<string, Finding>();
    for (const f of r.findings) {
      const rel = path.relative(dir, f.file).split(path.sep).join('/');
      assert.ok(!byFile.has(rel), `one finding per fixture file, got a second in ${rel}: ${f.ruleId}`);
      byFile.set(rel, f);
    }
    return byFile;
  };

  it('--test-paths ignore reports nothing under tests/, neither the .env secret nor the code one', async () => {
    const found = await scan('ignore');
    assert.deepEqual([...found.keys()].filter((k) => k.startsWith('tests/')), []);
    assert.equal(found.get('.env')?.ruleId, 'txt-secret');
    assert.equal(found.get('app.py')?.ruleId, 'py-weak-hash');
  });

  it('demote leaves production-only rules out and lowers the rest one step, in text and code alike', async () => {
    const found = await scan('demote');
    assert.equal(found.get('tests/.env'), undefined, 'txt-secret is production-only');
    assert.equal(found.get('tests/settings.py'), undefined, 'py-hardcoded-secret is production-only');
    const tpl = found.get('tests/templates/profile.html');
    const code = found.get('tests/test_hash.py');
    assert.equal(tpl?.ruleId, 'tpl-unescaped-output');
    assert.equal(code?.ruleId, 'py-weak-hash');
    for (const f of [tpl!, code!]) {
      const rule = allRules.find((r) => r.meta.id === f.ruleId)!;
      assert.equal(f.inTestCode, true, f.ruleId);
      assert.notEqual(f.severity, rule.meta.severity, `${f.ruleId} is demoted`);
    }
    assert.equal(found.get('app.py')?.inTestCode, undefined);
  });

  it('normal treats tests/ as production code in text and code alike', async () => {
    const found = await scan('normal');
    for (const [rel, id] of [['tests/.env', 'txt-secret'], ['tests/settings.py', 'py-hardcoded-secret'], ['tests/templates/profile.html', 'tpl-unescaped-output'], ['tests/test_hash.py', 'py-weak-hash']]) {
      assert.equal(found.get(rel)?.ruleId, id, rel);
      assert.equal(found.get(rel)?.inTestCode, undefined, rel);
    }
    // the same text gets the same severity in tests/ as in production
    assert.equal(found.get('tests/.env')?.severity, found.get('.env')?.severity);
    assert.equal(found.get('tests/test_hash.py')?.severity, found.get('app.py')?.severity);
  });

  it('the three modes give a tests/ file the same treatment whichever analyser reads it', async () => {
    for (const mode of TEST_PATH_MODES) {
      const found = await scan(mode);
      // pairs of (text-analysed, code-analysed) files with the same kind of rule
      for (const [textFile, codeFile] of [['tests/.env', 'tests/settings.py'], ['tests/templates/profile.html', 'tests/test_hash.py']]) {
        const t = found.get(textFile);
        const c = found.get(codeFile);
        assert.equal(!!t, !!c, `${mode}: ${textFile} ${t ? 'reported' : 'not reported'} but ${codeFile} ${c ? 'reported' : 'not reported'}`);
        assert.equal(t?.inTestCode, c?.inTestCode, `${mode}: inTestCode of ${textFile} and ${codeFile}`);
      }
    }
  });
});
