import type { Severity } from '../../core/types';

/**
 * One policy for the cookie attributes a server sets, in both languages. Every attribute is judged
 * by what the call sets, not by the cookie's name (browsers treat every cookie alike, and names like
 * `prefs` or `insecure` carry sessions as often as not): a missing `Secure` lets the cookie cross
 * plain HTTP, a missing `HttpOnly` hands it to every script on the page, a missing `SameSite`
 * leaves the browser's default (which `SameSite=None` cookies and older browsers do not have).
 * The name only raises the severity: a session- or token-like cookie, or an attribute switched off
 * on purpose, is the full severity; the rest is low.
 */
export const SENSITIVE_COOKIE = /(session|sess|sid|token|auth|jwt|remember|login|user|csrf|xsrf|key|secret|access|refresh)/i;

export type FlagState = 'on' | 'off' | 'missing';

export interface CookieFlags {
  name: string;
  secure: FlagState;
  httpOnly: FlagState;
  sameSite: 'missing' | 'none' | 'set';
}

export interface CookieVerdict {
  /** Attributes to add or turn on, in the order Secure, HttpOnly, SameSite. */
  missing: ('Secure' | 'HttpOnly' | 'SameSite')[];
  /** `undefined`: the rule's own severity. */
  severity?: Severity;
}

export function judgeCookie(c: CookieFlags): CookieVerdict | undefined {
  const missing: CookieVerdict['missing'] = [];
  if (c.secure !== 'on') missing.push('Secure');
  if (c.httpOnly !== 'on') missing.push('HttpOnly');
  if (c.sameSite === 'missing') missing.push('SameSite');
  if (!missing.length) return undefined;
  const deliberate = c.secure === 'off' || c.httpOnly === 'off' || (c.sameSite === 'none' && c.secure !== 'on');
  const sensitive = SENSITIVE_COOKIE.test(c.name) && (c.secure !== 'on' || c.httpOnly !== 'on');
  return { missing, severity: deliberate || sensitive ? undefined : 'low' };
}

/** "Secure and HttpOnly", "Secure, HttpOnly and SameSite". */
export function listAttributes(names: readonly string[]): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
