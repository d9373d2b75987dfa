import * as assert from 'node:assert/strict';
import { LabelError, readLabels, scoreFindings } from '../scripts/quality-score';
import type { Finding } from '../src/core/types';

const fam = new Set(['injection', 'xss', 'crypto']);

function finding(file: string, line: number, ruleId: string): Finding {
  return { ruleId, title: '', message: 'm', severity: 'high', confidence: 'high', cwe: [], owasp: [], file, range: { start: { line: line - 1, column: 0 }, end: { line: line - 1, column: 1 } }, snippet: '', docsUrl: '' };
}

describe('quality scorer', () => {
  it('reads VULN and SAFE labels in Python and JS comments and rejects unknown families', () => {
    const labels = readLabels('a.py', 'x = 1  # VULN: injection\ny = 2  # SAFE: crypto\n', fam);
    assert.deepEqual(labels.map((l) => [l.line, l.kind, l.family]), [[1, 'VULN', 'injection'], [2, 'SAFE', 'crypto']]);
    assert.equal(readLabels('a.js', 'f(); // VULN: xss', fam)[0].family, 'xss');
    assert.throws(() => readLabels('a.py', '# VULN: nonsense', fam), LabelError);
  });

  it('counts TP, FN and FP per language and family', () => {
    const labels = [
      ...readLabels('/c/a.py', 'a  # VULN: injection\nb  # VULN: crypto\nc  # SAFE: injection\nd\n', fam),
      ...readLabels('/c/b.js', 'x // VULN: xss\n', fam),
    ];
    const families: Record<string, string> = { 'py-sql': 'injection', 'py-hash': 'crypto', 'js-xss': 'xss' };
    const findings = [finding('/c/a.py', 1, 'py-sql'), finding('/c/a.py', 2, 'py-sql'), finding('/c/a.py', 3, 'py-sql'), finding('/c/a.py', 4, 'py-hash'), finding('/c/b.js', 1, 'js-xss')];
    const r = scoreFindings(labels, findings, (id) => families[id]);
    const py = r.byLanguage.python;
    assert.deepEqual([py.families.injection.tp, py.families.injection.fp, py.families.injection.fn], [1, 1, 0]);
    assert.deepEqual([py.families.crypto.tp, py.families.crypto.fp, py.families.crypto.fn], [0, 1, 1], 'wrong family on a VULN line is a miss, not an FP');
    assert.equal(py.overall.recall, 0.5);
    assert.equal(py.overall.precision, 1 / 3);
    assert.equal(r.byLanguage.javascript.overall.recall, 1);
    assert.equal(r.falseNegatives.length, 1);
    assert.equal(r.falsePositives.length, 2);
  });
});
