import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatModels } from '../src/cli/models-command';
import { MODELS, ruleIdFor, rowSubject, type ModelRow } from '../src/core/models';
import { runRuleCases } from '../src/core/rule-tester';
import type { Rule } from '../src/core/rule';
import { ruleById } from '../src/rules';

/** The row's examples as the cases of its rule: `vulnerable` flagged on its last line, `safe` not at all. */
function rowAsRule(row: ModelRow): Rule {
  const rule = ruleById(ruleIdFor(row));
  if (!rule) throw new Error(`no rule ${ruleIdFor(row)} for ${row.library} ${rowSubject(row)}`);
  return {
    ...rule,
    tests: {
      valid: row.safe !== undefined ? [row.safe] : [],
      invalid: row.vulnerable !== undefined ? [{ code: row.vulnerable, errors: [row.vulnerable.split('\n').length] }] : [],
    },
  };
}

describe('taint models (one case per row, run through the row\'s rule)', () => {
  it('every row has the example its kind needs, and rows are unique', () => {
    const seen = new Set<string>();
    for (const r of MODELS) {
      const key = `${r.language} ${r.library} ${r.kind} ${rowSubject(r)} ${r.vulnClass}`;
      assert.ok(!seen.has(key), `duplicate row ${key}`);
      seen.add(key);
      if (r.kind === 'sanitiser') assert.ok(r.safe && r.vulnerable, `${key}: a sanitiser row shows the flow with and without it`);
      else assert.ok(r.vulnerable, `${key}: needs a vulnerable example`);
      if (r.kind === 'sink') assert.ok(r.args?.length, `${key}: a sink names its arguments`);
      if (r.kind === 'source') assert.ok(r.property || r.decorator || r.parameter, `${key}: a source names the request property or parameter`);
    }
  });
  for (const row of MODELS) {
    it(`${row.language} ${row.library}: ${row.kind} ${rowSubject(row)} (${ruleIdFor(row)})`, async () => {
      // Rule metadata checks (index -1) are the rule's own business, checked in rules.test.ts.
      const failures = (await runRuleCases(rowAsRule(row))).filter((f) => f.index >= 0);
      assert.deepEqual(failures.map((f) => `[${f.kind}] ${f.problem}\n${f.code}`), []);
    });
  }
  it('docs/models.md is what `sitewarden models --format markdown` prints', () => {
    const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'models.md'), 'utf8');
    assert.equal(doc, formatModels('markdown'));
  });
  it('the text listing names every library and the row count', () => {
    const text = formatModels('text');
    for (const lib of new Set(MODELS.map((r) => r.library))) assert.match(text, new RegExp(`^${lib.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(`, 'm'));
    assert.match(text, new RegExp(`^${MODELS.length} rows, `, 'm'));
  });
});
