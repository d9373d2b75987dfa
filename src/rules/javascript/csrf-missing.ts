import type { Node } from 'web-tree-sitter';
import { OWASP, type Rule } from '../../core/rule';

/** Middleware that keeps the session in a cookie the browser sends on its own. */
const SESSION_MIDDLEWARE = new Set(['express-session', 'cookie-session']);
/** Routes that change state: a cross-site form or fetch can trigger them with the user's cookie. */
const ROUTE = /^(express(\.Router)?\(\)|app|router)(\.route\(\))?\.(post|put|patch|delete)$/;
/** csurf, csrf-csrf, csrf-sync, tiny-csrf, @dr.pogodin/csurf, … and lusca (lusca.csrf()). */
const CSRF_MODULE = /csrf|^lusca$/i;
/** An identifier or header name that shows the app handles CSRF itself (csrfProtection, req.csrfToken(), 'x-xsrf-token'). */
const CSRF_WORD = /csrf|xsrf/i;
/** Cookies read through cookie-parser that carry a login. */
const AUTH_COOKIE = /(session|sess|sid|token|auth|jwt|login|user|remember)/i;

const rule: Rule = {
  meta: {
    id: 'js-csrf-missing',
    title: 'Express app with cookie sessions and state-changing routes but no CSRF protection',
    language: 'javascript',
    family: 'auth',
    checklist: ['csrf'],
    severity: 'medium',
    confidence: 'medium',
    cwe: ['CWE-352'],
    owasp: [OWASP.A01],
    skipInTests: true,
    wholeFile: true,
    message: 'Sessions ride in cookies and this route changes state, but nothing checks a CSRF token: add CSRF middleware (csrf-csrf, csrf-sync, lusca.csrf).',
    docs: {
      whatItDoes: 'Reads a whole file: an Express app or router that uses cookie-based sessions (`express-session`, `cookie-session`, or `cookie-parser` with a session or token cookie read from `req.cookies` / `req.signedCookies`) and registers `post`/`put`/`patch`/`delete` routes, but loads no CSRF middleware (any module whose name contains `csrf`, or `lusca`), mentions no CSRF token in its code and does not set the session cookie `sameSite: \'strict\'` or `\'lax\'`. Reported once, on the first such route. APIs that authenticate with bearer tokens only (no session or cookie middleware) are not reported.',
      whyBad: 'The browser attaches the session cookie to every request to your site, including a form another site submits or a fetch it fires. Without a token the attacker\'s page cannot read, a logged-in user visiting it changes their password, e-mail or money on your site without knowing.',
      example: "const express = require('express');\nconst session = require('express-session');\nconst app = express();\napp.use(session({ name: 'sid', secret: process.env.SESSION_SECRET, cookie: { secure: true } }));\napp.post('/transfer', transfer);",
      useInstead: "const express = require('express');\nconst session = require('express-session');\nconst { doubleCsrf } = require('csrf-csrf');\nconst app = express();\napp.use(session({ name: 'sid', secret: process.env.SESSION_SECRET, cookie: { secure: true } }));\nconst { doubleCsrfProtection } = doubleCsrf({ getSecret: () => process.env.CSRF_SECRET });\napp.use(doubleCsrfProtection);\napp.post('/transfer', transfer);",
      references: ['https://cwe.mitre.org/data/definitions/352.html', 'https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html', 'https://github.com/Psifi-Solutions/csrf-csrf'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    let sessions: string | undefined;
    let cookieParser = false;
    let authCookieRead = false;
    let protectedHere = false;
    let firstRoute: Node | undefined;
    const moduleName = (n: Node | null | undefined) => (n ? sem.stringValue(n) ?? '' : '');
    const strictSameSite = (opts: Node | undefined): boolean => {
      if (!opts || opts.type !== 'object') return false;
      // express-session: cookie.sameSite; cookie-session: sameSite at the top level.
      return opts.descendantsOfType('pair').some((p) => p?.childForFieldName('key')?.text.replace(/['"]/g, '') === 'sameSite' && /^(['"`](strict|lax)['"`]|true)$/i.test(p.childForFieldName('value')?.text ?? ''));
    };
    return {
      import_statement(node: Node) {
        if (CSRF_MODULE.test(moduleName(node.childForFieldName('source')))) protectedHere = true;
      },
      identifier(node: Node) {
        if (CSRF_WORD.test(node.text)) protectedHere = true;
      },
      property_identifier(node: Node) {
        if (CSRF_WORD.test(node.text)) protectedHere = true;
      },
      string(node: Node) {
        // a header or field name such as 'x-csrf-token' / '_csrf' that the app checks
        if (CSRF_WORD.test(sem.stringValue(node) ?? '')) protectedHere = true;
      },
      member_expression(node: Node) {
        // req.cookies.sid, req.signedCookies.token, req.cookies['session']
        const obj = node.childForFieldName('object');
        if (obj?.type !== 'member_expression' || !/^(cookies|signedCookies)$/.test(obj.childForFieldName('property')?.text ?? '')) return;
        if (AUTH_COOKIE.test(node.childForFieldName('property')?.text ?? '')) authCookieRead = true;
      },
      subscript_expression(node: Node) {
        const obj = node.childForFieldName('object');
        if (obj?.type !== 'member_expression' || !/^(cookies|signedCookies)$/.test(obj.childForFieldName('property')?.text ?? '')) return;
        if (AUTH_COOKIE.test(sem.stringValue(node.childForFieldName('index')) ?? '')) authCookieRead = true;
      },
      call_expression(node: Node) {
        const name = sem.calleeName(node) ?? '';
        if (name === 'require' && CSRF_MODULE.test(moduleName(sem.arg(node, 0)))) protectedHere = true;
        if (SESSION_MIDDLEWARE.has(name)) {
          const opt = sem.arg(node, 0);
          // SameSite=Strict/Lax keeps the cookie off cross-site POSTs: the browser's own CSRF defence.
          if (strictSameSite(opt ? sem.literalOf(opt) : undefined)) protectedHere = true;
          sessions ??= name;
          return;
        }
        if (name === 'cookie-parser') cookieParser = true;
        // app.post(path, handler) takes the path first; app.route(path).post(handler) only the handler
        if (!firstRoute && ROUTE.test(name) && sem.args(node).positional.length >= (name.includes('.route().') ? 1 : 2)) firstRoute = node;
      },
      'program:exit'() {
        const cookieSessions = sessions ?? (cookieParser && authCookieRead ? 'cookie-parser' : undefined);
        if (!cookieSessions || !firstRoute || protectedHere) return;
        // The route's first line only (`app.post('/transfer'`), not its whole handler.
        const callee = firstRoute.childForFieldName('function') ?? firstRoute;
        ctx.report({ node: callee, endNode: sem.arg(firstRoute, 0) ?? callee, message: `Sessions ride in cookies (${cookieSessions}) and this route changes state, but nothing checks a CSRF token: add CSRF middleware (csrf-csrf, csrf-sync, lusca.csrf) or set the session cookie sameSite: 'strict'.` });
      },
    };
  },
  tests: {
    valid: [
      // a bearer-token API: no session or cookie middleware
      "const express = require('express');\nconst app = express();\napp.use(express.json());\napp.post('/api/items', auth, create);",
      "const express = require('express');\nconst session = require('express-session');\nconst csrf = require('csurf');\nconst app = express();\napp.use(session({ name: 'sid', secret: process.env.S }));\napp.use(csrf());\napp.post('/transfer', transfer);",
      "import express from 'express';\nimport session from 'express-session';\nimport lusca from 'lusca';\nconst app = express();\napp.use(session({ name: 'sid', secret: process.env.S }));\napp.use(lusca.csrf());\napp.delete('/post/:id', remove);",
      "const express = require('express');\nconst session = require('express-session');\nconst app = express();\napp.use(session({ name: 'sid', secret: process.env.S, cookie: { sameSite: 'strict', secure: true } }));\napp.post('/transfer', transfer);",
      "const express = require('express');\nconst session = require('express-session');\nconst app = express();\napp.use(session({ name: 'sid', secret: process.env.S }));\napp.get('/', home);",
      "const express = require('express');\nconst cookieParser = require('cookie-parser');\nconst app = express();\napp.use(cookieParser());\napp.post('/prefs', (req, res) => res.json({ theme: req.cookies.theme }));",
      "const express = require('express');\nconst session = require('express-session');\nconst app = express();\napp.use(session({ name: 'sid', secret: process.env.S }));\napp.post('/transfer', (req, res) => { if (req.get('x-csrf-token') !== req.session.token) return res.sendStatus(403); transfer(req, res); });",
      "// uses csurf\nconst express = require('express');\nconst axios = require('axios');\nconst session = require('express-session');\nconst app = express();\napp.use(session({ name: 'sid', secret: process.env.S }));\naxios.post('/remote', data);",
      { code: "const express = require('express');\nconst session = require('express-session');\nconst app = express();\napp.use(session({ name: 'sid', secret: process.env.S }));\napp.post('/transfer', transfer);", filename: 'test/app.test.ts' },
    ],
    invalid: [
      {
        code: "const express = require('express');\nconst session = require('express-session');\nconst app = express();\napp.use(session({ name: 'sid', secret: process.env.S, cookie: { secure: true } }));\napp.get('/', home);\napp.post('/transfer', transfer);\napp.post('/email', changeEmail);",
        errors: [6],
        messages: ["Sessions ride in cookies (express-session) and this route changes state, but nothing checks a CSRF token: add CSRF middleware (csrf-csrf, csrf-sync, lusca.csrf) or set the session cookie sameSite: 'strict'."],
      },
      {
        code: "import express from 'express';\nimport cookieSession from 'cookie-session';\nconst router = express.Router();\nrouter.use(cookieSession({ name: 's', keys }));\nrouter.route('/profile').put(updateProfile);",
        errors: [5],
        messages: ["Sessions ride in cookies (cookie-session) and this route changes state, but nothing checks a CSRF token: add CSRF middleware (csrf-csrf, csrf-sync, lusca.csrf) or set the session cookie sameSite: 'strict'."],
      },
      {
        code: "const express = require('express');\nconst cookieParser = require('cookie-parser');\nconst app = express();\napp.use(cookieParser());\napp.use((req, res, next) => { req.user = verify(req.cookies.auth_token); next(); });\napp.delete('/account', removeAccount);",
        errors: [6],
      },
      {
        code: "// const csrf = require('csurf')\nconst express = require('express');\nconst session = require('express-session');\nconst app = express();\napp.use(session({ name: 'sid', secret: process.env.S, cookie: { sameSite: 'none', secure: true } }));\napp.patch('/settings', save);",
        errors: [6],
      },
    ],
  },
};

export default rule;
