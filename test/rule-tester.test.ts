import * as assert from 'node:assert/strict';
import type { InvalidTestCase, Rule } from '../src/core/rule';
import { runRuleCases, type CaseFailure } from '../src/core/rule-tester';
import { allRules } from '../src/rules';

const flaskDebug = allRules.find((r) => r.meta.id === 'py-flask-debug')!;
const tplUnescaped = allRules.find((r) => r.meta.id === 'tpl-unescaped-output')!;

/** The rule with other docs or cases: runRuleCases sees a variant, the rule itself is untouched. */
function variant(rule: Rule, docs: Partial<Rule['meta']['docs']>, invalid?: InvalidTestCase[]): Rule {
  return { ...rule, meta: { ...rule.meta, docs: { ...rule.meta.docs, ...docs } }, tests: { ...rule.tests, invalid: invalid ?? rule.tests.invalid } };
}

const problems = (fs: CaseFailure[]) => fs.map((f) => `${f.kind}: ${f.problem.split('\n')[0]}`);

describe('rule tester: docs examples and messages', () => {
  it('a rule passes with its own docs and cases', async () => {
    assert.deepEqual(problems(await runRuleCases(flaskDebug)), []);
  });

  it('fails when the docs example is not flagged (here: the Flask import left out)', async () => {
    const f = await runRuleCases(variant(flaskDebug, { example: 'app = Flask(__name__)\napp.run(debug=True)' }));
    assert.deepEqual(problems(f), ['example: the docs example is not flagged by its own rule (imports missing? a file name the rule needs: docs.exampleFile)']);
  });

  it('fails when the docs "use instead" is flagged', async () => {
    const f = await runRuleCases(variant(flaskDebug, { useInstead: 'from flask import Flask\napp = Flask(__name__)\napp.run(debug=True)' }));
    assert.equal(f.length, 1);
    assert.equal(f[0].kind, 'useInstead');
    assert.match(f[0].problem, /^the docs "use instead" is flagged: line 3: debug=True starts the Werkzeug debugger/);
  });

  it('checks the docs of a rule that reads only some files under docs.exampleFile', async () => {
    assert.equal(tplUnescaped.meta.docs.exampleFile, 'templates/profile.html');
    assert.deepEqual(problems(await runRuleCases(tplUnescaped)), []);
    const f = await runRuleCases(variant(tplUnescaped, { exampleFile: undefined }));
    assert.deepEqual(problems(f), ['example: the docs example is not flagged by its own rule (imports missing? a file name the rule needs: docs.exampleFile)']);
  });

  it('fails when a finding has another message than the case expects', async () => {
    const code = 'from flask import Flask\napp = Flask(__name__)\napp.run(debug=True)';
    const f = await runRuleCases(variant(flaskDebug, {}, [...flaskDebug.tests.invalid, { code, errors: [3], messages: ['debug is on'] }]));
    assert.equal(f.length, 1);
    assert.equal(f[0].index, flaskDebug.tests.invalid.length);
    assert.equal(f[0].problem, `expected messages:\n  debug is on\ngot:\n  ${flaskDebug.meta.message}`);
  });

  it('fails when a case expects more messages than there are findings', async () => {
    const code = 'from flask import Flask\napp = Flask(__name__)\napp.run(debug=True)';
    const f = await runRuleCases(variant(flaskDebug, {}, [...flaskDebug.tests.invalid, { code, errors: 1, messages: [{ messageId: 'default' }, { messageId: 'default' }] }]));
    assert.deepEqual(f.map((x) => x.index), [flaskDebug.tests.invalid.length]);
    assert.match(f[0].problem, /^expected messages:/);
  });

  it("{ messageId: 'default' } stands for the rule's meta.message", async () => {
    const code = 'from flask import Flask\napp = Flask(__name__)\napp.run(debug=True)';
    const cases: InvalidTestCase[] = [{ code, errors: [3], messages: [{ messageId: 'default' }] }, { code, errors: [3], messages: [flaskDebug.meta.message] }];
    assert.deepEqual(problems(await runRuleCases(variant(flaskDebug, {}, cases))), []);
  });

  it('fails a rule none of whose invalid cases asserts messages', async () => {
    const bare = flaskDebug.tests.invalid.map(({ messages: _m, ...c }) => c);
    const f = await runRuleCases(variant(flaskDebug, {}, bare));
    assert.deepEqual(problems(f), ['invalid: at least one invalid case must assert its messages (`messages`)']);
  });

  it('every rule has an invalid case asserting messages', () => {
    // runRuleCases checks this for each rule in rules.test.ts too; here the list of offenders is direct.
    const without = allRules.filter((r) => !r.tests.invalid.some((c) => c.messages?.length)).map((r) => r.meta.id);
    assert.deepEqual(without, []);
  });
});
