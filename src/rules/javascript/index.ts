import type { Rule } from '../../core/rule';
import codeInjection from './code-injection';
import commandInjection from './command-injection';
import domXss from './dom-xss';
import fingerprintStub from './fingerprint-stub';
import hardcodedSecret from './hardcoded-secret';
import insecureCookie from './insecure-cookie';
import insecureRandom from './insecure-random';
import jwtMisuse from './jwt-misuse';
import openRedirect from './open-redirect';
import reflectedXss from './reflected-xss';
import sqlInjection from './sql-injection';
import tlsVerifyDisabled from './tls-verify-disabled';
import weakCrypto from './weak-crypto';

export const javascriptRules: Rule[] = [
  sqlInjection, commandInjection, codeInjection, domXss, reflectedXss, weakCrypto, insecureRandom, hardcodedSecret,
  tlsVerifyDisabled, jwtMisuse, insecureCookie, openRedirect, fingerprintStub,
];
