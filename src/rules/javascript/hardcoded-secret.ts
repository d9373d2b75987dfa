import type { Node } from 'web-tree-sitter';
import { lookup } from '../../core/lookup';
import { OWASP, type Rule } from '../../core/rule';
import { keyLiteral, type KeyLiteral } from '../shared/js-key-literal';
import { isLocaleFile, isSecretName, isSigningSecretName, knownFormat, looksLikeSecretValue, signingSecretLiteral, urlCredential } from '../shared/secrets';

type KeyKind = 'JWT' | 'cookie-signing' | 'HMAC' | 'encryption' | 'session' | 'secret-key';

/** Calls whose argument is a signing, encryption or session secret: the argument and what it keys. */
const SECRET_ARG: Record<string, [number, KeyKind]> = {
  'jsonwebtoken.sign': [1, 'JWT'], 'jsonwebtoken.verify': [1, 'JWT'], 'cookie-parser': [0, 'cookie-signing'], 'crypto.createHmac': [1, 'HMAC'],
  'crypto.createCipheriv': [1, 'encryption'], 'crypto.createDecipheriv': [1, 'encryption'], 'crypto.createSecretKey': [0, 'secret-key'],
  'jose.jwtVerify': [1, 'JWT'], 'jose.compactVerify': [1, 'JWT'], 'jose.flattenedVerify': [1, 'JWT'], 'jose.jwtDecrypt': [1, 'encryption'], 'jose.compactDecrypt': [1, 'encryption'],
};
/** jose's builders: `new SignJWT(claims)...sign(key)`, `new EncryptJWT(claims)...encrypt(key)`. */
const JOSE_BUILDER = /^jose\.(SignJWT|CompactSign|FlattenedSign|EncryptJWT|CompactEncrypt|FlattenedEncrypt)\(\)(\.\w+\(\))*\.(sign|encrypt)$/;
/** Session middleware options that hold the signing secret(s). */
const SESSION_SECRET_OPTIONS = ['secret', 'keys'];
/** Public keys and certificates are meant to be published. */
const PUBLIC_MATERIAL = /-----BEGIN (PUBLIC KEY|RSA PUBLIC KEY|CERTIFICATE)-----/;

const KEY_MESSAGE: Record<KeyKind, string> = {
  JWT: 'The JWT secret is written in the code: anyone with the code can forge signatures. Use process.env.',
  'cookie-signing': 'The cookie-signing secret is written in the code: anyone with the code can forge signatures. Use process.env.',
  HMAC: 'The HMAC secret is written in the code: anyone with the code can forge signatures. Use process.env.',
  encryption: 'The encryption key is written in the code: anyone with the code can decrypt the data. Use process.env or a key store.',
  session: 'The session secret is written in the code: anyone with the code can forge session cookies. Use process.env.',
  'secret-key': 'The secret key is written in the code: anyone with the code can use it. Use process.env or a key store.',
};
const KIND_LABEL: Record<KeyKind, string> = { JWT: 'JWT secret', 'cookie-signing': 'cookie-signing secret', HMAC: 'HMAC secret', encryption: 'encryption key', session: 'session secret', 'secret-key': 'secret key' };

function optionValue(obj: Node | undefined, key: string): Node | undefined {
  if (obj?.type !== 'object') return undefined;
  const pair = obj.namedChildren.find((p) => p?.type === 'pair' && p.childForFieldName('key')?.text.replace(/['"]/g, '') === key);
  return pair?.childForFieldName('value') ?? undefined;
}

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
      whatItDoes: 'Finds keys written as literals (or names bound once to one, `Buffer.from(\'...\')`, `new TextEncoder().encode(\'...\')`) where a library takes a key: jsonwebtoken `sign`/`verify`, jose (`new SignJWT().sign(k)`, `jwtVerify`, `importJWK` of a literal `k`, `createSecretKey`), passport-jwt `secretOrKey`, express-session / cookie-session `secret` and `keys`, `cookie-parser`, `crypto.createHmac` and `createCipheriv` keys; `process.env.X || \'dev\'` fallbacks at medium severity. Also JWT signing secrets, tokens and API keys given as string literals, and strings in well-known credential formats (AWS, GitHub, Slack, Stripe, Google keys, private keys). Values are judged by their shape: placeholders, env-var names, URLs and low-entropy short tokens are left alone.',
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
      if (!name || !value) return;
      const key = name.replace(/^['"]|['"]$/g, '');
      if (!isSecretName(key)) return;
      if (text === undefined) {
        // `secret: process.env.SESSION_SECRET || 'keyboard cat'`: the literal is what runs when the variable is unset.
        const v = sem.dialect.unwrap(value);
        const fb = v.type === 'binary_expression' ? keyLiteral(sem, v) : undefined;
        if (fb?.fallback && /process\.env\b/.test(v.childForFieldName('left')?.text ?? '')) reportFallback(fb, key);
        return;
      }
      if (reported.has(value.id)) return;
      // Session, cookie and token secrets (`secret`, `jwtSecret`): any literal, a dictionary one included.
      if (!looksLikeSecretValue(text, key) && !(isSigningSecretName(key) && signingSecretLiteral(text, key))) return;
      reported.add(value.id);
      ctx.report({ node: at, message: `${key} is given a literal value: read it from process.env or a secret store.` });
    };
    // A fallback only runs where the variable is unset, often on a developer's machine, and it is
    // what a deployment that forgot the variable silently runs with: medium, not high.
    const reportFallback = (k: KeyLiteral, what: string, at: Node = k.node) => {
      if (reported.has(k.node.id) || k.text.length < 3 || PUBLIC_MATERIAL.test(k.text)) return;
      reported.add(k.node.id);
      ctx.report({ node: at, severity: 'medium', message: `The ${what} falls back to a literal when the environment variable is unset: fail at start-up instead of running with a key everyone can read.` });
    };
    // Reported where the key is used (`at`), once per literal however many calls use it.
    const reportKey = (at: Node | undefined, kind: KeyKind) => {
      const k = keyLiteral(sem, at);
      if (!k || !at) return;
      if (k.fallback) return reportFallback(k, KIND_LABEL[kind], at);
      if (k.text.length < 4 || reported.has(k.node.id) || PUBLIC_MATERIAL.test(k.text)) return;
      reported.add(k.node.id);
      ctx.report({ node: at, message: KEY_MESSAGE[kind] });
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
        const name = sem.calleeName(node) ?? '';
        const entry = lookup(SECRET_ARG, name);
        if (entry) return reportKey(sem.arg(node, entry[0]), entry[1]);
        if (JOSE_BUILDER.test(name)) return reportKey(sem.arg(node, 0), /encrypt$/.test(name) ? 'encryption' : 'JWT');
        if (name === 'jose.importJWK') {
          // A symmetric JWK written out: its `k` is the key.
          const jwk = sem.arg(node, 0);
          return reportKey(optionValue(jwk ? sem.literalOf(jwk) : undefined, 'k'), 'secret-key');
        }
        if (name === 'express-session' || name === 'cookie-session') {
          const opt = sem.arg(node, 0);
          const opts = opt ? sem.literalOf(opt) : undefined;
          for (const key of SESSION_SECRET_OPTIONS) reportKey(optionValue(opts, key), 'session');
        }
      },
      new_expression(node: Node) {
        // passport-jwt: new JwtStrategy({ secretOrKey: '...', ... }, verify)
        if (sem.calleeName(node) !== 'passport-jwt.Strategy') return;
        const opt = sem.arg(node, 0);
        reportKey(optionValue(opt ? sem.literalOf(opt) : undefined, 'secretOrKey'), 'JWT');
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
