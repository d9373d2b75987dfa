// Sinks that need their context, and framework sources from the model tables (issues 14, 15).
const express = require('express');
const helmet = require('helmet');
const fs = require('fs');
const path = require('path');
const serialize = require('node-serialize');

const app = express();
app.use(helmet());

app.get('/post/:slug', async (req, res) => {
  const post = await Post.findOne({ slug: String(req.params.slug) });
  res.send(post); // SAFE: xss
});

app.get('/echo', (req, res) => {
  const data = { q: req.query.q };
  res.send(data); // SAFE: xss
});

app.get('/plain', (req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain' });
  res.end('you asked for ' + req.query.q); // SAFE: xss
});

app.get('/hello', (req, res) => {
  const html = '<h1>Hello ' + req.query.name + '</h1>';
  res.send(html); // VULN: xss
});

app.get('/ids', (req, res) => {
  const ids = [].concat(req.query.id);
  db.query(`SELECT * FROM items WHERE id IN (${ids.map(() => '?').join(',')})`, ids); // SAFE: injection
});

app.get('/file', (req, res) => {
  res.sendFile(path.join(__dirname, 'files', req.query.name)); // VULN: path
});

app.get('/rooted', (req, res) => {
  res.sendFile(req.query.name, { root: path.join(__dirname, 'files') }); // SAFE: path
});

app.get('/profile', (req, res) => {
  const profile = serialize.unserialize(Buffer.from(req.cookies.profile, 'base64').toString()); // VULN: deserialization
  res.json(profile);
});

app.post('/upload', (req, res) => {
  fs.writeFileSync('/srv/uploads/' + req.files.doc.name, req.files.doc.data); // VULN: path
  res.sendStatus(204);
});

const resolvers = {
  Query: {
    report: (parent, args) => fs.readFileSync('/srv/reports/' + args.name, 'utf8'), // VULN: path
  },
};

module.exports = { app, resolvers };
