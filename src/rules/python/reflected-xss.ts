import type { Node } from 'web-tree-sitter';
import { OWASP, type Rule } from '../../core/rule';
import { responseBodySanitisers } from '../../core/models';

/** Autoescaped renders and JSON encoders: safe as a body (src/core/models/responses.ts). */
const SAFE_BODIES = responseBodySanitisers('python');

const RESPONSES = new Set(['flask.make_response', 'flask.Response', 'django.http.HttpResponse', 'django.http.response.HttpResponse', 'werkzeug.wrappers.Response', 'starlette.responses.HTMLResponse', 'fastapi.responses.HTMLResponse']);

/** A response body made of request data, or HTML text with request data in it. */
const rule: Rule = {
  meta: {
    id: 'py-reflected-xss',
    title: 'Request data returned in an HTML response without escaping',
    language: 'python',
    family: 'xss',
    checklist: ['input-validation'],
    severity: 'high',
    confidence: 'high',
    cwe: ['CWE-79'],
    owasp: [OWASP.A03],
    message: 'Request data is written into the HTML response unescaped: render a template or escape it.',
    docs: {
      whatItDoes: 'Finds Flask views that return, and `make_response` / `Response` / Django `HttpResponse` bodies that contain, text built from request data without escaping. Bodies that are autoescaped template renders (`render_to_string`, a Django template\'s `render`) or JSON (`jsonify`, `json.dumps`, `JsonResponse`) are not flagged.',
      whyBad: 'The browser runs any `<script>` in the response. A link carrying a script in a parameter then runs in the victim\'s session: reflected cross-site scripting.',
      example: '@app.route("/hello")\ndef hello():\n    return "<h1>Hello " + request.args["name"] + "</h1>"',
      useInstead: 'from markupsafe import escape\nreturn f"<h1>Hello {escape(request.args[\'name\'])}</h1>"\n# or render_template("hello.html", name=...)',
      references: ['https://cwe.mitre.org/data/definitions/79.html', 'https://flask.palletsprojects.com/en/stable/quickstart/#html-escaping'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    const inView = (n: Node): boolean => {
      const fn = sem.enclosingFunction(n);
      if (!fn) return false;
      const p = fn.parent;
      return p?.type === 'decorated_definition' && p.namedChildren.some((d) => d?.type === 'decorator' && /\.(route|get|post|put|patch|delete)\s*\(/.test(d.text));
    };
    const check = (node: Node, body: Node) => {
      const t = sem.taint(body);
      if (!t) return;
      // HTML that went through mark_safe/Markup here is py-mark-safe's finding, not a second one.
      if (/\b(mark_safe|Markup|SafeString|format_html)\(/.test((sem.enclosingFunction(node) ?? ctx.tree.rootNode).text)) return;
      const b = sem.dialect.unwrap(body);
      // Flask turns dicts and lists into JSON; jsonify/render_template escape; only text bodies count.
      if (b.type === 'dictionary' || b.type === 'list' || b.type === 'call' && /jsonify|render_template$|json\.dumps|escape/.test(sem.calleeName(b) ?? '')) return;
      // On every path the body is an autoescaped render or JSON: nothing unescaped reaches the page.
      if (sem.reachingValues(body).every((v) => v.type === 'call' && SAFE_BODIES.callees.has(sem.calleeName(v) ?? ''))) return;
      ctx.report({ node: body, taint: t });
    };
    return {
      return_statement(node: Node) {
        const v = node.namedChildren[0];
        if (!v || !inView(node)) return;
        const value = v.type === 'tuple' || v.type === 'expression_list' ? v.namedChildren[0] : v;
        if (value && sem.isBuiltString(value)) check(node, value);
      },
      call(node: Node) {
        const name = sem.calleeName(node);
        if (!name || !RESPONSES.has(name)) return;
        const body = sem.arg(node, 0, name.includes('django') ? 'content' : 'response');
        if (!body) return;
        const ct = sem.args(node).keywords.get('content_type') ?? sem.args(node).keywords.get('mimetype');
        if (ct && /json|text\/plain/.test(ct.text)) return;
        if (sem.isBuiltStringDeep(body) || sem.dialect.unwrap(body).type !== 'call') check(node, body);
      },
    };
  },
  tests: {
    valid: [
      'from flask import Flask, request, jsonify\napp = Flask(__name__)\n@app.route("/a")\ndef a():\n    return jsonify({"q": request.args["q"]})',
      'from flask import Flask, request\nfrom markupsafe import escape\napp = Flask(__name__)\n@app.route("/b")\ndef b():\n    return "<p>" + escape(request.args["q"]) + "</p>"',
      'from django.http import HttpResponse\ndef v(request):\n    return HttpResponse("ok")',
      'from django.http import HttpResponse\ndef v(request):\n    return HttpResponse(request.GET["q"], content_type="text/plain")',
      'from django.http import HttpResponse\nfrom django.template.loader import render_to_string\ndef v(request):\n    html = render_to_string("s.html", {"q": request.GET["q"]})\n    return HttpResponse(html)',
    ],
    invalid: [
      { code: 'from flask import Flask, request\napp = Flask(__name__)\n@app.route("/hello")\ndef hello():\n    return "<h1>Hello " + request.args["name"] + "</h1>"', errors: [5], messages: [{ messageId: 'default' }] },
      { code: 'from django.http import HttpResponse\ndef search(request):\n    q = request.GET.get("q", "")\n    return HttpResponse(f"<p>Results for {q}</p>")', errors: [4], messages: [{ messageId: 'default' }] },
      { code: 'from flask import make_response, request\ndef e():\n    return make_response("<b>%s</b>" % request.args.get("e"))', errors: [3], messages: [{ messageId: 'default' }] },
      { code: 'from django.http import HttpResponse\ndef echo(request):\n    return HttpResponse(request.GET["msg"])', errors: [3], messages: [{ messageId: 'default' }] },
    ],
  },
};

export default rule;
