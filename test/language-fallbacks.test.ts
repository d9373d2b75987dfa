/**
 * The places that used to treat any language that is not Python as JavaScript. A language id the
 * registry does not know must stop each of them with an error naming it, not get JavaScript
 * behaviour. Only APIs that existed before the registry are used here, so the file also runs
 * against the code before it (where every one of these returned JavaScript's answer).
 */
import * as assert from 'node:assert/strict';
import { Analyzer } from '../src/core/engine';
import { ruleLanguageOf } from '../src/core/languages';
import { LiveDocument } from '../src/core/live-document';
import { ensureLanguages } from '../src/core/parser';
import { ruleDocsMarkdown } from '../src/core/report/rule-docs';
import { runRuleCases } from '../src/core/rule-tester';
import type { Rule, RuleMeta } from '../src/core/rule';
import type { LanguageId, RuleLanguage } from '../src/core/types';
import { allRules, ruleById } from '../src/rules';

const RUBY = 'ruby' as unknown as LanguageId;
const names = /ruby/;

/** A real rule, declared for a language no registry entry has. */
function rubyRule(): Rule {
  const base = ruleById('js-weak-crypto')!;
  return { ...base, meta: { ...base.meta, id: 'rb-weak-crypto', language: 'ruby' as unknown as RuleLanguage } as RuleMeta };
}

describe('an unknown language fails loudly where JavaScript was the fallback', () => {
  it('ruleLanguageOf: no rule set for the id (was: the JavaScript rules)', () => {
    assert.throws(() => ruleLanguageOf(RUBY), names);
  });

  it("the engine's dialect: name and scope node types of the id (was: JavaScript's dialect)", () => {
    assert.throws(() => new Analyzer(allRules).nameTypes(RUBY), names);
  });

  it('the engine picks rules for the id (was: the JavaScript rules)', () => {
    assert.throws(() => new Analyzer(allRules).rulesFor(RUBY), names);
  });

  it("the editor's live document: its dialect and edit policy (was: JavaScript's)", () => {
    assert.throws(() => new LiveDocument(new Analyzer(allRules), 'app.rb', RUBY), names);
  });

  it("a rule's docs page: fence language, language label and suppression comment (was: `//`)", () => {
    assert.throws(() => ruleDocsMarkdown(rubyRule()), names);
  });

  it("the rule tester: the case file of a rule's language (was: config.txt, run as a text rule)", async () => {
    await assert.rejects(() => runRuleCases(rubyRule()), names);
  });

  it('grammar loading names the id instead of failing on an undefined file name', async () => {
    await assert.rejects(() => ensureLanguages([RUBY]), names);
  });
});

describe('a rule of an unknown language is refused, not left never running', () => {
  it('the engine throws when given it (was: accepted, and no file ever ran it)', () => {
    assert.throws(() => new Analyzer([rubyRule()]), names);
  });
});
