import type { Node } from 'web-tree-sitter';
import { lookup } from '../../core/lookup';
import { OWASP, type Rule } from '../../core/rule';
import { isLocaleFile, isSecretName, isSigningSecretName, knownFormat, looksLikeSecretValue, signingSecretLiteral, urlCredential } from '../shared/secrets';

/** Calls whose argument is a signing or session secret. */
const SECRET_ARG: Record<string, number> = { 'jsonwebtoken.sign': 1, 'jsonwebtoken.verify': 1, 'cookie-parser': 0, 'crypto.createHmac': 1 };

const rule: Rule = {
  meta: {
    id: 'js-hardcoded-secret',
    title: 'Hard-coded secret, password or key',
    language: 'javascript',
    family: 'secrets',
    checklist: ['authentication'],
    severity: 'high',
    confidence: 'medium',
    cwe: ['CWE-798', 'CWE-259'],
    owasp: [OWASP.A07],
    skipInTests: true,
    message: 'A secret is written in the code: read it from process.env or a secret store.',
    docs: {
      whatItDoes: 'Finds JWT signing secrets, `express-session` / `cookie-parser` secrets, passwords, tokens and API keys given as string literals, and strings in well-known credential formats (AWS, GitHub, Slack, Stripe, Google keys, private keys). Values are judged by their shape: placeholders, env-var names, URLs and low-entropy short tokens are left alone.',
      whyBad: 'Everyone who can read the repository, its history or the bundle shipped to browsers can read the secret. A known JWT or session secret lets anyone mint tokens and sessions for any user.',
      example: "app.use(session({ secret: 'keyboard cat' }));\nconst token = jwt.sign(payload, 'my-jwt-secret');",
      useInstead: "app.use(session({ secret: process.env.SESSION_SECRET }));\nconst token = jwt.sign(payload, process.env.JWT_SECRET, { algorithm: 'HS256', expiresIn: '15m' });",
      references: ['https://cwe.mitre.org/data/definitions/798.html', 'https://expressjs.com/en/resources/middleware/session.html'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    const reported = new Set<number>();
    const literal = (n: Node | null | undefined): string | undefined => {
      if (!n) return undefined;
      const u = sem.dialect.unwrap(n);
      return u.type === 'string' || (u.type === 'template_string' && !u.namedChildren.some((c) => c?.type === 'template_substitution')) ? sem.stringValue(u) : undefined;
    };
    // Translation files hold labels ("password": "Passwort"); known token formats are still checked.
    const locale = isLocaleFile(ctx.file);
    /**
     * `{ members_email_auth_secret: 'core', admin_session_secret: 'core', ... }`: a table mapping
     * setting names to a group or kind. The same value under several keys is a category, not a
     * credential (each secret is its own value).
     */
    const mappingTableEntry = (pair: Node): boolean => {
      const obj = pair.parent;
      const v = literal(pair.childForFieldName('value'));
      if (!obj || v === undefined) return false;
      let same = 0;
      let strings = 0;
      for (const p of obj.namedChildren) {
        if (p?.type !== 'pair') continue;
        const pv = literal(p.childForFieldName('value'));
        if (pv === undefined) continue;
        strings++;
        if (pv === v) same++;
      }
      return strings >= 3 && same >= 3;
    };
    const judge = (name: string | undefined, value: Node | null | undefined, at: Node) => {
      if (locale) return;
      const text = literal(value);
      if (!name || text === undefined || reported.has(value!.id)) return;
      const key = name.replace(/^['"]|['"]$/g, '');
      if (!isSecretName(key)) return;
      // Session, cookie and token secrets (`secret`, `jwtSecret`): any literal, a dictionary one included.
      if (!looksLikeSecretValue(text, key) && !(isSigningSecretName(key) && signingSecretLiteral(text, key))) return;
      reported.add(value!.id);
      ctx.report({ node: at, message: `${key} is given a literal value: read it from process.env or a secret store.` });
    };
    return {
      variable_declarator(node: Node) {
        judge(node.childForFieldName('name')?.text, node.childForFieldName('value'), node);
      },
      assignment_expression(node: Node) {
        const left = node.childForFieldName('left');
        const name = left?.type === 'member_expression' ? left.childForFieldName('property')?.text : left?.text;
        judge(name, node.childForFieldName('right'), node);
      },
      pair(node: Node) {
        if (mappingTableEntry(node)) return;
        judge(node.childForFieldName('key')?.text, node.childForFieldName('value'), node);
      },
      call_expression(node: Node) {
        const name = sem.calleeName(node);
        const idx = lookup(SECRET_ARG, name);
        if (idx === undefined) return;
        const arg = sem.arg(node, idx);
        const text = literal(arg);
        if (!arg || text === undefined || text.length < 4 || reported.has(arg.id)) return;
        reported.add(arg.id);
        ctx.report({ node: arg, message: `The ${name === 'cookie-parser' ? 'cookie-signing' : name === 'crypto.createHmac' ? 'HMAC' : 'JWT'} secret is written in the code: anyone with the code can forge signatures. Use process.env.` });
      },
      string(node: Node) {
        if (reported.has(node.id)) return;
        const cred = locale ? undefined : urlCredential(sem.stringValue(node) ?? '');
        if (cred) {
          reported.add(node.id);
          ctx.report({ node, severity: cred.local ? 'low' : 'high', message: `A password is written into this connection URL (host ${cred.host}): take the URL or its password from process.env.` });
          return;
        }
        const f = knownFormat(sem.stringValue(node) ?? '');
        if (!f) return;
        reported.add(node.id);
        ctx.report({ node, severity: 'critical', confidence: 'high', message: `A ${f.kind} is written in the code: revoke it and load it from a secret store.` });
      },
    };
  },
  tests: {
    valid: [
      'app.use(session({ secret: process.env.SESSION_SECRET }));',
      "const passwordField = 'password';\nconst tokenType = 'Bearer';",
      "const API_KEY_ENV = 'STRIPE_API_KEY';",
      "// const password = 'hunter2'\nconst msg = 'enter your password';",
      "const token = '';",
      { code: "const secret = 'test-secret-value';", filename: 'test/auth.test.ts' },
      "const MONGO_URL = 'mongodb://localhost:27017/app';\nconst PG = `postgres://app:${process.env.PGPASSWORD}@db.example.com/app`;",
      "const sessionSecretName = 'SESSION_SECRET';\nconst jwtSecretHeader = 'x-jwt-secret';",
      // Messages about secrets, and a table of setting names to their group.
      "const messages = {\n  passwordDoesNotComplySecurity: 'Sorry, you cannot use an insecure password.',\n  signingKeyNotConfigured: 'payload signing key is not configured',\n  staffTokenBlocked: 'Staff tokens are not allowed',\n};",
      "const groups = {\n  members_email_auth_secret: 'core',\n  admin_session_secret: 'core',\n  theme_session_secret: 'core',\n  title: 'site',\n};",
    ],
    invalid: [
      { code: "app.use(session({ secret: 'keyboard cat', resave: false }));", errors: [1], messages: ['secret is given a literal value: read it from process.env or a secret store.'] },
      { code: "const jwt = require('jsonwebtoken');\nconst t = jwt.sign({ sub: id }, 'my-jwt-secret');", errors: [2], messages: ['The JWT secret is written in the code: anyone with the code can forge signatures. Use process.env.'] },
      { code: "const db = mysql.createConnection({ host: 'db', user: 'app', password: 'Pr0dPassw0rd!' });", errors: [1], messages: ['password is given a literal value: read it from process.env or a secret store.'] },
      { code: "const stripeKey = 'sk_live_51Habcdefghijklmnopqrstuv';", errors: [1], messages: ['A Stripe live key is written in the code: revoke it and load it from a secret store.'] },
      { code: "const cookieParser = require('cookie-parser');\napp.use(cookieParser('s3cr3t-cookie-sign'));", errors: [2], messages: ['The cookie-signing secret is written in the code: anyone with the code can forge signatures. Use process.env.'] },
      // camelCase names, and a password inside a connection URL.
      { code: "module.exports = { jwtSecret: 'my-app-secret', port: 3000 };", errors: [1], messages: ['jwtSecret is given a literal value: read it from process.env or a secret store.'] },
      { code: "const cookieSecret = 'q7Lr2PzX9kWm4Tn8';", errors: [1] },
      { code: "const sequelize = new Sequelize('postgres://app:Pr0dPassw0rd@db.example.com:5432/app');", errors: [1], messages: ['A password is written into this connection URL (host db.example.com): take the URL or its password from process.env.'] },
    ],
  },
};

export default rule;
