import type { Rule } from '../core/rule';
import { javascriptRules } from './javascript';
import { pythonRules } from './python';
import { textRules } from './text';

export const allRules: readonly Rule[] = [...pythonRules, ...javascriptRules, ...textRules];

export function ruleById(id: string): Rule | undefined {
  return allRules.find((r) => r.meta.id === id);
}
