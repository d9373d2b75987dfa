import * as assert from 'node:assert/strict';
import { Analyzer } from '../src/core/engine';
import { detectLanguage } from '../src/core/languages';
import { ensureLanguages } from '../src/core/parser';
import { ruleById } from '../src/rules';

before(() => ensureLanguages(['python', 'javascript', 'typescript']));

/** Lines (1-based) on which rule `id` reports in `code`. */
function flagged(id: string, code: string, file = id.startsWith('py-') ? 'views.py' : 'app.js'): number[] {
  const rule = ruleById(id);
  assert.ok(rule, `rule ${id}`);
  const lang = detectLanguage(file);
  assert.ok(lang);
  const a = new Analyzer([rule]).analyzeSync(file, code, lang);
  a.tree.delete();
  return a.findings.map((f) => f.range.start.line + 1);
}

describe('sinks that need their context: a response body is HTML only when it is text', () => {
  it('Express res.send of an object held in a variable, or of a database document, is JSON: not reflected XSS', () => {
    for (const code of [
      "app.get('/a', (req, res) => {\n  const data = { q: req.query.q, n: 1 };\n  res.send(data);\n});",
      "app.get('/p/:slug', async (req, res) => {\n  const post = await Post.findOne({ slug: req.params.slug });\n  res.send(post);\n});",
      "app.get('/l', async (req, res) => {\n  const rows = await db.collection('items').find({ tag: req.query.tag }).toArray();\n  res.status(200).send(rows);\n});",
      "app.post('/echo', (req, res) => res.send(req.body));",
      "app.get('/q', (req, res) => res.send(JSON.parse(req.query.doc)));",
    ]) assert.deepEqual(flagged('js-reflected-xss', code), [], code);
  });
  it('text built from request data is still reflected XSS, through a variable or a string method', () => {
    assert.deepEqual(flagged('js-reflected-xss', "app.get('/a', (req, res) => {\n  const html = '<p>' + req.query.q + '</p>';\n  res.send(html);\n});"), [3]);
    assert.deepEqual(flagged('js-reflected-xss', "app.get('/b', (req, res) => {\n  const name = req.query.name;\n  res.send(`<b>${name.trim()}</b>`);\n});"), [3]);
    assert.deepEqual(flagged('js-reflected-xss', "app.get('/c', (req, res) => res.send(req.query.q || 'none'));"), [1]);
  });
  it('res.writeHead with a non-HTML Content-Type (object, array or with a status message) is honoured', () => {
    for (const code of [
      "http.createServer((req, res) => {\n  res.writeHead(200, { 'Content-Type': 'text/plain' });\n  res.end(req.url);\n});",
      "app.get('/t', (req, res) => {\n  res.writeHead(200, 'OK', { 'content-type': 'application/json; charset=utf-8' });\n  res.end('{\"q\": \"' + req.query.q + '\"}');\n});",
      "app.get('/t', (req, res) => {\n  res.writeHead(200, [['Content-Type', 'text/plain']]);\n  res.end('you sent ' + req.query.q);\n});",
      "app.get('/t', (req, res) => {\n  res.set({ 'Content-Type': 'text/plain' });\n  res.send('you sent ' + req.query.q);\n});",
    ]) assert.deepEqual(flagged('js-reflected-xss', code), [], code);
    // An HTML content type makes it no safer.
    assert.deepEqual(flagged('js-reflected-xss', "http.createServer((req, res) => {\n  res.writeHead(200, { 'Content-Type': 'text/html' });\n  res.end('<p>' + req.url + '</p>');\n});"), [3]);
  });
  it('JSON responses are never reflected XSS (res.json, res.jsonp, JsonResponse, jsonify)', () => {
    assert.deepEqual(flagged('js-reflected-xss', "app.get('/j', (req, res) => {\n  res.json({ q: '<p>' + req.query.q });\n  res.jsonp(req.query.q);\n});"), []);
    assert.deepEqual(flagged('py-reflected-xss', 'from django.http import JsonResponse\ndef v(request):\n    return JsonResponse({"q": "<p>" + request.GET["q"]})'), []);
    assert.deepEqual(flagged('py-reflected-xss', 'from flask import Flask, jsonify, request\napp = Flask(__name__)\n@app.route("/j")\ndef j():\n    body = jsonify(q="<p>" + request.args["q"])\n    return body'), []);
  });
  it('Django HttpResponse of an autoescaped template render is not XSS; of text built from request data it is', () => {
    for (const code of [
      'from django.http import HttpResponse\nfrom django.template.loader import render_to_string\ndef v(request):\n    html = render_to_string("search.html", {"q": request.GET["q"]})\n    return HttpResponse(html)',
      'from django.http import HttpResponse\nfrom django.template import loader\ndef v(request):\n    template = loader.get_template("search.html")\n    return HttpResponse(template.render({"q": request.GET["q"]}, request))',
      'from django.http import HttpResponse\nfrom django.template import loader\ndef v(request):\n    template = loader.get_template("search.html")\n    out = template.render({"q": request.GET.get("q")}, request)\n    return HttpResponse(out)',
    ]) assert.deepEqual(flagged('py-reflected-xss', code), [], code);
    assert.deepEqual(flagged('py-reflected-xss', 'from django.http import HttpResponse\nfrom django.template.loader import render_to_string\ndef v(request):\n    html = render_to_string("a.html") + request.GET["q"]\n    return HttpResponse(html)'), [5]);
  });
});

describe('SQL assembled from literals only, with values passed as parameters, is not an injection', () => {
  it('Python: a concatenation of literals, a module constant, a query picked from a dict of literals, placeholders joined', () => {
    for (const code of [
      'import sqlite3\nfrom flask import request\nconn = sqlite3.connect("db")\n@app.route("/u")\ndef u():\n    conn.execute("SELECT * FROM users WHERE id = " + "?", (request.args["id"],))',
      'import sqlite3\nfrom flask import request\nQUERY = "SELECT * FROM users " + "WHERE name = ?"\nconn = sqlite3.connect("db")\n@app.route("/u")\ndef u():\n    conn.execute(QUERY, (request.args["n"],))',
      'import sqlite3\nfrom flask import request\nQUERIES = {"name": "SELECT * FROM u ORDER BY name", "age": "SELECT * FROM u ORDER BY age"}\nconn = sqlite3.connect("db")\n@app.route("/u")\ndef u():\n    conn.execute(QUERIES[request.args["sort"]])',
      'import sqlite3\nfrom flask import request\nconn = sqlite3.connect("db")\n@app.route("/u")\ndef u():\n    ids = request.args.getlist("id")\n    conn.execute("SELECT * FROM u WHERE id IN (%s)" % ",".join(["?"] * len(ids)), ids)',
      'import sqlite3\nfrom flask import request\nconn = sqlite3.connect("db")\n@app.route("/u")\ndef u():\n    ids = request.args.getlist("id")\n    placeholders = ", ".join("?" for _ in ids)\n    conn.execute(f"SELECT * FROM u WHERE id IN ({placeholders})", ids)',
    ]) assert.deepEqual(flagged('py-sql-injection', code), [], code);
    assert.deepEqual(flagged('py-sql-injection', 'import sqlite3\nfrom flask import request\nconn = sqlite3.connect("db")\n@app.route("/u")\ndef u():\n    conn.execute("SELECT * FROM u WHERE id IN (%s)" % ",".join(request.args.getlist("id")))'), [6]);
  });
  it('JavaScript: the same shapes', () => {
    for (const code of [
      "app.get('/u', (req, res) => db.query('SELECT * FROM users WHERE id = ' + '?', [req.query.id]));",
      "const QUERY = 'SELECT * FROM users ' + 'WHERE name = $1';\napp.get('/u', (req, res) => pool.query(QUERY, [req.query.n]));",
      "const QUERIES = { name: 'SELECT * FROM u ORDER BY name', age: 'SELECT * FROM u ORDER BY age' };\napp.get('/u', (req, res) => pool.query(QUERIES[req.query.sort]));",
      "app.get('/u', (req, res) => {\n  const ids = [].concat(req.query.id);\n  pool.query(`SELECT * FROM u WHERE id IN (${ids.map(() => '?').join(',')})`, ids);\n});",
      "app.get('/u', (req, res) => {\n  const ids = [].concat(req.query.id);\n  pool.query('SELECT * FROM u WHERE id IN (' + new Array(ids.length).fill('?').join(', ') + ')', ids);\n});",
    ]) assert.deepEqual(flagged('js-sql-injection', code), [], code);
    assert.deepEqual(flagged('js-sql-injection', "app.get('/u', (req, res) => pool.query('SELECT * FROM u WHERE id IN (' + req.query.ids.join(',') + ')'));"), [1]);
  });
});

describe('framework sources as model rows', () => {
  it('NestJS decorated parameters in a TypeScript controller are request data; undecorated ones are not', () => {
    const code = "import { Body, Controller, Param, Post } from '@nestjs/common';\nimport * as fs from 'fs';\n@Controller('files')\nexport class FilesController {\n  @Post(':name')\n  save(@Param('name') name: string, @Body() body: { text: string }, owner: string) {\n    fs.writeFileSync('/srv/' + name, body.text);\n    fs.writeFileSync('/srv/' + owner, '');\n  }\n}";
    assert.deepEqual(flagged('js-path-traversal', code, 'files.controller.ts'), [7]);
  });
  it('koa ctx.request.body, fastify request.query and GraphQL resolver args (arrow and method forms)', () => {
    assert.deepEqual(flagged('js-path-traversal', "const fs = require('fs');\nrouter.post('/f', async (ctx) => {\n  ctx.body = fs.readFileSync('/srv/' + ctx.request.body.name);\n});"), [3]);
    assert.deepEqual(flagged('js-path-traversal', "const fs = require('fs');\nfastify.get('/f', async (request, reply) => fs.readFileSync('/srv/' + request.query.name));"), [2]);
    assert.deepEqual(flagged('js-path-traversal', "const fs = require('fs');\nconst resolvers = {\n  Mutation: {\n    read(parent, { name }) { return fs.readFileSync('/srv/' + name); },\n  },\n};"), [4]);
    // Only the args: the parent object and the context are not client input.
    assert.deepEqual(flagged('js-path-traversal', "const fs = require('fs');\nconst resolvers = { Query: { me: (parent, args, ctx) => fs.readFileSync('/srv/' + ctx.user.dir) } };"), []);
  });
  it('FastAPI route parameters are request data, except dependencies and the Request object', () => {
    const base = 'from fastapi import FastAPI, Depends, Request\napp = FastAPI()\ndef cfg():\n    return "x"\n';
    assert.deepEqual(flagged('py-path-traversal', `${base}@app.get("/f/{name}")\ndef f(name: str):\n    return open("/srv/" + name).read()`, 'main.py'), [7]);
    assert.deepEqual(flagged('py-path-traversal', `${base}@app.get("/f")\ndef f(request: Request, name: str = Depends(cfg)):\n    return open("/srv/" + name).read()`, 'main.py'), []);
    // A plain function with the same signature is not a route.
    assert.deepEqual(flagged('py-path-traversal', 'def f(name: str):\n    return open("/srv/" + name).read()', 'main.py'), []);
  });
  it('aiohttp awaited readers, DRF request.data, http.server self.path only in a request handler', () => {
    assert.deepEqual(flagged('py-path-traversal', 'from aiohttp import web\nasync def h(request):\n    data = await request.post()\n    return web.FileResponse(open("/srv/" + data["name"]))', 'app.py'), [4]);
    assert.deepEqual(flagged('py-path-traversal', 'from http.server import BaseHTTPRequestHandler\nclass H(BaseHTTPRequestHandler):\n    def do_GET(self):\n        open("/srv" + self.path)', 'srv.py'), [4]);
    assert.deepEqual(flagged('py-path-traversal', 'class Config:\n    def load(self):\n        open("/srv" + self.path)', 'cfg.py'), []);
  });
});
