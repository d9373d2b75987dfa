import type { CodeRuleLanguage } from '../core/language-registry';
import type { Rule } from '../core/rule';
import { javascriptRules } from './javascript';
import { pythonRules } from './python';
import { textRules } from './text';

/** The rules of each rule set of the language registry: a new rule set without rules does not compile. */
export const RULES_BY_LANGUAGE: { readonly [K in CodeRuleLanguage]: readonly Rule[] } = {
  python: pythonRules,
  javascript: javascriptRules,
};

export const allRules: readonly Rule[] = [...Object.values(RULES_BY_LANGUAGE).flat(), ...textRules];

export function ruleById(id: string): Rule | undefined {
  return allRules.find((r) => r.meta.id === id);
}
