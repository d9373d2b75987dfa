import type { Rule } from '../../core/rule';
import secretInFile from './secret-in-file';
import templateUnescaped from './template-unescaped';

export const textRules: Rule[] = [templateUnescaped, secretInFile];
