import * as assert from 'node:assert/strict';
import { Analyzer } from '../src/core/engine';
import { ensureLanguages } from '../src/core/parser';
import { runRuleCases } from '../src/core/rule-tester';
import { allRules } from '../src/rules';

describe('rule cases (every rule runs its own valid/invalid cases)', () => {
  it('rule ids are unique', () => {
    const ids = allRules.map((r) => r.meta.id);
    assert.equal(new Set(ids).size, ids.length);
  });
  for (const rule of allRules) {
    it(`${rule.meta.id}: ${rule.tests.valid.length} valid, ${rule.tests.invalid.length} invalid`, async () => {
      const failures = await runRuleCases(rule);
      assert.deepEqual(
        failures.map((f) => `[${f.kind} #${f.index}] ${f.problem}\n${f.code}`),
        [],
      );
    });
  }
});

describe('names inherited by every JavaScript object', () => {
  // Rules look sink names up in tables; `valueOf(x)` once matched a table's inherited valueOf.
  const names = Object.getOwnPropertyNames(Object.prototype).filter((n) => /^[A-Za-z_]\w*$/.test(n));
  const analyzer = new Analyzer(allRules);
  before(() => ensureLanguages(['python', 'javascript']));

  it('are not sinks, settings or secrets in Python', () => {
    const lines = ['import os, hashlib, subprocess', 'def f(x, request):'];
    for (const n of names) lines.push(`    ${n}(x)`, `    hashlib.${n}(x)`, `    os.${n}(request.args["a"])`, `    subprocess.${n}(request.args["a"], shell=True)`);
    const settings = names.map((n) => `${n} = False`).join('\n');
    const found = [
      ...analyzer.analyzeSync('app.py', lines.join('\n') + '\n', 'python').findings,
      ...analyzer.analyzeSync('project/settings.py', settings + '\n', 'python').findings,
    ];
    assert.ok(names.includes('valueOf') && names.includes('constructor'));
    assert.deepEqual(found.map((f) => `${f.ruleId}: ${f.message}`), []);
  });

  it('are not sinks or secrets in JavaScript', () => {
    const lines = ["const crypto = require('crypto');", "const jwt = require('jsonwebtoken');", 'function f(x, req) {'];
    for (const n of names) lines.push(`  ${n}(req.query.a);`, `  crypto.${n}('md5');`, `  jwt.${n}(x, 'literal-secret-value');`);
    lines.push('}');
    const found = analyzer.analyzeSync('app.js', lines.join('\n') + '\n', 'javascript').findings;
    assert.deepEqual(found.map((f) => `${f.ruleId}: ${f.message}`), []);
  });
});
