const express = require('express');
const session = require('express-session');
const cors = require('cors');
const helmet = require('helmet');
const { Pool } = require('pg');
const mysql = require('mysql2');
const { exec, execFile } = require('child_process');
const fs = require('fs');
const path = require('path');
const axios = require('axios');
const jwt = require('jsonwebtoken');
const crypto = require('crypto');
const _ = require('lodash');

const app = express();
app.use(helmet());
app.use(express.json());
app.use(session({ secret: 'keyboard cat', resave: false, saveUninitialized: false })); // VULN: secrets
app.use(cors({ origin: true, credentials: true })); // VULN: config

const pool = new Pool();
const conn = mysql.createConnection({ host: 'db', user: 'api', password: process.env.DB_PASSWORD }); // SAFE: secrets

app.get('/orders', async (req, res) => {
  const { status } = req.query;
  const result = await pool.query(`SELECT * FROM orders WHERE status = '${status}'`); // VULN: injection
  const safe = await pool.query('SELECT * FROM orders WHERE status = $1', [status]); // SAFE: injection
  res.json({ a: result.rows, b: safe.rows });
});

app.get('/customers/:id', (req, res) => {
  conn.query('SELECT * FROM customers WHERE id = ' + req.params.id, (err, rows) => res.json(rows)); // VULN: injection
});

app.post('/backup', (req, res) => { // VULN: auth
  exec('tar czf /backups/' + req.body.name + '.tgz /data', (err) => res.json({ ok: !err })); // VULN: injection
});

app.post('/backup2', (req, res) => {
  execFile('tar', ['czf', `/backups/${path.basename(req.body.name)}.tgz`, '/data'], (err) => res.json({ ok: !err })); // SAFE: injection
});

app.get('/files/:name', (req, res) => {
  res.sendFile(path.join(__dirname, 'files', req.params.name)); // VULN: path
});

app.get('/files2/:name', (req, res) => {
  res.sendFile(path.basename(req.params.name), { root: path.join(__dirname, 'files') }); // SAFE: path
});

app.get('/logs', (req, res) => {
  fs.readFile('/var/log/app/' + req.query.file, 'utf8', (e, d) => res.type('text/plain').send(d)); // VULN: path
});

app.get('/fetch', async (req, res) => {
  const r = await axios.get(req.query.url); // VULN: ssrf
  res.json(r.data);
});

app.get('/weather', async (req, res) => {
  const r = await axios.get(`https://api.weather.example.com/v1/${encodeURIComponent(req.query.city)}`); // SAFE: ssrf
  res.json(r.data);
});

app.get('/hello', (req, res) => {
  res.send('<h1>Hello ' + req.query.name + '</h1>'); // VULN: xss
});

app.get('/hello.json', (req, res) => {
  res.json({ hello: req.query.name }); // SAFE: xss
});

app.get('/me', (req, res) => {
  const user = jwt.verify(req.headers.authorization, process.env.JWT_SECRET); // VULN: auth
  res.json(user);
});

app.get('/me2', (req, res) => {
  const user = jwt.verify(req.headers.authorization, process.env.JWT_SECRET, { algorithms: ['HS256'] }); // SAFE: auth
  res.json(user);
});

app.post('/login', (req, res) => {
  const hash = crypto.createHash('md5').update(req.body.password).digest('hex'); // VULN: crypto
  const token = Math.random().toString(36).substring(2); // VULN: randomness
  res.cookie('auth_token', token); // VULN: auth
  res.cookie('lang', 'en'); // VULN: auth (low: every cookie needs Secure, HttpOnly, SameSite; the name only sets the severity)
  res.cookie('lang', 'en', { secure: true, httpOnly: true, sameSite: 'lax' }); // SAFE: auth
  res.json({ hash });
});

app.post('/login2', (req, res) => {
  const token = crypto.randomBytes(32).toString('hex'); // SAFE: randomness
  res.cookie('auth_token', token, { httpOnly: true, secure: true, sameSite: 'strict' }); // SAFE: auth
  res.json({ ok: true });
});

app.get('/continue', (req, res) => {
  res.redirect(req.query.returnTo); // VULN: redirect
});

app.put('/settings', (req, res) => {
  _.merge(req.session.settings, req.body); // VULN: injection
  res.json(req.session.settings);
});

app.get('/calc', (req, res) => {
  res.json({ value: eval(req.query.expr) }); // VULN: injection
});

app.listen(3000);

async function syncOrders(token) {
  await axios.post('http://orders.partner-shop.com/api/sync', { token }); // VULN: tls
  await axios.post('https://orders.partner-shop.com/api/sync', { token }); // SAFE: tls
  await axios.get('http://localhost:9200/_cluster/health'); // SAFE: tls
}
module.exports.syncOrders = syncOrders;
