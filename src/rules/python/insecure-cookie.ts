import type { Node } from 'web-tree-sitter';
import { OWASP, type Rule } from '../../core/rule';

const SENSITIVE_COOKIE = /(session|sess|sid|token|auth|jwt|remember|login|user|csrf|xsrf|key|secret|access|refresh)/i;
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
        const secure = a.keywords.get('secure');
        const httponly = a.keywords.get('httponly');
        const samesite = sem.stringValue(a.keywords.get('samesite'));
        const name = sem.stringValue(a.positional[0] ?? a.keywords.get('key')) ?? a.positional[0]?.text ?? '';
        const missing: string[] = [];
        if (isFalse(secure) || (!secure && (SENSITIVE_COOKIE.test(name) || samesite?.toLowerCase() === 'none'))) missing.push('Secure');
        if (isFalse(httponly) || (!httponly && SENSITIVE_COOKIE.test(name))) missing.push('HttpOnly');
        if (missing.length === 0) return;
        const last = node.childForFieldName('arguments')!;
        const add = [!secure ? 'secure=True' : '', !httponly ? 'httponly=True' : '', !a.keywords.has('samesite') ? 'samesite="Lax"' : ''].filter(Boolean);
        const canFix = !isFalse(secure) && !isFalse(httponly) && add.length > 0;
        ctx.report({
          node,
          message: `Cookie ${name ? `${name} ` : ''}is set without ${missing.join(' and ')}: set secure=True, httponly=True, samesite="Lax".`,
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
    };
  },
  tests: {
    valid: [
      'resp.set_cookie("session_id", sid, secure=True, httponly=True, samesite="Lax")',
      'resp.set_cookie("theme", "dark")',
      'SESSION_COOKIE_SECURE = True',
      '# set_cookie("session", s) without flags is bad\nx = 1',
    ],
    invalid: [
      { code: 'resp.set_cookie("session_id", sid)', errors: [1], output: 'resp.set_cookie("session_id", sid, secure=True, httponly=True, samesite="Lax")' },
      { code: 'response.set_cookie("auth_token", token, secure=False, httponly=True)', errors: [1] },
      { code: 'app.config["SESSION_COOKIE_SECURE"] = False', errors: [1] },
      { code: 'app.config.update(SESSION_COOKIE_HTTPONLY=False)', errors: [1] },
      { code: 'resp.set_cookie("prefs", v, samesite="None")', errors: [1] },
    ],
  },
};

export default rule;
