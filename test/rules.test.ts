import * as assert from 'node:assert/strict';
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
