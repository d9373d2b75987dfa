import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Node } from 'web-tree-sitter';
import { Analyzer } from '../src/core/engine';
import { ensureLanguages, parseSync } from '../src/core/parser';
import { captureNodes } from '../src/core/query';
import { Semantics } from '../src/core/semantics';
import { pythonDialect } from '../src/core/python/dialect';
import { javascriptDialect } from '../src/core/javascript/dialect';
import { discoverFiles } from '../src/core/discovery';
import { scanPaths } from '../src/core/scanner';
import type { LanguageId } from '../src/core/types';
import { allRules } from '../src/rules';

before(() => ensureLanguages(['python', 'javascript', 'typescript', 'tsx']));

function sem(lang: LanguageId, code: string): { s: Semantics; calls: Node[] } {
  const tree = parseSync(lang, code);
  const s = new Semantics(tree.rootNode, lang === 'python' ? pythonDialect : javascriptDialect);
  return { s, calls: captureNodes(tree.rootNode, [lang === 'python' ? 'call' : 'call_expression']) };
}

const analyzer = new Analyzer(allRules);
function findings(file: string, code: string, lang: LanguageId = file.endsWith('.py') ? 'python' : 'typescript') {
  const errors: unknown[] = [];
  const r = analyzer.analyzeSync(file, code, lang, { onRuleError: (_i, _f, e) => errors.push(e) });
  assert.deepEqual(errors, []);
  return r.findings;
}

describe('import and alias resolution', () => {
  it('Python: from-imports with aliases, dotted imports, instances', () => {
    const { s, calls } = sem('python', 'from hashlib import md5 as h\nimport os.path\nimport xml.etree.ElementTree as ET\nfrom flask import Flask\napp = Flask(__name__)\nh(b"x")\nos.path.join(a)\nET.parse(f)\napp.run()\n');
    assert.deepEqual(calls.map((c) => s.calleeName(c)), ['flask.Flask', 'hashlib.md5', 'os.path.join', 'xml.etree.ElementTree.parse', 'flask.Flask().run']);
  });

  it('JS/TS: require with destructuring and renames, namespace and default imports, node: prefix', () => {
    const { s, calls } = sem('typescript', "const { exec: run } = require('node:child_process');\nimport * as cp from 'child_process';\nimport express from 'express';\nconst app = express();\nrun(x);\ncp.spawn(y);\napp.get('/', h);\n");
    assert.deepEqual(calls.map((c) => s.calleeName(c)), ['require', 'express', 'child_process.exec', 'child_process.spawn', 'express().get']);
  });

  it('a local definition shadows an import', () => {
    const { s, calls } = sem('python', 'from hashlib import md5\ndef f():\n    def md5(x):\n        return x\n    md5(1)\n');
    assert.equal(s.calleeName(calls[0]), undefined);
  });
});

describe('constants and taint', () => {
  it('folds constants through names and string building', () => {
    const { s, calls } = sem('python', 'A = "SELECT"\nB = A + " * FROM t"\nC = f"{B} WHERE x = {y}"\nrun(B)\nrun(C)\n');
    assert.equal(s.isConstant(s.args(calls[0]).positional[0]), true);
    assert.equal(s.stringValue(s.args(calls[0]).positional[0]), 'SELECT * FROM t');
    assert.equal(s.isConstant(s.args(calls[1]).positional[0]), false);
  });

  it('follows request data through assignments, f-strings, containers and calls; stops at sanitizers', () => {
    const { s, calls } = sem('python', 'from flask import request\nq = request.args.get("q")\nparts = [q.strip(), "x"]\nsql = "a" + " ".join(parts)\nsink(sql)\nsink(int(q))\ndef view(request, slug):\n    sink(request.GET["a"])\n    sink(slug)\n');
    const sinks = calls.filter((c) => c.childForFieldName('function')?.text === 'sink');
    assert.deepEqual(sinks.map((c) => s.isTainted(s.args(c).positional[0])), [true, false, true, true]);
  });

  it('Express: req.* through destructuring and handler parameters', () => {
    const { s, calls } = sem('typescript', "app.get('/:id', (req, res) => {\n  const { id } = req.params;\n  const q = `x ${id}`;\n  sink(q);\n});\napp.post('/', ({ body }, res) => sink(body.name));\nfunction other(a) { sink(a); }\n");
    const sinks = calls.filter((c) => c.childForFieldName('function')?.text === 'sink');
    assert.deepEqual(sinks.map((c) => s.isTainted(s.args(c).positional[0])), [true, true, false]);
  });
});

describe('suppressions', () => {
  const code = (line: string) => `import os\ndef f(cmd):\n${line}\n`;
  it('on the flagged line, the line before, and across a multi-line statement', () => {
    assert.equal(findings('a.py', code('    os.system(cmd)')).length, 1);
    assert.ok(findings('a.py', code('    os.system(cmd)  # sitewarden-ignore[py-command-injection]: reviewed'))[0].suppression);
    assert.ok(findings('a.py', code('    # sitewarden-ignore[py-command-injection]: reviewed\n    os.system(cmd)'))[0].suppression);
    const multi = findings('a.py', code('    os.system(\n        "x" + cmd,\n    )  # sitewarden-ignore[py-command-injection]: ok'));
    assert.equal(multi[0].range.start.line, 3);
    assert.equal(multi[0].suppression?.justification, 'ok');
    const before = findings('a.py', code('    # sitewarden-ignore[py-command-injection]: ok\n    os.system(\n        "x" + cmd,\n    )'));
    assert.ok(before[0].suppression);
  });

  it('nosec with and without Bandit ids; a wrong id does not suppress', () => {
    assert.ok(findings('a.py', code('    os.system(cmd)  # nosec'))[0].suppression);
    assert.ok(findings('a.py', code('    os.system(cmd)  # nosec B605'))[0].suppression);
    assert.equal(findings('a.py', code('    os.system(cmd)  # nosec B101'))[0].suppression, undefined);
    assert.equal(findings('a.py', code('    os.system(cmd)  # sitewarden-ignore[py-sql-injection]'))[0].suppression, undefined);
  });

  it('a comment inside a function body does not suppress a finding on its header', () => {
    const r = findings('a.py', 'def analyze_fingerprint(data):\n    # sitewarden-ignore[py-fingerprint-stub]\n    return False\n');
    assert.equal(r[0].suppression, undefined);
  });

  it('JS comments', () => {
    assert.ok(findings('a.ts', "const { exec } = require('child_process');\n// sitewarden-ignore[js-command-injection]: trusted\nexec(cmd);\n")[0].suppression);
  });
});

describe('robustness of the engine', () => {
  it('still reports findings in the parts of a broken file that parse', () => {
    const r = analyzer.analyzeSync('a.py', 'def broken(:\n    pass\n\nimport os\nos.system(cmd)\n', 'python');
    assert.ok(r.syntaxErrors > 0);
    assert.deepEqual(r.findings.map((f) => f.ruleId), ['py-command-injection']);
  });

  it('BOM and CRLF: lines and columns stay right', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-bom-'));
    fs.writeFileSync(path.join(dir, 'a.py'), '\ufeffimport os\r\nx = 1\r\nos.system(cmd)\r\n');
    const r = await scanPaths([dir], { rules: allRules });
    assert.equal(r.findings.length, 1);
    assert.deepEqual(r.findings[0].range.start, { line: 2, column: 10 });
  });

  it('nothing is flagged in comments or strings that merely mention md5, eval( or password', () => {
    const py = '# hashlib.md5(password) and eval(x) are bad; so is os.system(cmd)\nDOC = "Never eval( input; md5 is weak; password = \'x\'; cursor.execute(f\\"{q}\\")"\nMSG = """\nrequests.get(url, verify=False)\npickle.loads(data)\n"""\n';
    const js = "// crypto.createHash('md5') and eval(x) and password = 'hunter2'\nconst DOC = \"Never eval( input; md5 is weak; password: 'x'; innerHTML = x\";\n/* exec(`rm ${x}`) */\nconst T = `jwt.decode(token) and rejectUnauthorized: false`;\n";
    assert.deepEqual(findings('doc.py', py), []);
    for (const f of ['doc.js', 'doc.ts', 'doc.tsx']) assert.deepEqual(findings(f, js, f.endsWith('x') ? 'tsx' : f.endsWith('ts') ? 'typescript' : 'javascript'), []);
  });

  it('test paths: severity one step lower, production-only rules silent', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-tests-'));
    fs.mkdirSync(path.join(dir, 'tests'));
    const src = 'import os\nfrom flask import Flask\napp = Flask(__name__)\nos.system(cmd)\napp.run(debug=True)\n';
    fs.writeFileSync(path.join(dir, 'tests', 'test_app.py'), src);
    fs.writeFileSync(path.join(dir, 'app.py'), src);
    const r = await scanPaths([dir], { rules: allRules });
    const inTests = r.findings.filter((f) => f.file.includes(`${path.sep}tests${path.sep}`));
    const prod = r.findings.filter((f) => !f.file.includes(`${path.sep}tests${path.sep}`));
    assert.deepEqual(prod.map((f) => [f.ruleId, f.severity]), [['py-command-injection', 'high'], ['py-flask-debug', 'high']]);
    assert.deepEqual(inTests.map((f) => [f.ruleId, f.severity, f.inTestCode]), [['py-command-injection', 'medium', true]]);
  });

  it('a rule that throws is reported once and the other rules still run', () => {
    const boom = { ...allRules[0], meta: { ...allRules[0].meta, id: 'py-boom' }, create: () => ({ call: () => { throw new Error('boom'); } }) };
    const errors: string[] = [];
    const r = new Analyzer([boom, ...allRules]).analyzeSync('a.py', 'import os\nos.system(a)\nos.system(b)\n', 'python', { onRuleError: (id) => errors.push(id) });
    assert.deepEqual(errors, ['py-boom']);
    assert.equal(r.findings.length, 2);
  });
});

describe('file discovery', () => {
  it('honours .gitignore (nested too), skips dependency, venv, build and VCS folders, binary and large files, symlink loops', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-disc-'));
    const w = (p: string, c: string | Buffer) => {
      fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
      fs.writeFileSync(path.join(dir, p), c);
    };
    w('app.py', 'x = 1\n');
    w('src/main.ts', 'let x = 1;\n');
    w('.gitignore', 'secret/\n*.gen.py\n');
    w('secret/a.py', 'x\n');
    w('b.gen.py', 'x\n');
    w('pkg/.gitignore', 'local.py\n');
    w('pkg/local.py', 'x\n');
    w('pkg/kept.py', 'x\n');
    w('node_modules/lib/index.js', 'x\n');
    w('.venv/pyvenv.cfg', 'home = /usr\n');
    w('.venv/lib/site.py', 'x\n');
    w('package.json', '{}'); // dist is build output next to a package manifest
    w('dist/bundle.js', 'x\n');
    w('.git/config', 'x');
    w('bin.py', Buffer.from([0x00, 0x01, 0x02]));
    w('big.js', 'x'.repeat(1024 * 1024 + 1));
    fs.symlinkSync(dir, path.join(dir, 'loop'));
    const r = discoverFiles([dir]);
    const rel = (p: string) => path.relative(dir, p).split(path.sep).join('/');
    assert.deepEqual(r.files.map((f) => rel(f.path)).sort(), ['app.py', 'pkg/kept.py', 'src/main.ts']);
    const reasons = Object.fromEntries(r.skipped.map((s) => [rel(s.path), s.reason]));
    assert.deepEqual(reasons, {
      '.git': 'vcs', '.venv': 'virtualenv', 'b.gen.py': 'gitignored', 'big.js': 'too-large', 'bin.py': 'binary', dist: 'build-output',
      loop: 'symlink', node_modules: 'dependency-dir', 'pkg/local.py': 'gitignored', secret: 'gitignored',
    });
  });

  it('--exclude patterns', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-excl-'));
    fs.mkdirSync(path.join(dir, 'legacy'));
    fs.writeFileSync(path.join(dir, 'legacy', 'old.py'), 'x\n');
    fs.writeFileSync(path.join(dir, 'new.py'), 'x\n');
    const r = discoverFiles([dir], { exclude: ['legacy/'] });
    assert.deepEqual(r.files.map((f) => path.basename(f.path)), ['new.py']);
    assert.equal(r.skipped[0].reason, 'excluded');
  });
});
