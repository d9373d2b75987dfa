import type { Rule } from '../../core/rule';
import fingerprintStub from './fingerprint-stub';
import flaskDebug from './flask-debug';
import weakHash from './weak-hash';

export const pythonRules: Rule[] = [fingerprintStub, flaskDebug, weakHash];
