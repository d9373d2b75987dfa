import type { Rule } from '../../core/rule';
import codeInjection from './code-injection';
import commandInjection from './command-injection';
import corsCredentials from './cors-credentials';
import domXss from './dom-xss';
import expressSecurityHeaders from './express-security-headers';
import fingerprintStub from './fingerprint-stub';
import hardcodedSecret from './hardcoded-secret';
import insecureCookie from './insecure-cookie';
import insecureRandom from './insecure-random';
import jwtMisuse from './jwt-misuse';
import nosqlInjection from './nosql-injection';
import openRedirect from './open-redirect';
import pathTraversal from './path-traversal';
import prototypePollution from './prototype-pollution';
import redos from './redos';
import reflectedXss from './reflected-xss';
import sqlInjection from './sql-injection';
import ssrf from './ssrf';
import tabnabbing from './tabnabbing';
import tlsVerifyDisabled from './tls-verify-disabled';
import weakCrypto from './weak-crypto';

import cleartextHttp from './cleartext-http';
import csrfMissing from './csrf-missing';
import xxe from './xxe';
import templateAutoescapeOff from './template-autoescape-off';
import unsafeDeserialization from './unsafe-deserialization';

export const javascriptRules: Rule[] = [
  sqlInjection, nosqlInjection, commandInjection, codeInjection, domXss, reflectedXss, weakCrypto, insecureRandom, hardcodedSecret,
  tlsVerifyDisabled, jwtMisuse, insecureCookie, openRedirect, fingerprintStub, pathTraversal, ssrf, prototypePollution,
  expressSecurityHeaders, corsCredentials, redos, tabnabbing, cleartextHttp,
  csrfMissing, xxe, templateAutoescapeOff,
  unsafeDeserialization,
];
