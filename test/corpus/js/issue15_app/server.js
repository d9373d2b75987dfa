// Issue 15 (JS/TS, not taint): keys, session cookies, CSRF, CORS, XXE, template escaping, weak hashes.
const express = require('express');
const session = require('express-session');
const cors = require('cors');
const helmet = require('helmet');
const crypto = require('crypto');
const jwt = require('jsonwebtoken');
const { SignJWT, jwtVerify } = require('jose');
const { Strategy: JwtStrategy } = require('passport-jwt');
const libxmljs = require('libxmljs2');
const nunjucks = require('nunjucks');
const md5 = require('md5');

const app = express();
app.use(helmet());
app.use(session({ name: 'shop.sid', secret: process.env.SESSION_SECRET || 'keyboard-cat', cookie: { httpOnly: true } })); // VULN: secrets
app.use(cors({ origin: /shop\.example\.com/, credentials: true })); // VULN: config
app.use('/api', cors({ origin: /^https:\/\/(www\.)?shop\.example\.com$/, credentials: true })); // SAFE: config
nunjucks.configure('views', { autoescape: false, express: app }); // VULN: xss

const JWT_KEY = new TextEncoder().encode('4f1c9a7e2b6d8305f1c9a7e2b6d83054');
passport.use(new JwtStrategy({ jwtFromRequest, secretOrKey: process.env.JWT_SECRET }, verifyUser)); // SAFE: secrets

app.post('/token', async (req, res) => { // VULN: auth
  const token = await new SignJWT({ sub: req.user.id }).setProtectedHeader({ alg: 'HS256' }).sign(JWT_KEY); // VULN: secrets
  res.setHeader('Set-Cookie', `auth_token=${token}; Path=/`); // VULN: auth
  res.setHeader('Set-Cookie', `auth_token=${token}; Path=/; Secure; HttpOnly; SameSite=Strict`); // SAFE: auth
  res.json({ ok: true });
});

app.post('/verify', async (req, res) => {
  const { payload } = await jwtVerify(req.body.token, new TextEncoder().encode(process.env.JWT_SECRET)); // SAFE: secrets
  const sig = crypto.createHmac('sha256', 'webhook-signing-secret').update(req.body.raw).digest('hex'); // VULN: secrets
  res.json({ payload, sig });
});

app.post('/import', (req, res) => {
  const doc = libxmljs.parseXml(req.body.xml, { noent: true }); // VULN: injection
  const plain = libxmljs.parseXml(req.body.xml, { nonet: true }); // SAFE: injection
  res.json({ root: doc.root().name(), other: plain.root().name() });
});

app.post('/register', (req, res) => {
  const hash = md5(req.body.password); // VULN: crypto
  const avatar = 'https://www.gravatar.com/avatar/' + md5(req.body.email); // SAFE: crypto
  res.json({ hash, avatar });
});

app.listen(3000);
