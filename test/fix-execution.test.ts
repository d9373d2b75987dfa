import * as assert from 'node:assert/strict';
import { checkFixedCode, type FixedCode } from '../src/core/fix-check';
import { runRuleCases } from '../src/core/rule-tester';
import { allRules } from '../src/rules';

describe('fixes give code that compiles and binds its names (one python3, one TypeScript program)', function () {
  // python3 and a TypeScript program (parsing the standard library once): generous for a loaded machine.
  this.timeout(300_000);
  it('every fix of every rule case', async () => {
    const fixed: FixedCode[] = [];
    for (const rule of allRules) await runRuleCases(rule, fixed);
    assert.ok(fixed.some((f) => f.language === 'python') && fixed.some((f) => f.language !== 'python'), 'both languages have fixes to check');
    const { problems, python3Missing } = checkFixedCode(fixed);
    assert.equal(python3Missing, false, 'python3 is needed to check the Python fixes');
    assert.deepEqual(
      problems.map((p) => `${p.fixed.ruleId} invalid #${p.fixed.index}${p.fixed.safe ? ' (safe)' : ''}: ${p.problem}\n--- after\n${p.fixed.after}`),
      [],
    );
  });
});
