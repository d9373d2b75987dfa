import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Analyzer } from '../src/core/engine';
import { LiveDocument } from '../src/core/live-document';
import { ModuleResolver, readTsPaths } from '../src/core/module-resolution';
import { ensureLanguages } from '../src/core/parser';
import { MemoryScanCache, scanPaths } from '../src/core/scanner';
import { exportedFunction, MAX_IMPORT_DEPTH, WorkspaceIndex } from '../src/core/workspace-index';
import { toSarif } from '../src/core/report/sarif';
import { MAX_SOURCE_BYTES, readGuardedText } from '../src/core/safe-fs';
import type { Finding } from '../src/core/types';
import { allRules } from '../src/rules';

before(() => ensureLanguages(['python', 'javascript', 'typescript', 'tsx']));

/** A small project in a fresh temp folder: relative path → content. */
function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-xfile-'));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

async function scan(dir: string, extra: Parameters<typeof scanPaths>[1] extends infer O ? Partial<O> : never = {}): Promise<Finding[]> {
  const r = await scanPaths([dir], { rules: allRules, ...extra });
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.ruleFailures, []);
  return r.findings;
}

/** `file:line ruleId` of each finding, paths relative to `dir`. */
function where(dir: string, fs_: Finding[]): string[] {
  return fs_.map((f) => `${path.relative(dir, f.file).split(path.sep).join('/')}:${f.range.start.line + 1} ${f.ruleId}`);
}

const MODELS_PY = [
  'import sqlite3',
  '',
  '',
  'def find_user(name):',
  '    cur = sqlite3.connect("x.db").cursor()',
  '    cur.execute("SELECT * FROM users WHERE name = ?", (name,))',
  '    cur.execute("SELECT * FROM users WHERE name = \'" + name + "\'")',
  '    return cur.fetchall()',
  '',
  '',
  'def safe_find(name):',
  '    cur = sqlite3.connect("x.db").cursor()',
  '    cur.execute("SELECT * FROM users WHERE name = ?", (name,))',
  '    return cur.fetchall()',
  '',
].join('\n');

describe('module resolution', () => {
  it('Python: relative imports, absolute imports of project packages (src layout), never the standard library', () => {
    const dir = project({ 'src/app/__init__.py': '', 'src/app/models.py': '', 'src/app/sub/__init__.py': '', 'src/app/sub/views.py': '', 'src/app/pkg/__init__.py': '', 'tools/run.py': '', 'tools/helper.py': '' });
    const r = new ModuleResolver(dir, ['src/app/__init__.py', 'src/app/models.py', 'src/app/sub/__init__.py', 'src/app/sub/views.py', 'src/app/pkg/__init__.py', 'tools/run.py', 'tools/helper.py'].map((f) => path.join(dir, f)));
    const views = path.join(dir, 'src/app/sub/views.py');
    assert.equal(r.resolvePython(views, { level: 2, module: ['models'] }), path.join(dir, 'src/app/models.py'));
    assert.equal(r.resolvePython(views, { level: 1, module: [] }), path.join(dir, 'src/app/sub/__init__.py'));
    assert.equal(r.resolvePython(views, { level: 2, module: ['pkg'] }), path.join(dir, 'src/app/pkg/__init__.py'));
    assert.equal(r.resolvePython(views, { level: 0, module: ['app', 'models'] }), path.join(dir, 'src/app/models.py'));
    assert.equal(r.resolvePython(views, { level: 0, module: ['os', 'path'] }), undefined);
    // Above the root: nothing, even when a folder there would match.
    assert.equal(r.resolvePython(views, { level: 5, module: ['models'] }), undefined);
    // A script imports its neighbour (the script's folder is on sys.path).
    assert.equal(r.resolvePython(path.join(dir, 'tools/run.py'), { level: 0, module: ['helper'] }), path.join(dir, 'tools/helper.py'));
  });

  it('JS/TS: extensions, index files, .js written for .ts, tsconfig paths and baseUrl (comments allowed), never outside the root', () => {
    const dir = project({
      'tsconfig.json': '{\n  // aliases\n  "compilerOptions": { "baseUrl": ".", "paths": { "@lib/*": ["src/lib/*"], "@db": ["src/db/index.ts"], "@out/*": ["../outside/*"] }, },\n}',
    });
    const files = ['src/a.ts', 'src/lib/util.ts', 'src/db/index.ts', 'src/c.mjs', 'src/d/index.js', 'src/shared.ts'].map((f) => path.join(dir, f));
    const r = new ModuleResolver(dir, files);
    const from = path.join(dir, 'src/a.ts');
    assert.equal(r.resolveJs(from, './lib/util'), path.join(dir, 'src/lib/util.ts'));
    assert.equal(r.resolveJs(from, './lib/util.js'), path.join(dir, 'src/lib/util.ts'));
    assert.equal(r.resolveJs(from, './c.mjs'), path.join(dir, 'src/c.mjs'));
    assert.equal(r.resolveJs(from, './d'), path.join(dir, 'src/d/index.js'));
    assert.equal(r.resolveJs(from, '@lib/util'), path.join(dir, 'src/lib/util.ts'));
    assert.equal(r.resolveJs(from, '@db'), path.join(dir, 'src/db/index.ts'));
    assert.equal(r.resolveJs(from, 'src/shared'), path.join(dir, 'src/shared.ts')); // baseUrl
    assert.equal(r.resolveJs(from, 'express'), undefined);
    assert.equal(r.resolveJs(from, '@out/x'), undefined);
    assert.equal(r.resolveJs(from, '../../outside/x'), undefined);
    // The alias leaving the root is dropped when the tsconfig is read.
    assert.deepEqual(readTsPaths(fs.readFileSync(path.join(dir, 'tsconfig.json'), 'utf8'), dir, dir).aliases.map((a) => a.prefix), ['@lib/', '@db']);
  });
});

describe('cross-file taint: the workspace index', () => {
  it('Python: request data passed to a helper in another module is flagged at the call, with the sink file in the message and a related location', async () => {
    const dir = project({
      'app/__init__.py': '',
      'app/models.py': MODELS_PY,
      'app/views.py': [
        'from flask import Flask, request',
        'from .models import find_user, safe_find',
        'from . import models',
        'import app.models',
        '',
        'web = Flask(__name__)',
        '',
        '',
        '@web.route("/u")',
        'def user():',
        '    a = find_user(request.args["name"])',
        '    b = safe_find(request.args["name"])',
        '    c = models.find_user(name=request.args.get("n"))',
        '    d = app.models.find_user(request.form["q"])',
        '    e = find_user("constant")',
        '    return str((a, b, c, d, e))',
        '',
      ].join('\n'),
    });
    const found = await scan(dir);
    const views = found.filter((f) => f.file.endsWith('views.py'));
    assert.deepEqual(where(dir, views), ['app/views.py:11 py-sql-injection', 'app/views.py:13 py-sql-injection', 'app/views.py:14 py-sql-injection']);
    for (const f of views) {
      assert.match(f.message, /in app\/models\.py:7, reached through find_user\(\)/);
      const sink = f.related?.find((r) => r.file);
      assert.equal(sink?.file, path.join(dir, 'app/models.py'));
      assert.equal(sink?.range.start.line, 6);
      assert.equal(f.confidence, 'high');
    }
    // The related location in the other file is written as that file in SARIF.
    const sarif = toSarif({ findings: views, baseDir: dir, rules: allRules } as unknown as Parameters<typeof toSarif>[0]) as { runs: { results: { relatedLocations?: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
    const uris = sarif.runs[0].results[0].relatedLocations?.map((l) => l.physicalLocation.artifactLocation.uri);
    assert.deepEqual(uris, ['app/models.py', 'app/views.py']);
  });

  it('JS: require and import of local files (module.exports object, exports.x, export function, default export)', async () => {
    const dir = project({
      'dao/users.js': [
        "const db = require('mysql').createConnection({});",
        'function byName(name) {',
        "  return db.query('SELECT * FROM users WHERE name = \"' + name + '\"');",
        '}',
        'function safe(name) {',
        "  return db.query('SELECT * FROM users WHERE name = ?', [name]);",
        '}',
        'module.exports = { byName, safe };',
        '',
      ].join('\n'),
      'lib/run.mjs': "import { exec } from 'child_process';\nexport function run(cmd) {\n  exec('ls ' + cmd);\n}\nexport default function (cmd) {\n  exec(cmd);\n}\n",
      'lib/index.js': "const cp = require('child_process');\nexports.launch = (c) => cp.exec(c);\n",
      'server.mjs': [
        "import express from 'express';",
        "import users from './dao/users.js';",
        "import runDefault, { run } from './lib/run.mjs';",
        "import { createRequire } from 'module';",
        'const app = express();',
        "app.get('/u', (req, res) => {",
        '  users.byName(req.query.name);',
        '  users.safe(req.query.name);',
        '  run(req.query.cmd);',
        '  runDefault(req.body.cmd);',
        "  run('fixed');",
        '  res.send("ok");',
        '});',
        '',
      ].join('\n'),
      'other.js': "const express = require('express');\nconst { byName } = require('./dao/users');\nconst lib = require('./lib');\nconst app = express();\napp.post('/x', (req, res) => {\n  byName(req.body.n);\n  lib.launch(req.body.c);\n  res.end();\n});\n",
    });
    const found = (await scan(dir)).filter((f) => /injection/.test(f.ruleId) && (f.file.endsWith('server.mjs') || f.file.endsWith('other.js')));
    assert.deepEqual(where(dir, found), ['other.js:6 js-sql-injection', 'other.js:7 js-command-injection', 'server.mjs:7 js-sql-injection', 'server.mjs:9 js-command-injection', 'server.mjs:10 js-command-injection']);
    assert.match(found[0].message, /in dao\/users\.js:3, reached through byName\(\)/);
  });

  it('TS: an import through a tsconfig paths alias', async () => {
    const dir = project({
      'tsconfig.json': '{ "compilerOptions": { "baseUrl": "./src", "paths": { "@db/*": ["db/*"] } } }',
      'src/db/query.ts': "import { Pool } from 'pg';\nconst pool = new Pool();\nexport async function find(id: string) {\n  return pool.query(`SELECT * FROM t WHERE id = ${id}`);\n}\n",
      'src/routes.ts': "import express from 'express';\nimport { find } from '@db/query';\nconst app = express();\napp.get('/t', async (req, res) => {\n  res.json(await find(String(req.params.id)));\n});\n",
    });
    const found = (await scan(dir)).filter((f) => /injection/.test(f.ruleId) && f.file.endsWith('routes.ts'));
    assert.deepEqual(where(dir, found), ['src/routes.ts:5 js-sql-injection']);
    assert.match(found[0].message, /src\/db\/query\.ts:4/);
  });

  it('a source in another file: a helper returning request data, used in a sink here', async () => {
    const dir = project({
      'util.py': 'from flask import request\n\n\ndef get_name():\n    return request.args["name"]\n\n\ndef get_fixed():\n    return "x"\n',
      'app.py': 'import sqlite3\nfrom util import get_name, get_fixed\n\n\ndef view():\n    cur = sqlite3.connect("x").cursor()\n    cur.execute("SELECT %s" % get_name())\n    cur.execute("SELECT %s" % get_fixed())\n',
    });
    const found = (await scan(dir)).filter((f) => f.file.endsWith('app.py'));
    assert.deepEqual(where(dir, found).filter((w) => w.endsWith('py-sql-injection')), ['app.py:7 py-sql-injection', 'app.py:8 py-sql-injection']);
    const [viaHelper, constant] = found.filter((f) => f.ruleId === 'py-sql-injection');
    const note = viaHelper.related?.find((r) => r.file);
    assert.equal(note?.file, path.join(dir, 'util.py'));
    assert.match(note!.message, /untrusted input enters in util\.py:5/);
    assert.equal(viaHelper.confidence, 'high');
    // The constant helper adds no source: the rule's own (formatting) finding stays as it was.
    assert.equal((constant.related ?? []).some((r) => r.file), false);
    assert.notEqual(constant.confidence, 'high');
  });

  it('follows a chain of files (view → service → model) and stops at MAX_IMPORT_DEPTH', async () => {
    const files: Record<string, string> = { 'm0.py': 'import sqlite3\n\n\ndef f0(x):\n    sqlite3.connect("d").execute("SELECT " + x)\n' };
    const chain = MAX_IMPORT_DEPTH + 3;
    for (let i = 1; i < chain; i++) files[`m${i}.py`] = `from m${i - 1} import f${i - 1}\n\n\ndef f${i}(x):\n    return f${i - 1}(x)\n`;
    for (let i = 1; i < chain; i++) files[`v${i}.py`] = `from flask import request\nfrom m${i} import f${i}\n\n\ndef view():\n    return f${i}(request.args["q"])\n`;
    const dir = project(files);
    const found = (await scan(dir)).filter((f) => /v\d+\.py$/.test(f.file));
    const flagged = found.map((f) => Number(/v(\d+)\.py$/.exec(f.file)![1])).sort((a, b) => a - b);
    // v1 → m1 → m0 passes two files; a chain passes at most MAX_IMPORT_DEPTH files below the view.
    assert.deepEqual(flagged, Array.from({ length: MAX_IMPORT_DEPTH - 1 }, (_x, i) => i + 1));
    const v2 = found.find((f) => f.file.endsWith('v2.py'))!;
    assert.match(v2.message, /in m0\.py:5, reached through f2\(\) → f1\(\) → f0\(\)/);
    assert.equal(v2.related?.find((r) => r.file)?.file, path.join(dir, 'm0.py'));
  });

  it('an import cycle ends, and the sinks on both sides are found', async () => {
    const dir = project({
      'a.py': 'import os\nfrom b import g\n\n\ndef f(x):\n    os.system("echo " + x)\n    return g(x)\n',
      'b.py': 'import subprocess\nfrom a import f\n\n\ndef g(x):\n    subprocess.call("ls " + x, shell=True)\n    return f(x)\n',
      'view.py': 'from flask import request\nfrom a import f\nfrom b import g\n\n\ndef v():\n    f(request.args["x"])\n    g(request.args["y"])\n',
    });
    const found = (await scan(dir)).filter((f) => f.file.endsWith('view.py'));
    assert.deepEqual(where(dir, found), ['view.py:7 py-command-injection', 'view.py:8 py-command-injection']);
  });

  it('never reads a file outside the root: an alias leading out, a relative import above the root, a symlink', async () => {
    const outside = project({ 'evil.py': 'import os\n\n\ndef run(x):\n    os.system(x)\n', 'evil.ts': "import { exec } from 'child_process';\nexport function run(x: string) { exec(x); }\n" });
    const dir = project({
      'tsconfig.json': JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@ext/*': [`${path.relative(path.join(os.tmpdir(), 'x'), outside)}/*`, `${outside}/*`] } } }),
      'pkg/__init__.py': '',
      'pkg/view.py': 'from flask import request\nfrom ...evil import run\nfrom lnk import run as run2\n\n\ndef v():\n    run(request.args["x"])\n    run2(request.args["x"])\n',
      'routes.ts': "import express from 'express';\nimport { run } from '@ext/evil';\nimport { run as r2 } from '../" + path.basename(outside) + "/evil';\nconst app = express();\napp.get('/', (req, res) => { run(String(req.query.x)); r2(String(req.query.x)); res.end(); });\n",
    });
    fs.symlinkSync(path.join(outside, 'evil.py'), path.join(dir, 'lnk.py'));
    const read: string[] = [];
    const analyzer = new Analyzer(allRules);
    // The link is named to the index on purpose (discovery never lists it): the guarded read refuses it.
    const files = ['pkg/__init__.py', 'pkg/view.py', 'routes.ts', 'lnk.py'].map((f) => path.join(dir, f));
    const guardedRead = (f: string) => {
      read.push(f);
      try {
        return readGuardedText(f, { maxBytes: MAX_SOURCE_BYTES, root: dir });
      } catch {
        return undefined;
      }
    };
    const index = new WorkspaceIndex({ root: dir, files, analyzer, readText: guardedRead });
    for (const f of ['pkg/view.py', 'routes.ts']) {
      const file = path.join(dir, f);
      const a = analyzer.analyzeSync(file, fs.readFileSync(file, 'utf8'), f.endsWith('.py') ? 'python' : 'typescript', { workspace: index.forFile() });
      a.tree.delete();
      assert.deepEqual(a.findings.filter((x) => /command/.test(x.ruleId)).map((x) => x.message), [], f);
    }
    assert.ok(read.every((f) => f.startsWith(dir + path.sep)), read.join());
    assert.deepEqual(read, [path.join(dir, 'lnk.py')]);
    // The default reader of the index is the guarded read too.
    assert.equal(new WorkspaceIndex({ root: dir, files, analyzer }).summary(path.join(dir, 'lnk.py')), undefined);
    // And a scan, whose discovery never lists the link, finds nothing there either.
    const found = await scan(dir);
    assert.deepEqual(found.filter((x) => /command/.test(x.ruleId)).map((x) => x.file), []);
  });

  it('summaries are made on demand: files whose calls carry no request data cost no summary', async () => {
    const files: Record<string, string> = { 'lib.py': 'import os\n\n\ndef run(x):\n    os.system(x)\n' };
    for (let i = 0; i < 20; i++) files[`m${i}.py`] = `from lib import run\n\n\ndef job${i}():\n    run("ls")\n`;
    const dir = project(files);
    const analyzer = new Analyzer(allRules);
    const index = new WorkspaceIndex({ root: dir, files: Object.keys(files).map((f) => path.join(dir, f)), analyzer });
    for (const f of Object.keys(files)) {
      const file = path.join(dir, f);
      analyzer.analyzeSync(file, files[f], 'python', { workspace: index.forFile() }).tree.delete();
    }
    assert.equal(index.summariesComputed, 0);
    // One view with request data: one summary, reused by the next caller.
    const view = 'from flask import request\nfrom lib import run\n\n\ndef v():\n    run(request.args["c"])\n';
    for (const name of ['v1.py', 'v2.py']) analyzer.analyzeSync(path.join(dir, name), view, 'python', { workspace: index.forFile() }).tree.delete();
    assert.equal(index.summariesComputed, 1);
  });

  it('a summary is cached by content hash and remade when the file or a file it consulted changes; so are cached scan results', async () => {
    const dir = project({
      'db.py': 'import sqlite3\n\n\ndef q(s):\n    sqlite3.connect("d").execute("SELECT " + s)\n',
      'svc.py': 'from db import q\n\n\ndef find(x):\n    return q(x)\n',
      'view.py': 'from flask import request\nfrom svc import find\n\n\ndef v():\n    return find(request.args["x"])\n',
    });
    const cache = new MemoryScanCache();
    const first = await scan(dir, { cache });
    assert.deepEqual(where(dir, first).filter((w) => w.startsWith('view')), ['view.py:6 py-sql-injection']);
    // Only db.py changes: view.py's cached findings depended on it (through svc.py's summary).
    fs.writeFileSync(path.join(dir, 'db.py'), 'import sqlite3\n\n\ndef q(s):\n    sqlite3.connect("d").execute("SELECT ?", (s,))\n');
    const r = await scanPaths([dir], { rules: allRules, cache });
    assert.deepEqual(where(dir, r.findings).filter((w) => w.startsWith('view')), []);
    // svc.py's own findings never needed db.py's summary (nothing tainted reaches q there): reused.
    assert.equal(r.filesFromCache, 1, 'view.py depends on db.py through svc.py; db.py changed');
    const again = await scanPaths([dir], { rules: allRules, cache });
    assert.equal(again.filesFromCache, 3);

    const analyzer = new Analyzer(allRules);
    const index = new WorkspaceIndex({ root: dir, files: ['db.py', 'svc.py', 'view.py'].map((f) => path.join(dir, f)), analyzer });
    const svc = path.join(dir, 'svc.py');
    assert.equal(exportedFunction(index.summary(svc, 0, 'sinks', 'find'), 'find')?.sinks.length, 0);
    const made = index.summariesComputed;
    index.summary(svc, 0, 'sinks', 'find');
    assert.equal(index.summariesComputed, made, 'unchanged: reused');
    index.setText(path.join(dir, 'db.py'), 'import sqlite3\n\n\ndef q(s):\n    sqlite3.connect("d").execute("SELECT " + s)\n');
    assert.equal(exportedFunction(index.summary(svc, 0, 'sinks', 'find'), 'find')?.sinks[0]?.ruleId, 'py-sql-injection');
    assert.deepEqual(index.dependentsOf(path.join(dir, 'db.py')), [svc]);
  });

  it('--no-cross-file (crossFile: false) analyses each file alone, as before', async () => {
    const dir = project({ 'app/__init__.py': '', 'app/models.py': MODELS_PY, 'app/views.py': 'from flask import request\nfrom .models import find_user\n\n\ndef v():\n    return find_user(request.args["n"])\n' });
    assert.deepEqual(where(dir, await scan(dir, { crossFile: false })).filter((w) => w.startsWith('app/views')), []);
    assert.deepEqual(where(dir, await scan(dir)).filter((w) => w.startsWith('app/views')), ['app/views.py:6 py-sql-injection']);
  });

  it('a live document gives what a full analysis with the same index gives, and a helper edit names the files to re-check', () => {
    const dir = project({ 'app/__init__.py': '', 'app/models.py': MODELS_PY });
    const viewFile = path.join(dir, 'app/views.py');
    const analyzer = new Analyzer(allRules);
    const index = new WorkspaceIndex({ root: dir, files: ['app/__init__.py', 'app/models.py', 'app/views.py'].map((f) => path.join(dir, f)), analyzer });
    const lines = ['from flask import request', 'from .models import find_user, safe_find', '', '', 'def v():', '    a = find_user(request.args["n"])', '    b = safe_find(request.args["n"])', '    return a, b', ''];
    const live = new LiveDocument(analyzer, viewFile, 'python', { workspace: index.forFile() });
    const edits: ((l: string[]) => void)[] = [
      () => undefined,
      (l) => (l[6] = '    b = find_user(request.args["m"])'),
      (l) => (l[5] = '    a = find_user("constant")'),
      (l) => l.splice(7, 0, '    c = safe_find(request.form["q"])'),
      (l) => (l[1] = 'from .models import safe_find as find_user, safe_find'),
    ];
    const counts: number[] = [];
    try {
      for (const edit of edits) {
        edit(lines);
        const text = lines.join('\n');
        index.setText(viewFile, text);
        const got = live.update(text).findings.filter((f) => f.ruleId === 'py-sql-injection');
        const fresh = analyzer.analyzeSync(viewFile, text, 'python', { workspace: index.forFile() });
        const want = fresh.findings.filter((f) => f.ruleId === 'py-sql-injection');
        fresh.tree.delete();
        assert.deepEqual(got.map((f) => [f.range, f.message]), want.map((f) => [f.range, f.message]), text);
        counts.push(want.length);
      }
    } finally {
      live.dispose();
    }
    assert.deepEqual(counts, [1, 2, 1, 1, 0]);
    // The view called into models.py: editing models.py names it for a re-check.
    assert.deepEqual(index.dependentsOf(path.join(dir, 'app/models.py')), [viewFile]);
  });
});
