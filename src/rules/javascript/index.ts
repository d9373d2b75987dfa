import type { Rule } from '../../core/rule';
import codeInjection from './code-injection';
import commandInjection from './command-injection';
import domXss from './dom-xss';
import reflectedXss from './reflected-xss';
import sqlInjection from './sql-injection';

export const javascriptRules: Rule[] = [sqlInjection, commandInjection, codeInjection, domXss, reflectedXss];
