import * as assert from 'node:assert/strict';
import { Analyzer } from '../src/core/engine';
import { ensureLanguages } from '../src/core/parser';
import type { Rule } from '../src/core/rule';
import { allRules } from '../src/rules';

/**
 * The XXE rule once tested `XMLParser\([^)]*resolve_entities\s*=\s*False` against the whole file
 * for every lxml call: quadratic (a 150 KB file took 37 s). Its work is counted here, not timed:
 * the characters its callbacks hand to regular expressions.
 */
describe('py-xxe does no work proportional to the file per call', () => {
  before(() => ensureLanguages(['python']));

  /** Runs the rule alone; returns the findings and the characters its callbacks gave to RegExp test/exec. */
  function regexWork(code: string): { findings: number; chars: number } {
    const xxe = allRules.find((r) => r.meta.id === 'py-xxe')!;
    let counting = false;
    let chars = 0;
    const proto = RegExp.prototype;
    const { test, exec } = proto;
    // Only while the rule's own callbacks run: the engine's work is not the rule's.
    const counted: Rule = {
      ...xxe,
      create(ctx) {
        const visitor = xxe.create(ctx) as Record<string, (...a: unknown[]) => unknown>;
        const wrapped: Record<string, (...a: unknown[]) => unknown> = {};
        for (const [k, f] of Object.entries(visitor)) {
          wrapped[k] = (...a) => {
            counting = true;
            try {
              return f(...a);
            } finally {
              counting = false;
            }
          };
        }
        return wrapped as ReturnType<Rule['create']>;
      },
    };
    proto.test = function (this: RegExp, s: string) {
      if (counting) chars += String(s).length;
      return test.call(this, s);
    };
    proto.exec = function (this: RegExp, s: string) {
      if (counting) chars += String(s).length;
      return exec.call(this, s);
    };
    try {
      const a = new Analyzer([counted]).analyzeSync('app.py', code, 'python');
      a.tree.delete();
      return { findings: a.findings.length, chars };
    } finally {
      proto.test = test;
      proto.exec = exec;
    }
  }

  /** `calls` lxml calls given a parser, after `padLines` lines of ordinary code. */
  const file = (calls: number, padLines: number): string => {
    const lines = ['from lxml import etree', 'safe = etree.XMLParser(resolve_entities=False)'];
    for (let i = 0; i < padLines; i++) lines.push(`value_${i} = compute(${i}, "some text to make the file long")`);
    for (let i = 0; i < calls; i++) lines.push(`doc_${i} = etree.fromstring(body_${i}, parser=other_${i})`);
    return lines.join('\n') + '\n';
  };

  it('the regex work each call adds does not grow with the file; each call is judged on its own parser', () => {
    // Work done once per file (the semantics layer sizing up names on first use) is not the
    // question: what one more lxml call adds is.
    const perCall = (padLines: number) => {
      const few = regexWork(file(20, padLines));
      const many = regexWork(file(80, padLines));
      assert.equal(few.findings, 20, 'an unknown parser is not made safe by a safe one elsewhere in the file');
      assert.equal(many.findings, 80);
      return (many.chars - few.chars) / 60;
    };
    const short = perCall(100);
    const long = perCall(4000);
    assert.ok(short > 0, 'the count sees the rule');
    // A whole-file regex per call made each call cost the whole file (40x more lines here).
    assert.ok(long <= short * 1.1, `regex work per call: ${short.toFixed(0)} chars in a file of 100 lines, ${long.toFixed(0)} in one of 4,000`);
  });
});
