import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { scanPaths } from '../src/core/scanner';
import { TEST_PATH_MODES, type TestPathMode } from '../src/core/languages';
import type { Finding } from '../src/core/types';
import { allRules } from '../src/rules';
import { runChecklist } from '../src/checklist/run';
import { evaluateChecklist, ITEM_SOURCES } from '../src/checklist/evaluate';
import { ITEMS, type ChecklistItemId } from '../src/checklist/model';
import { evidenceKindOf, probeRules } from '../src/checklist/probes';
import { emptyState } from '../src/checklist/state';
import { CHECKLIST_ITEM_IDS } from '../src/core/checklist-ids';
import { DEPENDENCY_RULES } from '../src/deps/rules';

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

/**
 * The checklist is decided from what rules declare (`meta.checklist`), not from patterns over rule
 * ids: the same flaw fails the same item in every language.
 */
describe('checklist items fed by rule declarations', () => {
  const dirs: string[] = [];
  after(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  const checklistOf = async (files: Record<string, string>) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-checklist-'));
    dirs.push(dir);
    for (const [rel, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, rel), text);
    const { result } = await runChecklist([dir], { rules: allRules });
    const item = (id: ChecklistItemId) => result.areas.flatMap((a) => a.items).find((i) => i.item.id === id)!;
    return item;
  };

  it('a JavaScript ECB cipher makes "Data is encrypted" fail, as the same flaw in Python does', async () => {
    const js = await checklistOf({ 'app.js': "const crypto = require('crypto');\nconst c = crypto.createCipheriv('aes-128-ecb', key, null);\n" });
    const py = await checklistOf({ 'app.py': 'from Crypto.Cipher import AES\ncipher = AES.new(key, AES.MODE_ECB)\n' });
    assert.equal(py('encryption').status, 'fail');
    assert.deepEqual(py('encryption').failing.map((f) => f.ruleId), ['py-weak-cipher']);
    assert.equal(js('encryption').status, 'fail', js('encryption').reason);
    assert.deepEqual(js('encryption').failing.map((f) => f.ruleId), ['js-weak-crypto']);
    for (const item of [js, py]) assert.equal(item('crypto-library').status, 'fail');
  });

  it('a constant IV and createCipher in JavaScript fail "Data is encrypted" too', async () => {
    const item = await checklistOf({
      'iv.js': "const crypto = require('crypto');\nconst IV = Buffer.alloc(16, 0);\ncrypto.createCipheriv('aes-256-cbc', key, IV);\n",
      'old.js': "const crypto = require('crypto');\nconst c = crypto.createCipher('aes-256-cbc', secret);\n",
    });
    assert.equal(item('encryption').status, 'fail');
    assert.equal(item('encryption').failing.length, 2);
  });

  it('a weak digest fails "Cryptography" but not "Data is encrypted" nor "Authentication", in both languages', async () => {
    const item = await checklistOf({
      'sign.js': "const { createHash } = require('node:crypto');\nfunction sign(data) { return createHash('sha1').update(data).digest('hex'); }\n",
      'sign.py': 'import hashlib\ndef sign(data):\n    return hashlib.sha1(data).hexdigest()\n',
    });
    assert.deepEqual(item('crypto-library').failing.map((f) => f.ruleId).sort(), ['js-weak-crypto', 'py-weak-hash']);
    assert.notEqual(item('encryption').status, 'fail');
    assert.notEqual(item('authentication').status, 'fail');
  });

  it('a password hashed with MD5 fails "Authentication" in both languages', async () => {
    const item = await checklistOf({
      'auth.js': "const crypto = require('crypto');\nconst stored = crypto.createHash('md5').update(password).digest('hex');\n",
      'auth.py': 'import hashlib\nstored = hashlib.md5(password.encode()).hexdigest()\n',
    });
    assert.deepEqual(item('authentication').failing.map((f) => f.ruleId).sort(), ['js-weak-crypto', 'py-weak-hash']);
    assert.notEqual(item('encryption').status, 'fail');
  });

  it('every item decided from findings has a rule declaring it, and every evidence kind it reads has a probe', () => {
    const rules = [...allRules, ...DEPENDENCY_RULES];
    const kinds = new Set(probeRules.map((r) => evidenceKindOf(r.meta.id)));
    for (const item of ITEMS.filter((i) => i.kind === 'evaluated')) {
      const from = ITEM_SOURCES[item.id];
      assert.ok(from && (from.rules || from.evidence?.length || from.files), `${item.id} says what it is decided from`);
      if (from.rules) assert.ok(rules.some((r) => r.meta.checklist.includes(item.id)), `no rule declares checklist item ${item.id}`);
      for (const k of from.evidence ?? []) assert.ok(kinds.has(k), `no evidence probe of kind ${k} (for ${item.id})`);
    }
  });

  it('every item a rule declares exists and is decided from rule findings', () => {
    const known = new Set<string>(CHECKLIST_ITEM_IDS);
    assert.deepEqual(ITEMS.map((i) => i.id).sort(), [...CHECKLIST_ITEM_IDS].sort(), 'the model has one item per id');
    for (const r of [...allRules, ...DEPENDENCY_RULES, ...probeRules]) {
      assert.equal(typeof r.meta.checklist?.length, 'number', `${r.meta.id} declares meta.checklist`);
      for (const id of r.meta.checklist) {
        assert.ok(known.has(id), `${r.meta.id} names unknown checklist item ${id}`);
        assert.ok(ITEM_SOURCES[id]?.rules, `${r.meta.id} declares ${id}, which is not decided from rule findings`);
      }
    }
  });

  it('an evaluator that reads evidence it does not declare is refused', () => {
    const saved = ITEM_SOURCES.encryption;
    ITEM_SOURCES.encryption = { rules: true, evidence: ['hsts'] };
    try {
      assert.throws(
        () => evaluateChecklist({ roots: [], findings: [], facts: [], filesAnalysed: 1, state: emptyState(), checklistOf: () => [] }),
        /encryption reads evidence encryption-helper/,
      );
    } finally {
      ITEM_SOURCES.encryption = saved;
    }
  });
});
