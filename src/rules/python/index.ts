import type { Rule } from '../../core/rule';
import fingerprintStub from './fingerprint-stub';
import flaskDebug from './flask-debug';
import weakHash from './weak-hash';
import sqlInjection from './sql-injection';
import commandInjection from './command-injection';
import codeInjection from './code-injection';
import unsafeDeserialization from './unsafe-deserialization';

export const pythonRules: Rule[] = [fingerprintStub, flaskDebug, weakHash, sqlInjection, commandInjection, codeInjection, unsafeDeserialization];
