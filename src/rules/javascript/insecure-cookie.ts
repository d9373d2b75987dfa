import type { Node } from 'web-tree-sitter';
import { OWASP, type Rule } from '../../core/rule';

const SENSITIVE = /(session|sess|sid|token|auth|jwt|remember|login|user|csrf|xsrf|key|secret|access|refresh)/i;

/**
 * Whether `res.cookie(name, value, opts)` clears the cookie: an empty value, or an expiry in the
 * past (expires: new Date(0), maxAge: 0). Decided by what is set, never by the cookie's name.
 */
function clearsCookie(value: Node | undefined, opts: Node | undefined, sem: { stringValue(n: Node | null | undefined): string | undefined }): boolean {
  if (value && sem.stringValue(value) === '') return true;
  if (!opts || opts.type !== 'object') return false;
  for (const p of opts.namedChildren) {
    if (p?.type !== 'pair') continue;
    const key = p.childForFieldName('key')?.text.replace(/['"]/g, '');
    const v = p.childForFieldName('value')?.text.replace(/\s+/g, '') ?? '';
    if (key === 'maxAge' && /^(0|-\d+)$/.test(v)) return true;
    if (key === 'expires' && /^(0|newDate\((0|1)\))$/.test(v)) return true;
  }
  return false;
}

const rule: Rule = {
  meta: {
    id: 'js-insecure-cookie',
    title: 'Cookie without Secure / HttpOnly',
    language: 'javascript',
    family: 'auth',
    checklist: ['authentication'],
    severity: 'medium',
    confidence: 'medium',
    cwe: ['CWE-614', 'CWE-1004'],
    owasp: [OWASP.A05, OWASP.A07],
    message: 'This cookie can leak: set secure: true, httpOnly: true and sameSite.',
    docs: {
      whatItDoes: 'Finds `res.cookie` calls that turn `secure` or `httpOnly` off, or set a session- or token-like cookie without them, and express-session / cookie-session configured with `secure: false` or `httpOnly: false`.',
      whyBad: 'Without Secure the cookie crosses plain HTTP where it can be read; without HttpOnly any XSS reads it from document.cookie. A stolen session cookie is a logged-in account.',
      example: "res.cookie('session', id);",
      useInstead: "res.cookie('session', id, { secure: true, httpOnly: true, sameSite: 'lax' });",
      references: ['https://cwe.mitre.org/data/definitions/614.html', 'https://expressjs.com/en/advanced/best-practice-security.html#use-cookies-securely'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    const flag = (obj: Node | undefined, key: string): 'true' | 'false' | 'missing' | 'other' => {
      if (!obj || obj.type !== 'object') return 'missing';
      const pair = obj.namedChildren.find((p) => p?.type === 'pair' && p.childForFieldName('key')?.text.replace(/['"]/g, '') === key);
      if (!pair) return 'missing';
      const v = pair.childForFieldName('value')?.text;
      return v === 'true' ? 'true' : v === 'false' ? 'false' : 'other';
    };
    return {
      call_expression(node: Node) {
        const m = sem.methodName(node);
        const name = sem.calleeName(node);
        if (m === 'cookie' && /^(res|response|reply)$/.test(sem.receiver(node)?.text ?? '')) {
          const args = sem.args(node).positional;
          const cookieName = sem.stringValue(args[0]) ?? args[0]?.text ?? '';
          const opts = args[2] ? sem.deref(args[2]) : undefined;
          if (opts && opts.type !== 'object') return; // options built elsewhere
          if (clearsCookie(args[1], opts, sem)) return; // an empty or expired cookie carries nothing to steal
          const secure = flag(opts, 'secure');
          const httpOnly = flag(opts, 'httpOnly');
          const missing: string[] = [];
          if (secure === 'false' || (secure === 'missing' && SENSITIVE.test(cookieName))) missing.push('Secure');
          if (httpOnly === 'false' || (httpOnly === 'missing' && SENSITIVE.test(cookieName))) missing.push('HttpOnly');
          if (!missing.length) return;
          const fix = !args[2] && args[1] ? { title: 'Set secure, httpOnly and sameSite', safe: false, edits: [ctx.insertAt(args[1].endIndex, ", { secure: true, httpOnly: true, sameSite: 'lax' }")] } : undefined;
          ctx.report({ node, message: `Cookie ${cookieName} is set without ${missing.join(' and ')}.`, fix });
          return;
        }
        if (name === 'express-session' || name === 'cookie-session') {
          const opts = sem.arg(node, 0);
          if (!opts || opts.type !== 'object') return;
          const cookie = opts.namedChildren.find((p) => p?.type === 'pair' && p.childForFieldName('key')?.text.replace(/['"]/g, '') === 'cookie')?.childForFieldName('value');
          const target = name === 'cookie-session' ? opts : cookie ?? undefined;
          if (flag(target, 'secure') === 'false' || flag(target, 'httpOnly') === 'false') ctx.report({ node, message: `${name} cookie has secure or httpOnly turned off.` });
        }
      },
    };
  },
  tests: {
    valid: [
      "res.cookie('session', id, { secure: true, httpOnly: true, sameSite: 'lax' });",
      "res.cookie('theme', 'dark');",
      "app.use(session({ secret: process.env.S, cookie: { secure: true, httpOnly: true } }));",
      "// res.cookie('sid', x) without flags\nconst s = 1;",
    ],
    invalid: [
      { code: "res.cookie('session', id);", errors: [1], messages: ['Cookie session is set without Secure and HttpOnly.'], output: "res.cookie('session', id, { secure: true, httpOnly: true, sameSite: 'lax' });" },
      { code: "res.cookie('authToken', token, { httpOnly: false, secure: true });", errors: [1], messages: ['Cookie authToken is set without HttpOnly.'] },
      { code: "const session = require('express-session');\napp.use(session({ secret: process.env.S, cookie: { secure: false } }));", errors: [2], messages: ['express-session cookie has secure or httpOnly turned off.'] },
      { code: "res.cookie('prefs', v, { secure: false });", errors: [1], messages: ['Cookie prefs is set without Secure.'] },
    ],
  },
};

export default rule;
