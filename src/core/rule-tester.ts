import { Analyzer, applyEdits } from './engine';
import { detectLanguage, isTestPath } from './languages';
import { LANGUAGE_IDS, ruleSet } from './language-registry';
import { analyzeTextFile } from './text-analysis';
import type { FixedCode } from './fix-check';
import { ensureLanguages, parseSync } from './parser';
import type { InvalidTestCase, Rule, RuleTestCase } from './rule';
import type { LanguageId } from './types';

/** Checks one rule's own cases, as ESLint's RuleTester does; returns what failed, empty when all pass. */
export interface CaseFailure {
  ruleId: string;
  kind: 'valid' | 'invalid';
  index: number;
  code: string;
  problem: string;
}

function defaultFile(rule: Rule): string {
  return rule.meta.language === 'text' ? 'config.txt' : ruleSet(rule.meta.language).exampleFile;
}

function langOf(file: string): LanguageId {
  const l = detectLanguage(file);
  if (!l) throw new Error(`test case file name ${file} has no analysable extension`);
  return l;
}

/**
 * `fixed`, when given, receives every fix of every invalid case applied to its code, for
 * `checkFixedCode` (src/core/fix-check.ts) to compile and name-check all rules' fixes at once.
 */
export async function runRuleCases(rule: Rule, fixed?: FixedCode[]): Promise<CaseFailure[]> {
  await ensureLanguages(LANGUAGE_IDS);
  const analyzer = new Analyzer([rule]);
  const failures: CaseFailure[] = [];
  const fail = (kind: CaseFailure['kind'], index: number, code: string, problem: string): void => {
    failures.push({ ruleId: rule.meta.id, kind, index, code, problem });
  };
  const run = (c: RuleTestCase) => {
    const file = c.filename ?? defaultFile(rule);
    if (rule.meta.language === 'text') {
      const errors: string[] = [];
      const findings = analyzeTextFile(file, file, c.code, [rule], { isTestFile: isTestPath(file), onRuleError: (_i, _f, e) => errors.push(String((e as Error)?.stack ?? e)) });
      return { findings: findings.filter((f) => !f.suppression), errors, lang: undefined };
    }
    const lang = langOf(file);
    const errors: string[] = [];
    const a = analyzer.analyzeSync(file, c.code, lang, { onRuleError: (_id, _f, e) => errors.push(String((e as Error)?.stack ?? e)) });
    a.tree.delete();
    return { findings: a.findings.filter((f) => !f.suppression), errors, lang };
  };
  rule.tests.valid.forEach((v, i) => {
    const c = typeof v === 'string' ? { code: v } : v;
    const r = run(c);
    if (r.errors.length) fail('valid', i, c.code, `rule threw: ${r.errors[0]}`);
    else if (r.findings.length) fail('valid', i, c.code, `expected no finding, got ${r.findings.map((f) => `line ${f.range.start.line + 1}: ${f.message}`).join('; ')}`);
  });
  rule.tests.invalid.forEach((c: InvalidTestCase, i) => {
    const r = run(c);
    if (r.errors.length) return fail('invalid', i, c.code, `rule threw: ${r.errors[0]}`);
    if (fixed && r.lang) {
      const lang = r.lang;
      for (const f of r.findings) {
        if (!f.fix) continue;
        const file = c.filename ?? defaultFile(rule);
        fixed.push({ ruleId: rule.meta.id, index: i, language: lang, file, before: c.code, after: applyEdits(c.code, f.fix.edits), safe: f.fix.safe });
      }
    }
    const lines = r.findings.map((f) => f.range.start.line + 1);
    if (typeof c.errors === 'number') {
      if (lines.length !== c.errors) fail('invalid', i, c.code, `expected ${c.errors} finding(s), got ${lines.length} (lines ${lines.join(', ')})`);
    } else if (lines.join(',') !== c.errors.join(',')) {
      fail('invalid', i, c.code, `expected findings on lines ${c.errors.join(', ')}, got ${lines.join(', ') || 'none'}`);
    }
    if (c.output !== undefined) {
      const fix = r.findings[0]?.fix;
      if (!fix) return fail('invalid', i, c.code, 'expected a fix, the finding has none');
      const out = applyEdits(c.code, fix.edits);
      if (out !== c.output) return fail('invalid', i, c.code, `fix output differs:\n--- expected\n${c.output}\n--- actual\n${out}`);
      if (r.lang) {
        const tree = parseSync(r.lang, out);
        const broken = tree.rootNode.hasError;
        tree.delete();
        if (broken) return fail('invalid', i, c.code, 'the fixed code does not parse');
      }
      // A fix must not apply twice: after fixing, this finding is gone from that place.
      const again = run({ code: out, filename: c.filename });
      if (again.findings.some((f) => f.ruleId === rule.meta.id && f.fix && f.range.start.line === r.findings[0].range.start.line)) {
        fail('invalid', i, c.code, 'the fix does not remove the finding (it would apply again)');
      }
    }
  });
  const m = rule.meta;
  if (!/^(py|js|txt|tpl)-[a-z0-9-]+$/.test(m.id)) fail('valid', -1, '', `rule id ${m.id} does not follow <lang>-<kebab-name>`);
  if (!m.cwe.length || !m.cwe.every((c) => /^CWE-\d+$/.test(c))) fail('valid', -1, '', 'rule needs CWE ids like CWE-89');
  if (!m.owasp.length) fail('valid', -1, '', 'rule needs an OWASP category');
  if (!m.docs.whatItDoes || !m.docs.whyBad || !m.docs.example || !m.docs.useInstead || !m.docs.references.length) fail('valid', -1, '', 'rule docs are incomplete');
  if (rule.tests.valid.length < 2 || rule.tests.invalid.length < 2) fail('valid', -1, '', 'rule needs at least 2 valid and 2 invalid cases');
  return failures;
}
