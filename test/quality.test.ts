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

describe('labelled corpus (npm run quality)', function () {
  this.timeout(300_000);
  // The corpus is a regression check: a rule change that misses a VULN label or hits a SAFE one
  // fails here, not only in a report nobody reads (a process-start change once flagged a SAFE line).
  it('every VULN label is found and no SAFE label is hit', async () => {
    const path = await import('node:path');
    const { collectLabels } = await import('../scripts/quality-score');
    const { scanPaths } = await import('../src/core/scanner');
    const { allRules } = await import('../src/rules');
    const root = path.join(__dirname, '..', '..', 'test', 'corpus');
    const labels = collectLabels(root, new Set(allRules.map((r) => r.meta.family)));
    const scan = await scanPaths([root], { rules: allRules });
    const famOf = new Map(allRules.map((r) => [r.meta.id, r.meta.family as string]));
    const report = scoreFindings(labels, scan.findings, (id) => famOf.get(id));
    assert.ok(labels.length > 100, `${labels.length} labels`);
    assert.deepEqual(report.falseNegatives, [], 'missed VULN labels');
    assert.deepEqual(report.falsePositives, [], 'SAFE labels hit');
  });
});
