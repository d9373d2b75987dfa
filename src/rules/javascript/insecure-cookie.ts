import type { Node } from 'web-tree-sitter';
import { judgeCookie, listAttributes, type FlagState } from '../shared/cookie-flags';
import { OWASP, type Rule } from '../../core/rule';


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

/** Cookie attributes a raw `Set-Cookie` value must carry, with how they are written in one. */
const ATTRIBUTES: [string, RegExp][] = [['Secure', /;\s*secure\s*(;|$)/i], ['HttpOnly', /;\s*httponly\s*(;|$)/i], ['SameSite', /;\s*samesite\s*=/i]];
/** Stands for a part of a cookie string computed at run time. */
const HOLE = '\u0000';

/**
 * The text of a cookie string with every run-time part replaced by HOLE: a literal, a template
 * or a `+` concatenation. Undefined when no part of it is written here (a value built elsewhere).
 */
function cookieText(n: Node, sem: { stringValue(n: Node | null | undefined): string | undefined; literalOf(n: Node): Node }, depth = 0): string | undefined {
  if (depth > 6) return undefined;
  const v = sem.stringValue(n);
  if (v !== undefined) return v;
  if (n.type === 'template_string') return n.namedChildren.map((c) => (c?.type === 'string_fragment' ? c.text : c?.type === 'template_substitution' ? HOLE : '')).join('');
  if (n.type === 'binary_expression' && n.childForFieldName('operator')?.text === '+') {
    const l = n.childForFieldName('left');
    const r = n.childForFieldName('right');
    const a = l ? cookieText(l, sem, depth + 1) ?? HOLE : HOLE;
    const b = r ? cookieText(r, sem, depth + 1) ?? HOLE : HOLE;
    return a === HOLE && b === HOLE ? undefined : a + b;
  }
  if (n.type === 'parenthesized_expression' && n.namedChildren[0]) return cookieText(n.namedChildren[0], sem, depth + 1);
  if (n.type === 'identifier') {
    const lit = sem.literalOf(n);
    return lit !== n ? cookieText(lit, sem, depth + 1) : undefined;
  }
  return undefined;
}

/** A `Set-Cookie` value that deletes the cookie: empty, expired or aged 0. */
function deletesCookie(text: string): boolean {
  return /^[^=;]*=\s*(;|$)/.test(text) || /;\s*max-age\s*=\s*(0|-\d+)\s*(;|$)/i.test(text) || /;\s*expires\s*=\s*[^;]*\b1970\b/i.test(text);
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
      whatItDoes: 'Finds `res.cookie` calls that turn `secure` or `httpOnly` off, or set a session- or token-like cookie without them; express-session / cookie-session configured with `secure: false` or `httpOnly: false`; express-session without `cookie.secure` (also with `sameSite: \'none\'`) or with the default cookie name `connect.sid` (cookie-session sets Secure itself on HTTPS requests); and raw `Set-Cookie` headers (`res.setHeader`, `res.append`, `res.header`, `res.set`, `res.writeHead`) of a session- or token-like cookie without `Secure`, `HttpOnly` or `SameSite`.',
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
    const valueOf = (obj: Node | undefined, key: string): string | undefined => {
      if (!obj || obj.type !== 'object') return undefined;
      return obj.namedChildren.find((p) => p?.type === 'pair' && p.childForFieldName('key')?.text.replace(/['"]/g, '') === key)?.childForFieldName('value')?.text;
    };
    /** `secure: true` into the cookie options, or cookie options into the session options. */
    const secureFix = (opts: Node, cookie: Node | undefined) => {
      if (cookie && cookie.type === 'object') {
        const open = cookie.child(0)!;
        return { title: 'Set cookie.secure: true (needs HTTPS; behind a proxy also app.set(\'trust proxy\', 1))', safe: false, edits: [ctx.insertAt(open.endIndex, cookie.namedChildCount ? ' secure: true,' : ' secure: true ')] };
      }
      if (cookie) return undefined;
      const open = opts.child(0)!;
      return { title: 'Set cookie: { secure: true, httpOnly: true, sameSite: \'lax\' } (needs HTTPS)', safe: false, edits: [ctx.insertAt(open.endIndex, ` cookie: { secure: true, httpOnly: true, sameSite: 'lax' }${opts.namedChildCount ? ',' : ' '}`)] };
    };
    const checkSetCookie = (value: Node | undefined) => {
      if (!value) return;
      const v = sem.literalOf(value);
      for (const item of v.type === 'array' ? v.namedChildren : [v]) {
        if (!item) continue;
        const text = cookieText(item, sem);
        if (text === undefined || deletesCookie(text)) continue;
        const cookieName = text.slice(0, Math.max(0, text.indexOf('='))).trim();
        // As for res.cookie (src/rules/shared/cookie-flags.ts): every cookie, the name only sets the severity.
        if (!cookieName || cookieName.includes(HOLE)) continue;
        const has = (a: string) => ATTRIBUTES.find(([n]) => n === a)![1].test(text);
        const verdict = judgeCookie({ name: cookieName, secure: has('Secure') ? 'on' : 'missing', httpOnly: has('HttpOnly') ? 'on' : 'missing', sameSite: !has('SameSite') ? 'missing' : /;\s*samesite\s*=\s*none/i.test(text) ? 'none' : 'set' });
        if (!verdict) continue;
        const missing = verdict.missing;
        const closing = item.type === 'string' || item.type === 'template_string' ? item.endIndex - 1 : undefined;
        const fix = closing !== undefined ? { title: `Add ${missing.join(', ')}`, safe: false, edits: [ctx.insertAt(closing, missing.map((a) => (a === 'SameSite' ? '; SameSite=Lax' : `; ${a}`)).join(''))] } : undefined;
        ctx.report({ node: item, severity: verdict.severity, message: `Set-Cookie header for ${cookieName} lacks ${missing.join(', ')}.`, fix });
      }
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
          // A flag set from a variable (`secure: isProd`) is the configuration's business: counted as on.
          const state = (f: ReturnType<typeof flag>): FlagState => (f === 'missing' ? 'missing' : f === 'false' ? 'off' : 'on');
          const sameSite = valueOf(opts, 'sameSite');
          const verdict = judgeCookie({
            name: cookieName,
            secure: state(flag(opts, 'secure')),
            httpOnly: state(flag(opts, 'httpOnly')),
            sameSite: sameSite === undefined ? 'missing' : /^['"`]none['"`]$/i.test(sameSite) ? 'none' : 'set',
          });
          if (!verdict) return;
          const fix = !args[2] && args[1] ? { title: 'Set secure, httpOnly and sameSite', safe: false, edits: [ctx.insertAt(args[1].endIndex, ", { secure: true, httpOnly: true, sameSite: 'lax' }")] } : undefined;
          ctx.report({ node, severity: verdict.severity, message: `Cookie ${cookieName} is set without ${listAttributes(verdict.missing)}.`, fix });
          return;
        }
        if (name === 'express-session' || name === 'cookie-session') {
          const arg = sem.arg(node, 0);
          // `session(sessionOptions)` with `const sessionOptions = { ... }` reads as if written here.
          const opts = arg ? sem.literalOf(arg) : undefined;
          if (!opts || opts.type !== 'object' || opts.namedChildren.some((c) => c?.type === 'spread_element')) return;
          const cookie = opts.namedChildren.find((p) => p?.type === 'pair' && p.childForFieldName('key')?.text.replace(/['"]/g, '') === 'cookie')?.childForFieldName('value');
          const target = name === 'cookie-session' ? opts : cookie ?? undefined;
          if (flag(target, 'secure') === 'false' || flag(target, 'httpOnly') === 'false') {
            ctx.report({ node, message: `${name} cookie has secure or httpOnly turned off.` });
            return;
          }
          // `key` is express-session's older name for `name`
          if (name === 'express-session' && valueOf(opts, 'name') === undefined && valueOf(opts, 'key') === undefined) {
            ctx.report({ node, severity: 'low', confidence: 'high', message: 'express-session uses the default cookie name connect.sid, which tells everyone the stack: set name.' });
          }
          if (target && target.type !== 'object') return; // cookie options built elsewhere
          const sameSiteNone = /^['"`]none['"`]$/i.test(valueOf(target, 'sameSite') ?? '');
          // express-session's cookie is not Secure unless asked. cookie-session's is: it sets Secure
          // by itself on HTTPS requests, so only an explicit secure: false is a finding there.
          if (flag(target, 'secure') === 'missing' && name === 'express-session') {
            ctx.report({ node, message: sameSiteNone ? "express-session cookie has sameSite: 'none' without secure: true: it is sent cross-site and over plain HTTP (and modern browsers drop it)." : 'express-session cookie has no secure: true: the session id also crosses plain HTTP.', fix: secureFix(opts, cookie ?? undefined) });
          }
          return;
        }
        if (m === 'setHeader' || m === 'append' || m === 'header' || m === 'set') {
          if (!/^set-cookie$/i.test(sem.stringValue(sem.arg(node, 0)) ?? '')) return;
          checkSetCookie(sem.arg(node, 1));
          return;
        }
        if (m === 'writeHead') {
          for (const a of sem.args(node).positional.slice(1)) {
            const headers = sem.literalOf(a);
            if (headers.type !== 'object') continue;
            for (const p of headers.namedChildren) {
              if (p?.type === 'pair' && /^set-cookie$/i.test(sem.stringValue(p.childForFieldName('key')) ?? p.childForFieldName('key')?.text ?? '')) checkSetCookie(p.childForFieldName('value') ?? undefined);
            }
          }
        }
      },
    };
  },
  tests: {
    valid: [
      "res.cookie('session', id, { secure: true, httpOnly: true, sameSite: 'lax' });",
      "res.cookie('theme', 'dark', { secure: true, httpOnly: true, sameSite: 'strict' });",
      "app.use(session({ secret: process.env.S, cookie: { secure: true, httpOnly: true } }));",
      "// res.cookie('sid', x) without flags\nconst s = 1;",
    ],
    invalid: [
      { code: "res.cookie('session', id);", errors: [1], messages: ['Cookie session is set without Secure, HttpOnly and SameSite.'], output: "res.cookie('session', id, { secure: true, httpOnly: true, sameSite: 'lax' });" },
      { code: "res.cookie('authToken', token, { httpOnly: false, secure: true });", errors: [1], messages: ['Cookie authToken is set without HttpOnly and SameSite.'] },
      { code: "const session = require('express-session');\napp.use(session({ secret: process.env.S, cookie: { secure: false } }));", errors: [2], messages: ['express-session cookie has secure or httpOnly turned off.'] },
      { code: "res.cookie('prefs', v, { secure: false });", errors: [1], messages: ['Cookie prefs is set without Secure, HttpOnly and SameSite.'] },
      // Not by name: a constant preference cookie is reported too, at low severity.
      { code: "res.cookie('theme', 'dark');", errors: [1], messages: ['Cookie theme is set without Secure, HttpOnly and SameSite.'], output: "res.cookie('theme', 'dark', { secure: true, httpOnly: true, sameSite: 'lax' });" },
      { code: "res.cookie('insecure', 'cookie', { httpOnly: true, sameSite: true });", errors: [1], messages: ['Cookie insecure is set without Secure.'] },
      { code: "res.cookie('basket', b, { secure: true, httpOnly: true });", errors: [1], messages: ['Cookie basket is set without SameSite.'] },
    ],
  },
};

export default rule;
