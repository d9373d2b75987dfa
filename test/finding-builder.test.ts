import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { Analyzer } from '../src/core/engine';
import { buildFinding, docsUrl } from '../src/core/finding';
import { testPathTreatment } from '../src/core/languages';
import { ensureLanguages } from '../src/core/parser';
import { stableFingerprints } from '../src/core/report/fingerprint';
import type { Rule, RuleMeta } from '../src/core/rule';
import { analyzeTextFile } from '../src/core/text-analysis';
import type { Finding } from '../src/core/types';

const SRC = path.join(__dirname, '..', '..', 'src');

function meta(id: string, language: RuleMeta['language']): RuleMeta {
  return {
    id, title: 'Probe', language, family: 'misc', checklist: ['encryption', 'authentication'], severity: 'high', confidence: 'medium',
    cwe: ['CWE-1'], owasp: ['A05:2021-Security Misconfiguration'], message: 'default message',
    docs: { whatItDoes: 'x', whyBad: 'x', example: 'x', useInstead: 'x', references: ['x'] },
  };
}

// One flagged place, reported through each producer with the same fields: line 2, columns 4..11.
const CODE = 'import os\nx = eval(y)   \n';
const syntaxRule: Rule = {
  meta: meta('py-probe', 'python'),
  create: (ctx) => ({
    call: (n) => ctx.report({ node: n, message: 'custom', severity: 'critical', confidence: 'low', checklist: ['encryption', 'csrf'] }),
  }),
  tests: { valid: [], invalid: [] },
};
const textRule: Rule = {
  meta: meta('py-probe', 'text'),
  create: () => ({}),
  checkText: (ctx) => ctx.report({ line: 1, column: 4, endColumn: 11, message: 'custom', severity: 'critical', confidence: 'low', checklist: ['encryption', 'csrf'] }),
  tests: { valid: [], invalid: [] },
};

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

describe('one finding builder', () => {
  before(() => ensureLanguages(['python']));

  for (const file of ['app.py', 'tests/test_app.py']) {
    it(`syntax rules, text rules and the builder give the same finding and fingerprint (${file})`, () => {
      const isTest = file.startsWith('tests/');
      const fromEngine = new Analyzer([syntaxRule]).analyzeSync(file, CODE, 'python', { isTestFile: isTest }).findings;
      const fromText = analyzeTextFile(file, file, CODE, [textRule], { isTestFile: isTest });
      const direct = buildFinding({
        meta: syntaxRule.meta, file, range: { start: { line: 1, column: 4 }, end: { line: 1, column: 11 } }, lineText: 'x = eval(y)   ',
        message: 'custom', severity: 'critical', confidence: 'low', checklist: ['encryption', 'csrf'], tests: testPathTreatment(undefined, isTest),
      });
      assert.equal(fromEngine.length, 1);
      assert.equal(fromText.length, 1);
      // Same keys in the same order: the JSON output and the SARIF results do not depend on the producer.
      assert.equal(JSON.stringify(fromEngine[0]), JSON.stringify(direct));
      assert.equal(JSON.stringify(fromText[0]), JSON.stringify(direct));
      assert.equal(direct.severity, isTest ? 'high' : 'critical');
      assert.equal(direct.inTestCode, isTest ? true : undefined);
      assert.deepEqual(direct.checklist, ['encryption'], 'an item the rule does not declare is dropped');
      assert.equal(direct.snippet, 'x = eval(y)');
      assert.equal(direct.docsUrl, docsUrl('py-probe'));
      const fp = (fs: Finding[]) => stableFingerprints(fs, (f) => f.file);
      assert.deepEqual(fp(fromEngine), fp([direct]));
      assert.deepEqual(fp(fromText), fp([direct]));
    });
  }

  it('the snippet is capped the same way for every producer (a dependency line too)', () => {
    const long = `left-pad ${'1'.repeat(300)}`;
    const f = buildFinding({ meta: syntaxRule.meta, file: 'package.json', range: { start: { line: 0, column: 0 }, end: { line: 0, column: 1 } }, lineText: long });
    assert.equal(f.snippet, long.slice(0, 200));
  });

  it('no module under src/ writes a Finding literal or the docs URL itself', () => {
    const offenders: string[] = [];
    const builder = path.join(SRC, 'core', 'finding.ts');
    const files = sourceFiles(SRC).filter((f) => f !== builder);
    assert.ok(files.length > 50, `expected the source tree at ${SRC}`);
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
      const visit = (n: ts.Node): void => {
        // `docsUrl` is a required field of Finding, so an object literal naming it is a hand-built finding.
        if (ts.isObjectLiteralExpression(n) && n.properties.some((p) => p.name && ts.isIdentifier(p.name) && p.name.text === 'docsUrl')) {
          offenders.push(`${path.relative(SRC, file)}:${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1}: Finding literal`);
        }
        if ((ts.isStringLiteralLike(n) || ts.isTemplateHead(n) || ts.isTemplateMiddle(n) || ts.isTemplateTail(n)) && n.text.includes('docs/rules/')) {
          offenders.push(`${path.relative(SRC, file)}:${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1}: docs URL`);
        }
        ts.forEachChild(n, visit);
      };
      visit(sf);
    }
    assert.deepEqual(offenders, []);
  });
});
