// Routes passing request data to helpers in another file (issue 14, cross-file).
const express = require('express');
const helmet = require('helmet');
const users = require('./dao/users');

const app = express();
app.use(helmet());

app.get('/user', async (req, res) => {
  res.json(await users.byId(req.query.id)); // VULN: injection
});

app.get('/user2', async (req, res) => {
  res.json(await users.byName(req.query.name)); // SAFE: injection
});

app.get('/me', async (req, res) => {
  res.json(await users.byId(42)); // SAFE: injection
});

module.exports = app;
