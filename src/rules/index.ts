import type { Rule } from '../core/rule';
import { javascriptRules } from './javascript';
import { pythonRules } from './python';

export const allRules: readonly Rule[] = [...pythonRules, ...javascriptRules];

export function ruleById(id: string): Rule | undefined {
  return allRules.find((r) => r.meta.id === id);
}
