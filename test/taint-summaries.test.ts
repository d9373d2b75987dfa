import * as assert from 'node:assert/strict';
import type { Node } from 'web-tree-sitter';
import { javascriptDialect } from '../src/core/javascript/dialect';
import { ensureLanguages, parseSync } from '../src/core/parser';
import { pythonDialect } from '../src/core/python/dialect';
import { captureNodes } from '../src/core/query';
import { Semantics } from '../src/core/semantics';

before(() => ensureLanguages(['python', 'javascript']));

type Lang = 'python' | 'javascript';

function semanticsOf(lang: Lang, code: string, probeParams = false): Semantics {
  const tree = parseSync(lang, code);
  return new Semantics(tree.rootNode, lang === 'python' ? pythonDialect : javascriptDialect, undefined, { probeParams });
}

/** The first argument of every `sink(...)` call, in document order. */
function sinkArgs(s: Semantics): Node[] {
  return captureNodes(s.root, ['call', 'call_expression'])
    .filter((c) => s.methodName(c) === 'sink')
    .map((c) => s.arg(c, 0)!)
    .filter(Boolean);
}

function lastSink(lang: Lang, code: string): { s: Semantics; arg: Node } {
  const s = semanticsOf(lang, code);
  const args = sinkArgs(s);
  assert.ok(args.length, 'the example has a sink(...) call');
  return { s, arg: args[args.length - 1] };
}

const stepTexts = (s: Semantics, arg: Node) => s.taint(arg)!.steps.map((n) => n.text.split('\n')[0]);

describe('taint summaries: request data through local functions', () => {
  it('a helper\'s parameter is tainted by the call that passes request data (reported at the sink, the call as a hop)', () => {
    const { s, arg } = lastSink('python', 'from flask import request\ndef helper(p):\n    sink("SELECT " + p)\n@app.route("/v")\ndef view():\n    helper(request.args["q"])');
    const t = s.taint(arg);
    assert.ok(t, 'tainted through the call');
    assert.equal(t.source.text, 'request.args');
    // The argument at the call site, then the parameter.
    assert.deepEqual(stepTexts(s, arg), ['request.args["q"]', 'p']);
    const safe = lastSink('python', 'from flask import request\ndef helper(p):\n    sink("SELECT " + p)\ndef view():\n    helper("fixed")');
    assert.equal(safe.s.isTainted(safe.arg), false, 'called with a constant only');
  });

  it('JavaScript: function declarations and arrows bound to a const, called from an Express handler', () => {
    for (const code of [
      "function verify(file, res) {\n  sink(path.resolve(dir, file));\n}\napp.get('/f', (req, res) => verify(req.query.file, res));",
      "const run = (q) => {\n  sink(`SELECT ${q}`);\n};\napp.get('/f', (req, res) => { run(req.params.id); });",
    ]) {
      const { s, arg } = lastSink('javascript', code);
      assert.ok(s.isTainted(arg), code);
    }
  });

  it('the result of a call is tainted only when a tainted argument reaches the return value', () => {
    const through = lastSink('python', 'from flask import request\ndef wrap(p):\n    q = "<b>" + p\n    return q\ndef view():\n    sink(wrap(request.args["n"]))');
    assert.ok(through.s.isTainted(through.arg));
    assert.deepEqual(stepTexts(through.s, through.arg), ['request.args["n"]', 'p', 'q', 'return q']);
    // The argument does not reach the return: the result is not request data.
    const dropped = lastSink('python', 'from flask import request\ndef count(p):\n    log(p)\n    return 3\ndef view():\n    sink(count(request.args["n"]))');
    assert.equal(dropped.s.isTainted(dropped.arg), false);
    const js = lastSink('javascript', "function label(x) { return 'fixed'; }\napp.get('/a', (req, res) => sink(label(req.query.a)));");
    assert.equal(js.s.isTainted(js.arg), false);
  });

  it('a function whose return value is a source taints its callers\' results', () => {
    const { s, arg } = lastSink('python', 'from flask import request\ndef get_name():\n    return request.args["n"]\ndef view():\n    sink(get_name())');
    assert.ok(s.isTainted(arg));
    assert.equal(s.taint(arg)!.source.text, 'request.args');
  });

  it('methods reached as self.m(...) / this.m(...): the bound self is not an argument', () => {
    const py = lastSink('python', 'from flask import request\nclass V:\n    def helper(self, p):\n        sink(p)\n    def get(self):\n        self.helper(request.args["x"])');
    assert.ok(py.s.isTainted(py.arg));
    const pySafe = lastSink('python', 'from flask import request\nclass V:\n    def helper(self, p, q):\n        sink(p)\n    def get(self):\n        self.helper("c", request.args["x"])');
    assert.equal(pySafe.s.isTainted(pySafe.arg), false, 'the tainted value is the other parameter');
    const js = lastSink('javascript', "class C {\n  find(q) { return { name: q }; }\n  handle(req, res) { sink(this.find(req.query.name)); }\n}\napp.get('/x', (req, res) => new C().handle(req, res));");
    // `req` here is a method parameter, tainted through the call in the handler.
    assert.ok(js.s.isTainted(js.arg));
  });

  it('closures read the outer values; returned objects and template strings carry the parameter', () => {
    const closure = lastSink('python', 'from flask import request\ndef view():\n    u = request.args["u"]\n    def inner():\n        return u\n    sink(inner())');
    assert.ok(closure.s.isTainted(closure.arg));
    const obj = lastSink('javascript', "function where(name) { return { name: name }; }\napp.get('/u', (req, res) => { sink(where(req.query.name)); });");
    assert.ok(obj.s.isTainted(obj.arg));
    const tpl = lastSink('javascript', "const q = (id) => `SELECT * FROM t WHERE id = ${id}`;\napp.get('/u', (req, res) => { sink(q(req.params.id)); });");
    assert.ok(tpl.s.isTainted(tpl.arg));
    const fixed = lastSink('javascript', "function where(name) { return { name: 'admin' }; }\napp.get('/u', (req, res) => { sink(where(req.query.name)); });");
    assert.equal(fixed.s.isTainted(fixed.arg), false);
  });

  it('default arguments: a default read from the request taints the parameter', () => {
    const { s, arg } = lastSink('python', 'from flask import request\ndef helper(p=request.args.get("x")):\n    sink(p)');
    assert.ok(s.isTainted(arg));
    const kw = lastSink('python', 'from flask import request\ndef helper(a, p=None):\n    sink(p)\ndef view():\n    helper(1, p=request.form["p"])');
    assert.ok(kw.s.isTainted(kw.arg), 'passed by keyword');
  });

  it('recursion and mutual recursion stop, and still find the flow', () => {
    const rec = lastSink('python', 'from flask import request\ndef f(p, n):\n    if n:\n        return f(p, n - 1)\n    return p\ndef view():\n    sink(f(request.args["x"], 3))');
    assert.ok(rec.s.isTainted(rec.arg));
    const mutual = lastSink('javascript', "function a(x) { return b(x); }\nfunction b(x) { return x ? a(x) : 'z'; }\napp.get('/m', (req, res) => { sink(a(1)); sink(a(req.query.m)); });");
    assert.equal(mutual.s.isTainted(sinkArgs(mutual.s)[0]), false);
    assert.equal(mutual.s.isTainted(mutual.arg), false, 'the cycle contributes nothing it has not proved: b returns x only through a');
    const sinkInRecursion = lastSink('python', 'from flask import request\ndef walk(p):\n    sink(p)\n    walk(p)\ndef view():\n    walk(request.args["x"])');
    assert.ok(sinkInRecursion.s.isTainted(sinkInRecursion.arg));
  });
});

describe('taint summaries: the serialisable module summary', () => {
  it('lists parameters reaching the return, a source inside, and (probing) parameters reaching a sink', () => {
    const code = 'from flask import request\nclass Repo:\n    def find(self, name, limit=10):\n        return "SELECT " + name\ndef get_name():\n    return request.args["n"]\ndef run(sql):\n    cursor.execute(sql)';
    const s = semanticsOf('python', code, true);
    // In a probing run a parameter stands for its callers' data: the rule's own question finds the sink.
    const exec = captureNodes(s.root, ['call']).find((c) => s.methodName(c) === 'execute')!;
    const t = s.taint(s.arg(exec, 0));
    assert.ok(t);
    assert.equal(t.source.text, 'sql');
    const summary = s.summaries.moduleSummary('app/db.py', 'python', [{ ruleId: 'py-sql-injection', vulnClass: 'sql-injection', sink: s.arg(exec, 0)!, source: t.source, steps: t.steps }]);
    const back = JSON.parse(JSON.stringify(summary));
    assert.deepEqual(back, summary, 'JSON-able');
    const byName = new Map(summary.functions.map((f) => [f.name, f]));
    const find = byName.get('Repo.find')!;
    assert.equal(find.kind, 'method');
    assert.deepEqual(find.params.map((p) => [p.name, p.index]), [['name', 0], ['limit', 1]]);
    assert.deepEqual(find.returns.map((r) => r.param), [0]);
    assert.equal(find.returns[0].steps[0].text, 'name');
    assert.ok(byName.get('get_name')!.returnsSource);
    assert.equal(byName.get('get_name')!.returnsSource!.source.line, 5);
    const run = byName.get('run')!;
    assert.deepEqual(run.sinks.map((x) => [x.param, x.ruleId, x.sink.line]), [[0, 'py-sql-injection', 7]]);
  });
});
