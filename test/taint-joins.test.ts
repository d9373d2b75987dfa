import * as assert from 'node:assert/strict';
import type { Node } from 'web-tree-sitter';
import { javascriptDialect } from '../src/core/javascript/dialect';
import { ensureLanguages, parseSync } from '../src/core/parser';
import { pythonDialect } from '../src/core/python/dialect';
import { captureNodes } from '../src/core/query';
import { Semantics } from '../src/core/semantics';

before(() => ensureLanguages(['python', 'javascript']));

/** Semantics of `code` and the argument of its last call to `sink(...)`. */
function atSink(lang: 'python' | 'javascript', code: string): { s: Semantics; arg: Node } {
  const tree = parseSync(lang, code);
  const s = new Semantics(tree.rootNode, lang === 'python' ? pythonDialect : javascriptDialect);
  const sinks = captureNodes(tree.rootNode, [lang === 'python' ? 'call' : 'call_expression']).filter((c) => s.methodName(c) === 'sink');
  const arg = s.arg(sinks[sinks.length - 1], 0);
  assert.ok(arg, 'the example has a sink(...) call');
  return { s, arg };
}

describe('taint is the union over paths at every join', () => {
  it('a constant on one branch does not clear the request value on the other (Python if / try)', () => {
    for (const code of [
      'from flask import request\ndef f():\n    u = request.args.get("n")\n    if not u:\n        u = "/"\n    sink(u)',
      'from flask import request\ndef f():\n    try:\n        u = request.args["n"]\n    except KeyError:\n        u = "/"\n    sink(u)',
      'from flask import request\ndef f():\n    u = "/"\n    for i in range(3):\n        sink(u)\n        u = request.args["n"]',
    ]) {
      const { s, arg } = atSink('python', code);
      assert.ok(s.isTainted(arg), code);
      // Both values reach: the safety checks of the rules ask about each one.
      assert.equal(s.reachingValues(arg).length, 2, code);
    }
  });
  it('a re-assignment without braces is conditional; one on every path hides the earlier value (JavaScript)', () => {
    const cond = atSink('javascript', "app.get('/r', (req, res) => {\n  let u = '/';\n  if (req.query.x) u = req.query.x;\n  sink(u);\n});");
    assert.ok(cond.s.isTainted(cond.arg));
    assert.deepEqual(cond.s.reachingValues(cond.arg).map((v) => v.text), ["'/'", 'req.query.x']);
    const killed = atSink('javascript', "app.get('/r', (req, res) => {\n  let u = req.query.x;\n  u = '/';\n  sink(u);\n});");
    assert.equal(killed.s.isTainted(killed.arg), false);
    assert.deepEqual(killed.s.reachingValues(killed.arg).map((v) => v.text), ["'/'"]);
  });
  it('a sanitiser is a sanitiser on the path it guards only', () => {
    const all = atSink('python', 'import html\nfrom flask import request\ndef f():\n    n = request.args["n"]\n    n = html.escape(n)\n    sink(n)');
    assert.equal(all.s.isTainted(all.arg), false);
    const some = atSink('python', 'import html\nfrom flask import request\ndef f():\n    n = request.args["n"]\n    if len(n) > 3:\n        n = html.escape(n)\n    sink(n)');
    assert.ok(some.s.isTainted(some.arg));
  });
});

describe('names bound once resolve to their literal value', () => {
  it('module-level const objects and lists, not names bound twice', () => {
    const js = atSink('javascript', "const options = { algorithms: ['HS256', 'none'] };\nfunction f() { sink(options); }");
    assert.equal(js.s.literalOf(js.arg).type, 'object');
    const py = atSink('python', 'OPTS = ["HS256"]\ndef f():\n    sink(OPTS)');
    assert.equal(py.s.literalOf(py.arg).type, 'list');
    const twice = atSink('python', 'OPTS = ["HS256"]\nif x:\n    OPTS = other()\nsink(OPTS)');
    assert.equal(twice.s.literalOf(twice.arg).type, 'identifier');
  });
});

describe('taint records the hops from the source', () => {
  it('lists each binding the data passed through, in program order', () => {
    const { s, arg } = atSink('python', 'from flask import request\ndef f():\n    a = request.args["n"]\n    b = "x" + a\n    c = b.strip()\n    sink(c)');
    const t = s.taint(arg);
    assert.ok(t);
    assert.equal(t.source.text, 'request.args');
    assert.deepEqual(t.steps.map((n) => `${n.text}@${n.startPosition.row}`), ['a@2', 'b@3', 'c@4']);
  });
  it('has no hops when the source is the argument itself', () => {
    const { s, arg } = atSink('javascript', "app.get('/r', (req, res) => { sink(req.query.x); });");
    assert.deepEqual(s.taint(arg)?.steps, []);
  });
});

describe('a binding does not reach its own right-hand side', () => {
  // The first file is one `def` (the function's scope has the module's extent), the second is not.
  for (const head of ['', 'import os\n']) it(`\`url = f(url)\` reads the earlier value, on the path through the condition as well${head ? ' (after an import)' : ''}`, () => {
    const code = head + 'def v(request):\n    url = "/root"\n    if request.GET:\n        url = "%s?%s" % (url, request.GET.urlencode())\n    sink(url)';
    const tree = parseSync('python', code);
    const s = new Semantics(tree.rootNode, pythonDialect);
    const [outer] = captureNodes(tree.rootNode, ['call']).filter((c) => s.methodName(c) === 'sink');
    // Ask about the final use first: the inner use must not inherit a wrong answer.
    assert.deepEqual(s.reachingValues(s.arg(outer, 0)!).map((v) => v.text), ['"/root"', '"%s?%s" % (url, request.GET.urlencode())']);
    const inner = captureNodes(tree.rootNode, ['identifier']).filter((n) => n.text === 'url')[2];
    assert.equal(inner.startPosition.row, head ? 4 : 3);
    assert.deepEqual(s.reachingValues(inner).map((v) => v.text), ['"/root"']);
  });
});

describe('SQL assembled from literals across statements is constant', () => {
  it('`sql = "SELECT"; sql += " FROM t"; sql += " WHERE id=%s"` stays constant; one data part makes it built', () => {
    const lit = atSink('python', 'def f(c, h):\n    sql = "SELECT id"\n    sql += " FROM t"\n    sql += " WHERE h=%s"\n    sink(sql)');
    assert.equal(lit.s.isConstant(lit.arg), true);
    assert.equal(lit.s.isBuiltStringDeep(lit.arg), false);
    const built = atSink('python', 'def f(c, h):\n    sql = "SELECT id"\n    sql += " FROM " + h\n    sink(sql)');
    assert.equal(built.s.isConstant(built.arg), false);
    assert.equal(built.s.isBuiltStringDeep(built.arg), true);
  });
});
