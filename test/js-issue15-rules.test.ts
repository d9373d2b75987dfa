import * as assert from 'node:assert/strict';
import type { InvalidTestCase, Rule, RuleTestCase } from '../src/core/rule';
import { runRuleCases } from '../src/core/rule-tester';
import { allRules } from '../src/rules';

/** Cases for the JS/TS rules issue 15 extended; they live here so that the rule files' own blocks stay as they were. */
function withCases(id: string, valid: (string | RuleTestCase)[], invalid: InvalidTestCase[]): Rule {
  const rule = allRules.find((r) => r.meta.id === id);
  assert.ok(rule, `${id} is registered`);
  // The rule's own message-asserting cases come along: the tester asks every run for one.
  return { ...rule, tests: { valid, invalid: [...invalid, ...rule.tests.invalid.filter((c) => c.messages)] } };
}

async function assertCases(rule: Rule): Promise<void> {
  const failures = await runRuleCases(rule);
  assert.deepEqual(failures.map((f) => `[${f.kind} #${f.index}] ${f.problem}\n${f.code}`), []);
}

const JWT_MSG = 'The JWT secret is written in the code: anyone with the code can forge signatures. Use process.env.';
const ENC_MSG = 'The encryption key is written in the code: anyone with the code can decrypt the data. Use process.env or a key store.';

describe('issue 15 JS/TS rules: extended rules', () => {
  it('js-hardcoded-secret: jose, passport-jwt, session keys, createCipheriv, names bound once, env fallbacks', async () => {
    await assertCases(withCases('js-hardcoded-secret', [
      "import { SignJWT } from 'jose';\nconst t = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(process.env.JWT_SECRET));",
      "import { jwtVerify } from 'jose';\nconst { payload } = await jwtVerify(token, key);",
      "import { importJWK } from 'jose';\nconst k = await importJWK(JSON.parse(process.env.JWK));",
      "const { Strategy } = require('passport-jwt');\npassport.use(new Strategy({ secretOrKey: process.env.JWT_SECRET, jwtFromRequest }, verify));",
      "const session = require('cookie-session');\napp.use(session({ keys: [process.env.K1, process.env.K2] }));",
      "const crypto = require('crypto');\nconst c = crypto.createCipheriv('aes-256-gcm', Buffer.from(process.env.KEY, 'hex'), iv);",
      "const jwt = require('jsonwebtoken');\nconst PUB = '-----BEGIN PUBLIC KEY-----\\nMIIB...';\njwt.verify(t, PUB, { algorithms: ['RS256'] });",
      "const jwt = require('jsonwebtoken');\nlet key = 'a'; key = process.env.K;\njwt.sign(p, key);",
      { code: "import { SignJWT } from 'jose';\nawait new SignJWT(c).sign(new TextEncoder().encode('test-secret-value'));", filename: 'test/auth.test.ts' },
    ], [
      { code: "import { SignJWT } from 'jose';\nconst t = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('super-secret-signing'));", errors: [2], messages: [JWT_MSG] },
      { code: "import * as jose from 'jose';\nconst secret = new TextEncoder().encode('cc7e0d44fd473002f1c42167459001140ec6389b');\nawait jose.jwtVerify(token, secret);", errors: [3], messages: [JWT_MSG] },
      { code: "import { importJWK } from 'jose';\nconst key = await importJWK({ kty: 'oct', k: 'GawgguFyGrWKav7AX4VKUg' });", errors: [2], messages: ['The secret key is written in the code: anyone with the code can use it. Use process.env or a key store.'] },
      { code: "const crypto = require('crypto');\nconst key = crypto.createSecretKey(Buffer.from('0123456789abcdef0123456789abcdef'));", errors: [2] },
      { code: "const { Strategy: JwtStrategy } = require('passport-jwt');\npassport.use(new JwtStrategy({ jwtFromRequest, secretOrKey: 'shhhhh-its-a-secret' }, verify));", errors: [2], messages: [JWT_MSG] },
      { code: "const cookieSession = require('cookie-session');\napp.use(cookieSession({ name: 'sess', keys: ['key1-abc', 'key2-def'] }));", errors: [2], messages: ['The session secret is written in the code: anyone with the code can forge session cookies. Use process.env.'] },
      { code: "const crypto = require('crypto');\nconst KEY = 'f3a9c1e7b5d20486f3a9c1e7b5d20486';\nconst c = crypto.createCipheriv('aes-256-cbc', KEY, iv);", errors: [3], messages: [ENC_MSG] },
      { code: "const crypto = require('crypto');\nconst sig = crypto.createHmac('sha256', Buffer.from('webhook-signing-key')).update(body).digest('hex');", errors: [2] },
      { code: "const jwt = require('jsonwebtoken');\nconst t = jwt.sign(claims, process.env.JWT_SECRET || 'dev');", errors: [2], messages: ['The JWT secret falls back to a literal when the environment variable is unset: fail at start-up instead of running with a key everyone can read.'] },
      { code: "const session = require('express-session');\napp.use(session({ secret: process.env.SESSION_SECRET || 'keyboard cat', resave: false }));", errors: [2], messages: ['The session secret falls back to a literal when the environment variable is unset: fail at start-up instead of running with a key everyone can read.'] },
      { code: "const config = { secret: process.env.SESSION_SECRET ?? 'not-so-secret' };", errors: [1], messages: ['The secret falls back to a literal when the environment variable is unset: fail at start-up instead of running with a key everyone can read.'] },
    ]));
  });
});

describe('issue 15 JS/TS rules: weak hashes through npm packages', () => {
  it('js-weak-crypto: md5 / sha1 / crypto-js for passwords and tokens, not for fingerprints', async () => {
    await assertCases(withCases('js-weak-crypto', [
      "const md5 = require('md5');\nconst avatar = 'https://www.gravatar.com/avatar/' + md5(email.trim().toLowerCase());",
      "const md5 = require('md5');\nconst etag = md5(body);",
      "import sha1 from 'sha1';\nconst id = sha1(fileContents);",
      "const CryptoJS = require('crypto-js');\nconst h = CryptoJS.SHA256(password).toString();",
      "// md5(password) is weak\nconst s = 'md5(password)';",
    ], [
      { code: "const md5 = require('md5');\nuser.password = md5(req.body.password);", errors: [2], messages: ['MD5 (md5) is far too fast and broken for passwords or tokens: use scrypt, argon2 or bcrypt.'] },
      { code: "import sha1 from 'sha1';\nconst hashedToken = sha1(resetToken + salt);", errors: [2], messages: ['SHA-1 (sha1) is far too fast and broken for passwords or tokens: use scrypt, argon2 or bcrypt.'] },
      { code: "const CryptoJS = require('crypto-js');\nconst digest = CryptoJS.MD5(password).toString();", errors: [2], messages: ['MD5 (crypto-js.MD5) is far too fast and broken for passwords or tokens: use scrypt, argon2 or bcrypt.'] },
      { code: "import SHA1 from 'crypto-js/sha1';\nif (SHA1(input.pwd).toString() === stored) ok();", errors: [2] },
      { code: "const hash = require('crypto-js/md5');\nconst passwordHash = hash(plain).toString();", errors: [2] },
    ]));
  });
});

describe('issue 15 JS/TS rules: session cookies and raw Set-Cookie headers', () => {
  it('js-insecure-cookie: express-session without cookie.secure / default name, sameSite none, Set-Cookie strings', async () => {
    await assertCases(withCases('js-insecure-cookie', [
      "const session = require('express-session');\napp.use(session({ name: 'app.sid', secret: process.env.S, cookie: { secure: true, httpOnly: true, sameSite: 'lax' } }));",
      "const session = require('express-session');\napp.use(session({ name: 'app.sid', secret: process.env.S, cookie: { secure: process.env.NODE_ENV === 'production' } }));",
      "const session = require('express-session');\nconst opts = { name: 'sid', secret: process.env.S, cookie: { secure: 'auto' } };\napp.use(session(opts));",
      "const session = require('express-session');\napp.use(session({ ...base, secret: process.env.S }));",
      "const cookieSession = require('cookie-session');\napp.use(cookieSession({ name: 'session', keys }));",
      // cookie-session marks the cookie Secure by itself on HTTPS requests (Ghost's private-blogging cookie)
      "const session = require('cookie-session');\napp.use(session({ name: 'ghost-private', maxAge: 1000, signed: false, sameSite: 'none' }));",
      "res.setHeader('Set-Cookie', `sid=${id}; Path=/; Secure; HttpOnly; SameSite=Lax`);",
      "res.setHeader('Set-Cookie', 'theme=dark; Path=/; Secure; HttpOnly; SameSite=Lax');",
      "res.setHeader('Set-Cookie', 'session=; Max-Age=0; Path=/');",
      "res.setHeader('Set-Cookie', 'token=deleted; Expires=Thu, 01 Jan 1970 00:00:00 GMT');",
      "res.setHeader('Set-Cookie', cookie.serialize('sid', id, opts));",
      "res.setHeader('Content-Type', 'text/html; sid=1');",
      // `key` is the older name of `name`; cookie options built by a function are not judged (NodeBB)
      "const session = require('express-session');\napp.use(session({ store, secret: nconf.get('secret'), key: nconf.get('sessionKey'), cookie: setupCookie() }));",
    ], [
      { code: "const session = require('express-session');\napp.use(session({ secret: nconf.get('secret'), cookie: setupCookie() }));", errors: [2], messages: ['express-session uses the default cookie name connect.sid, which tells everyone the stack: set name.'] },
      { code: "const session = require('express-session');\napp.use(session({ name: 'app.sid', secret: process.env.S }));", errors: [2], messages: ['express-session cookie has no secure: true: the session id also crosses plain HTTP.'], output: "const session = require('express-session');\napp.use(session({ cookie: { secure: true, httpOnly: true, sameSite: 'lax' }, name: 'app.sid', secret: process.env.S }));" },
      { code: "const session = require('express-session');\napp.use(session({ name: 'app.sid', secret: process.env.S, cookie: { maxAge: 3600000 } }));", errors: [2], output: "const session = require('express-session');\napp.use(session({ name: 'app.sid', secret: process.env.S, cookie: { secure: true, maxAge: 3600000 } }));" },
      { code: "const session = require('express-session');\napp.use(session({ secret: process.env.S, cookie: { secure: true } }));", errors: [2], messages: ['express-session uses the default cookie name connect.sid, which tells everyone the stack: set name.'] },
      { code: "const session = require('express-session');\napp.use(session({ name: 'x', secret: process.env.S, cookie: { httpOnly: false, secure: true } }));", errors: [2], messages: ['express-session cookie has secure or httpOnly turned off.'] },
      { code: "const session = require('express-session');\nconst sessionConfig = { name: 'x', secret: process.env.S, cookie: { sameSite: 'none' } };\napp.use(session(sessionConfig));", errors: [3], messages: ["express-session cookie has sameSite: 'none' without secure: true: it is sent cross-site and over plain HTTP (and modern browsers drop it)."] },
      { code: "res.setHeader('Set-Cookie', `sid=${id}; Path=/`);", errors: [1], messages: ['Set-Cookie header for sid lacks Secure, HttpOnly, SameSite.'], output: "res.setHeader('Set-Cookie', `sid=${id}; Path=/; Secure; HttpOnly; SameSite=Lax`);" },
      { code: "res.append('Set-Cookie', 'auth_token=' + token + '; HttpOnly');", errors: [1], messages: ['Set-Cookie header for auth_token lacks Secure, SameSite.'] },
      // Every cookie is judged by its attributes (src/rules/shared/cookie-flags.ts); the name only sets the severity.
      { code: "res.writeHead(302, { Location: '/', 'Set-Cookie': [`session=${sid}; Secure; HttpOnly`, 'theme=dark'] });", errors: [1, 1], messages: ['Set-Cookie header for session lacks SameSite.', 'Set-Cookie header for theme lacks Secure, HttpOnly, SameSite.'] },
    ]));
  });
});

describe('issue 15 JS/TS rules: CORS in NestJS, origin callbacks and unanchored origin patterns', () => {
  it('js-cors-credentials: enableCors, NestFactory cors option, accept-all callbacks, regexes without anchors', async () => {
    await assertCases(withCases('js-cors-credentials', [
      "const app = await NestFactory.create(AppModule);\napp.enableCors({ origin: ['https://app.example.com'], credentials: true });",
      "const app = await NestFactory.create(AppModule);\napp.enableCors();",
      "const app = await NestFactory.create(AppModule, { cors: true });",
      "const cors = require('cors');\napp.use(cors({ origin: /^https:\\/\\/(www\\.)?example\\.com$/, credentials: true }));",
      "const cors = require('cors');\napp.use(cors({ origin: [/\\.example\\.com$/, 'https://example.com'] }));",
      "const cors = require('cors');\napp.use(cors({ origin: (origin, cb) => cb(null, ALLOWED.includes(origin)), credentials: true }));",
      "const cors = require('cors');\napp.use(cors({ origin(origin, callback) { if (allow(origin)) callback(null, true); else callback(new Error('no')); }, credentials: true }));",
      "const cors = require('cors');\napp.use(cors({ origin: new RegExp('^https://app\\\\.example\\\\.com$') }));",
      "// app.enableCors({ origin: true, credentials: true })\nconst s = 1;",
      "const cors = require('cors');\napp.use(cors({ origin: /^https:\\/\\/a\\.example\\.com$|^https:\\/\\/b\\.example\\.com$/ }));",
    ], [
      { code: "const cors = require('cors');\napp.use(cors({ origin: /^https:\\/\\/a\\.example\\.com$|b\\.example\\.com/ }));", errors: [2] },
      { code: "const app = await NestFactory.create(AppModule);\napp.enableCors({ origin: true, credentials: true });", errors: [2], messages: [{ messageId: 'default' }] },
      { code: "import { NestFactory } from '@nestjs/core';\nconst app = await NestFactory.create(AppModule, { cors: { origin: '*', credentials: true } });", errors: [2], messages: [{ messageId: 'default' }] },
      { code: "const cors = require('cors');\napp.use(cors({ origin: (o, done) => done(null, true), credentials: true }));", errors: [2], messages: [{ messageId: 'default' }] },
      { code: "const cors = require('cors');\napp.use(cors({ origin: function (origin, callback) { callback(null, origin); }, credentials: true }));", errors: [2] },
      { code: "const cors = require('cors');\napp.use(cors({ origin: /example\\.com/, credentials: true }));", errors: [2], messages: ['The allowed-origin pattern is not anchored at the end ($): example.com.attacker.net matches it, and credentials are allowed: anchor it (/^https:\\/\\/app\\.example\\.com$/).'] },
      { code: "const cors = require('cors');\napp.use(cors({ origin: new RegExp('example.com') }));", errors: [2], messages: ['The allowed-origin pattern is not anchored at the end ($): example.com.attacker.net matches it: anchor it (/^https:\\/\\/app\\.example\\.com$/).'] },
      { code: "const app = await NestFactory.create(AppModule);\nconst corsOptions = { origin: ['https://a.example.com', /example\\.com$/], credentials: true };\napp.enableCors(corsOptions);", errors: [2], messages: ['The allowed-origin pattern is not anchored at the start (^): attacker-example.com matches it, and credentials are allowed: anchor it (/^https:\\/\\/app\\.example\\.com$/).'] },
    ]));
  });
});

describe('issue 15 JS/TS rules: framework HTML sinks', () => {
  it('js-dom-xss: Angular bypassSecurityTrust*, Vue render functions with innerHTML', async () => {
    await assertCases(withCases('js-dom-xss', [
      "class A { constructor(private s: DomSanitizer) {}\n  icon = this.s.bypassSecurityTrustHtml('<svg><path d=\"M0 0\"/></svg>'); }",
      "class A { constructor(private s: DomSanitizer) {}\n  f(x: string) { return this.s.bypassSecurityTrustHtml(DOMPurify.sanitize(x)); } }",
      "import { h } from 'vue';\nconst v = h('div', { innerHTML: '<b>static</b>' });",
      "import { h } from 'vue';\nconst v = h('div', { innerText: props.text });",
      "const cfg = { innerHTML: props.html };",
      "// this.s.bypassSecurityTrustHtml(x)\nconst s = 1;",
    ], [
      { code: "class A { constructor(private s: DomSanitizer) {}\n  f(x: string) { return this.s.bypassSecurityTrustHtml(x); } }", errors: [2], messages: ["bypassSecurityTrustHtml turns Angular's sanitiser off for non-constant content: bind the value and let Angular sanitise it, or sanitise it first (DOMPurify)."] },
      { code: "class P { constructor(private sanitizer: DomSanitizer, private route: ActivatedRoute) {}\n  url = this.sanitizer.bypassSecurityTrustResourceUrl('https://www.youtube.com/embed/' + this.route.snapshot.params.id); }", errors: [2] },
      { code: "import { h } from 'vue';\nexport default { setup(props) { return () => h('div', { innerHTML: props.content.body }); } };", errors: [2], messages: ['innerHTML in a Vue render function with non-constant content: render text, or sanitise it with DOMPurify.'] },
      { code: "export default { render(createElement) {\n  return createElement('div', { domProps: { innerHTML: this.message.html } });\n} };", errors: [2] },
    ]));
  });
});

describe('issue 15: unescaped output in Vue and Svelte components, EJS and Handlebars layouts', () => {
  it('tpl-unescaped-output: v-html, {@html}, and not <%- body %> / layout slots / {{{body}}}', async () => {
    await assertCases(withCases('tpl-unescaped-output', [
      { code: '<template>\n  <p>{{ comment.text }}</p>\n</template>', filename: 'src/components/Comment.vue' },
      { code: '<template>\n  <!-- <div v-html="comment.text"></div> -->\n  <p v-text="comment.text"></p>\n</template>', filename: 'src/components/Comment.vue' },
      { code: '<template><span v-html="\'&nbsp;\'"></span></template>', filename: 'src/components/Space.vue' },
      { code: '<p>{comment.text}</p>\n<!-- {@html comment.text} -->', filename: 'src/routes/Comment.svelte' },
      { code: '<!DOCTYPE html>\n<html><body>\n<%- body %>\n<%- script %>\n<%- defineContent(\'sidebar\') %>\n<%- block(\'footer\').toString() %>\n</body></html>', filename: 'views/layout.ejs' },
      { code: '<html><body>{{{body}}}</body></html>', filename: 'views/layouts/main.hbs' },
      { code: '<div v-html="comment.text"></div>', filename: 'docs/notes.md' },
    ], [
      { code: '<template>\n  <div class="c" v-html="comment.text"></div>\n</template>', filename: 'src/components/Comment.vue', errors: [2], messages: ['v-html="comment.text" inserts raw HTML: render it with {{ }} (escaped), or sanitise it first (DOMPurify).'] },
      { code: "<template><div v-html='post.body'></div></template>", filename: 'Post.vue', errors: [1] },
      { code: '<article>\n  {@html post.content}\n</article>', filename: 'src/routes/Post.svelte', errors: [2], messages: ['{@html post.content} inserts raw HTML: use {post.content} (escaped), or sanitise it first (DOMPurify).'] },
      { code: '<main>\n<%- body %>\n<p><%- user.bio %></p>\n</main>', filename: 'views/profile.ejs', errors: [3], messages: ['<%- user.bio %> outputs raw HTML: use <%= %> unless the value is trusted markup.'] },
      { code: '{{{body}}}\n<p>{{{ comment }}}</p>', filename: 'views/layouts/main.hbs', errors: [2] },
    ]));
  });
});
