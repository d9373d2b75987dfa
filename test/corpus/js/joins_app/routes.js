// Taint through joins and options held in constants (issue 14).
const jwt = require('jsonwebtoken');
const cors = require('cors');
const helmet = require('helmet');
const express = require('express');

const app = express();
app.use(helmet());
const verifyOptions = { algorithms: ['HS256', 'none'] };
const pinnedOptions = { algorithms: ['HS256'] };
const corsOptions = { origin: true, credentials: true };
const strictCors = { origin: 'https://app.example.com', credentials: true };

app.use(cors(corsOptions)); // VULN: config
app.use('/api', cors(strictCors)); // SAFE: config

function readToken(token, secret) {
  return jwt.verify(token, secret, verifyOptions); // VULN: auth
}

function readPinned(token, secret) {
  return jwt.verify(token, secret, pinnedOptions); // SAFE: auth
}

app.get('/continue', (req, res) => {
  let target = req.query.page;
  if (!req.query.external) target = `/${target}`;
  res.redirect(target); // VULN: redirect
});

app.get('/home', (req, res) => {
  let target = req.query.page;
  target = `/home/${encodeURIComponent(target)}`;
  res.redirect(target); // SAFE: redirect
});

app.post('/moved', (req, res) => {
  res.setHeader('Location', req.body.location); // VULN: redirect
  res.sendStatus(302);
});

app.post('/moved-home', (req, res) => {
  res.setHeader('Location', '/home'); // SAFE: redirect
  res.sendStatus(302);
});

module.exports = { app, readToken, readPinned };
