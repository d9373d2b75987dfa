import type { Rule } from '../../core/rule';

export const javascriptRules: Rule[] = [];
