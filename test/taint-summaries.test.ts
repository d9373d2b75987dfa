import * as assert from 'node:assert/strict';
import type { Node } from 'web-tree-sitter';
import { Analyzer } from '../src/core/engine';
import { javascriptDialect } from '../src/core/javascript/dialect';
import { LiveDocument } from '../src/core/live-document';
import { ensureLanguages, parseSync } from '../src/core/parser';
import { pythonDialect } from '../src/core/python/dialect';
import { captureNodes } from '../src/core/query';
import { Semantics } from '../src/core/semantics';
import { allRules } from '../src/rules';

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

describe('a check guards only the path it is on (open redirect, path traversal, SSRF)', () => {
  const analyzer = new Analyzer(allRules);
  const lines = (file: string, lang: Lang, code: string, rule: string) => {
    const a = analyzer.analyzeSync(file, code, lang);
    a.tree.delete();
    return a.findings.filter((f) => f.ruleId === rule).map((f) => f.range.start.line + 1);
  };

  it('inside `if is_safe_url(u):` is safe; after the if, the same redirect is not', () => {
    const code = 'from flask import redirect, request\nfrom django.utils.http import url_has_allowed_host_and_scheme\n@app.route("/n")\ndef n():\n    u = request.args["next"]\n    if url_has_allowed_host_and_scheme(u, allowed_hosts=None):\n        return redirect(u)\n    return redirect(u)';
    assert.deepEqual(lines('a.py', 'python', code, 'py-open-redirect'), [8]);
    const js = "app.get('/n', (req, res) => {\n  const u = req.query.next;\n  if (isSafeRedirect(u)) {\n    return res.redirect(u);\n  }\n  res.redirect(u);\n});";
    assert.deepEqual(lines('a.js', 'javascript', js, 'js-open-redirect'), [6]);
  });

  it('a check after the sink, or in another branch, does not make it safe', () => {
    const code = 'import os\nfrom flask import request, send_file\n@app.route("/f")\ndef f():\n    name = request.args["f"]\n    data = send_file(os.path.join("/srv", name))\n    if name.startswith("/"):\n        app.logger.info("absolute")\n    return data';
    assert.deepEqual(lines('a.py', 'python', code, 'py-path-traversal'), [6]);
  });

  it('a check that rebinds or stops the path before the sink, through a name or inside a helper, is a guard', () => {
    for (const code of [
      'from flask import redirect, request\nfrom django.utils.http import url_has_allowed_host_and_scheme\ndef n():\n    u = request.args["next"]\n    ok = url_has_allowed_host_and_scheme(u, allowed_hosts=None)\n    if not ok:\n        u = "/"\n    return redirect(u)',
      'from flask import redirect, request\nfrom django.utils.http import url_has_allowed_host_and_scheme\ndef target():\n    u = request.args["next"]\n    url_is_safe = url_has_allowed_host_and_scheme(u, allowed_hosts=None)\n    return u if url_is_safe else "/"\ndef n():\n    return redirect(target())',
      'from flask import redirect, request\nfrom django.utils.http import url_has_allowed_host_and_scheme\ndef target():\n    u = "/"\n    if request.args.get("next"):\n        u = request.args["next"]\n        if not url_has_allowed_host_and_scheme(u, allowed_hosts=None):\n            u = "/"\n    return u\ndef n():\n    return redirect(target())',
    ]) {
      assert.deepEqual(lines('a.py', 'python', code, 'py-open-redirect'), [], code);
    }
    const unchecked = 'from flask import redirect, request\ndef target():\n    return request.args["next"]\ndef n():\n    return redirect(target())';
    assert.deepEqual(lines('a.py', 'python', unchecked, 'py-open-redirect'), [5]);
  });
});

describe('live documents follow flows through local functions', () => {
  it('editing a call site re-checks the helper it calls, as a full analysis does', () => {
    const analyzer = new Analyzer(allRules);
    const helper = 'import os\nfrom flask import request, send_file\n\ndef serve(name):\n    return send_file(os.path.join("/srv", name))\n\n';
    const live = new LiveDocument(analyzer, 'app.py', 'python');
    try {
      const calm = helper + '@app.route("/a")\ndef a():\n    return serve("logo.png")\n';
      assert.deepEqual(live.update(calm).findings.map((f) => f.ruleId), []);
      const hot = helper + '@app.route("/a")\ndef a():\n    return serve(request.args["f"])\n';
      const r = live.update(hot);
      const fresh = analyzer.analyzeSync('app.py', hot, 'python');
      fresh.tree.delete();
      assert.deepEqual(r.findings.map((f) => [f.ruleId, f.range.start.line]), [['py-path-traversal', 4]]);
      assert.deepEqual(r.findings.map((f) => [f.ruleId, f.range.start.line]), fresh.findings.map((f) => [f.ruleId, f.range.start.line]));
    } finally {
      live.dispose();
    }
  });
});
