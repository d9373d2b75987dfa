import type { Node } from 'web-tree-sitter';
import { judgeCookie, listAttributes, type FlagState } from '../shared/cookie-flags';
import { OWASP, type Rule } from '../../core/rule';

/** An expiry already past: 0, a negative age, or the epoch date Werkzeug and Django write to delete. */
const EXPIRED = /^(0|-\d+|["']Thu, 01[- ]Jan[- ]1970[^"']*["'])$/;
const COOKIE_SETTINGS = new Set(['SESSION_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', 'CSRF_COOKIE_SECURE', 'REMEMBER_COOKIE_SECURE', 'REMEMBER_COOKIE_HTTPONLY', 'JWT_COOKIE_SECURE']);

function settingName(target: Node): string | undefined {
  if (target.type === 'identifier') return target.text;
  if (target.type === 'subscript') return target.childForFieldName('subscript')?.text.replace(/^["']|["']$/g, '');
  return undefined;
}

const rule: Rule = {
  meta: {
    id: 'py-insecure-cookie',
    title: 'Cookie without Secure / HttpOnly',
    language: 'python',
    family: 'auth',
    checklist: ['authentication'],
    severity: 'medium',
    confidence: 'medium',
    cwe: ['CWE-614', 'CWE-1004'],
    owasp: [OWASP.A05, OWASP.A07],
    message: 'This cookie can leak: set secure=True, httponly=True and samesite="Lax".',
    docs: {
      whatItDoes: 'Finds `set_cookie` calls that switch `secure` or `httponly` off, that set a session- or token-like cookie without them, or `samesite="None"` without `secure`; and Flask/Django settings such as `SESSION_COOKIE_SECURE = False`.',
      whyBad: 'Without Secure the cookie travels over plain HTTP where anyone on the network reads it; without HttpOnly any XSS can steal it with `document.cookie`. A stolen session cookie is a logged-in account.',
      example: 'resp.set_cookie("session_id", sid)',
      useInstead: 'resp.set_cookie("session_id", sid, secure=True, httponly=True, samesite="Lax")\n# Flask: SESSION_COOKIE_SECURE = True, SESSION_COOKIE_HTTPONLY = True',
      references: ['https://cwe.mitre.org/data/definitions/614.html', 'https://flask.palletsprojects.com/en/stable/security/#set-cookie-options'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    const isFalse = (n: Node | undefined) => n?.type === 'false';
    return {
      call(node: Node) {
        if (sem.methodName(node) !== 'set_cookie' || !sem.receiver(node)) return;
        const a = sem.args(node);
        if (a.hasSplat) return;
        // An empty or expired cookie (logging out) carries nothing to steal, whatever its name.
        if (sem.stringValue(a.positional[1] ?? a.keywords.get('value')) === '' || EXPIRED.test(a.keywords.get('expires')?.text ?? '') || EXPIRED.test(a.keywords.get('max_age')?.text ?? '')) return;
        const secure = a.keywords.get('secure');
        const httponly = a.keywords.get('httponly');
        const samesite = sem.stringValue(a.keywords.get('samesite'));
        const name = sem.stringValue(a.positional[0] ?? a.keywords.get('key')) ?? a.positional[0]?.text ?? '';
        // A value that is not a literal (secure=settings.SECURE) is the configuration's business.
        const state = (n: Node | undefined): FlagState => (!n ? 'missing' : isFalse(n) ? 'off' : 'on');
        const verdict = judgeCookie({ name, secure: state(secure), httpOnly: state(httponly), sameSite: !a.keywords.has('samesite') ? 'missing' : samesite?.toLowerCase() === 'none' ? 'none' : 'set' });
        if (!verdict) return;
        const missing = verdict.missing;
        const last = node.childForFieldName('arguments')!;
        const add = [!secure ? 'secure=True' : '', !httponly ? 'httponly=True' : '', !a.keywords.has('samesite') ? 'samesite="Lax"' : ''].filter(Boolean);
        const canFix = !isFalse(secure) && !isFalse(httponly) && add.length > 0;
        ctx.report({
          node,
          severity: verdict.severity,
          message: `Cookie ${name ? `${name} ` : ''}is set without ${listAttributes(missing)}: set secure=True, httponly=True, samesite="Lax".`,
          fix: canFix ? { title: 'Set secure, httponly and samesite', safe: false, edits: [ctx.insertAt(last.endIndex - 1, `, ${add.join(', ')}`)] } : undefined,
        });
      },
      assignment(node: Node) {
        const left = node.childForFieldName('left');
        const name = left && settingName(left);
        if (name && COOKIE_SETTINGS.has(name) && isFalse(node.childForFieldName('right') ?? undefined)) ctx.report({ node, message: `${name} = False sends the cookie ${name.endsWith('HTTPONLY') ? 'to scripts' : 'over plain HTTP'}: set it to True.` });
      },
      keyword_argument(node: Node) {
        const name = node.childForFieldName('name')?.text;
        if (name && COOKIE_SETTINGS.has(name) && isFalse(node.childForFieldName('value') ?? undefined)) ctx.report({ node, message: `${name}=False weakens the session cookie: set it to True.` });
      },
      // app.config.update({"SESSION_COOKIE_SECURE": False}) / from_mapping({...})
      pair(node: Node) {
        const name = sem.stringValue(node.childForFieldName('key'));
        if (name && COOKIE_SETTINGS.has(name) && isFalse(node.childForFieldName('value') ?? undefined)) ctx.report({ node, message: `${name}: False weakens the session cookie: set it to True.` });
      },
    };
  },
  tests: {
    valid: [
      'resp.set_cookie("session_id", sid, secure=True, httponly=True, samesite="Lax")',
      'resp.set_cookie("theme", "dark", secure=True, httponly=True, samesite="Strict")',
      'SESSION_COOKIE_SECURE = True',
      '# set_cookie("session", s) without flags is bad\nx = 1',
    ],
    invalid: [
      { code: 'resp.set_cookie("session_id", sid)', errors: [1], messages: ['Cookie session_id is set without Secure, HttpOnly and SameSite: set secure=True, httponly=True, samesite="Lax".'], output: 'resp.set_cookie("session_id", sid, secure=True, httponly=True, samesite="Lax")' },
      { code: 'response.set_cookie("auth_token", token, secure=False, httponly=True)', errors: [1], messages: ['Cookie auth_token is set without Secure and SameSite: set secure=True, httponly=True, samesite="Lax".'] },
      { code: 'app.config["SESSION_COOKIE_SECURE"] = False', errors: [1], messages: ['SESSION_COOKIE_SECURE = False sends the cookie over plain HTTP: set it to True.'] },
      { code: 'app.config.update(SESSION_COOKIE_HTTPONLY=False)', errors: [1], messages: ['SESSION_COOKIE_HTTPONLY=False weakens the session cookie: set it to True.'] },
      { code: 'resp.set_cookie("prefs", v, samesite="None")', errors: [1], messages: ['Cookie prefs is set without Secure and HttpOnly: set secure=True, httponly=True, samesite="Lax".'] },
      // Not by name: any cookie without the attributes is reported, low unless it looks like a session.
      { code: 'resp.set_cookie("theme", "dark")', errors: [1], messages: ['Cookie theme is set without Secure, HttpOnly and SameSite: set secure=True, httponly=True, samesite="Lax".'], output: 'resp.set_cookie("theme", "dark", secure=True, httponly=True, samesite="Lax")' },
      { code: 'resp.set_cookie("basket", b, secure=True, httponly=True)', errors: [1], messages: ['Cookie basket is set without SameSite: set secure=True, httponly=True, samesite="Lax".'] },
    ],
  },
};

export default rule;
