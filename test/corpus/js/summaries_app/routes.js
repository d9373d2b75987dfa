// Taint through local helpers, methods, closures and guards (issue 14).
const express = require('express');
const helmet = require('helmet');
const path = require('path');
const User = require('./models/user');

const app = express();
app.use(helmet());
const UPLOADS = path.join(__dirname, 'uploads');

function sendUpload(file, res) {
  res.sendFile(path.resolve(UPLOADS, file)); // VULN: path
}

function sendStatic(file, res) {
  res.sendFile(path.resolve(UPLOADS, file)); // SAFE: path
}

function byName(name) {
  return { name: name };
}

function activeOnly(name) {
  return { active: true };
}

app.get('/files', (req, res) => sendUpload(req.query.file, res));
app.get('/logo', (req, res) => sendStatic('logo.png', res));

app.get('/users', async (req, res) => {
  const filter = byName(req.query.name);
  res.json(await User.find(filter)); // VULN: injection
});

app.get('/active', async (req, res) => {
  const filter = activeOnly(req.query.name);
  res.json(await User.find(filter)); // SAFE: injection
});

class Reports {
  open(req, res) {
    this.serve(req.params.name, res);
  }

  serve(name, res) {
    res.sendFile(path.join(UPLOADS, name)); // VULN: path
  }

  latest(res) {
    this.serveFixed('latest.pdf', res);
  }

  serveFixed(name, res) {
    res.sendFile(path.join(UPLOADS, name)); // SAFE: path
  }
}

const reports = new Reports();
app.get('/reports/:name', (req, res) => reports.open(req, res));
app.get('/reports', (req, res) => reports.latest(res));

app.get('/later', (req, res) => {
  const target = req.query.next;
  const go = () => res.redirect(target); // VULN: redirect
  setTimeout(go, 10);
});

app.get('/checked', (req, res) => {
  let target = String(req.query.next || '/');
  if (!isSafeRedirect(target)) target = '/';
  res.redirect(target); // SAFE: redirect
});

app.get('/inside', (req, res) => {
  const target = String(req.query.next || '/');
  if (isSafeRedirect(target)) {
    return res.redirect(target); // SAFE: redirect
  }
  res.redirect(target); // VULN: redirect
});

function isSafeRedirect(u) {
  return u.startsWith('/') && !u.startsWith('//');
}

app.listen(3000);
