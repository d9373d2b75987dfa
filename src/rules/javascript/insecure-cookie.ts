import type { Node } from 'web-tree-sitter';
import { OWASP, type Rule } from '../../core/rule';

const SENSITIVE = /(session|sess|sid|token|auth|jwt|remember|login|user|csrf|xsrf|key|secret|access|refresh)/i;

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
      { code: "res.cookie('session', id);", errors: [1], output: "res.cookie('session', id, { secure: true, httpOnly: true, sameSite: 'lax' });" },
      { code: "res.cookie('authToken', token, { httpOnly: false, secure: true });", errors: [1] },
      { code: "const session = require('express-session');\napp.use(session({ secret: process.env.S, cookie: { secure: false } }));", errors: [2] },
      { code: "res.cookie('prefs', v, { secure: false });", errors: [1] },
    ],
  },
};

export default rule;
