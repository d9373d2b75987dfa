import type { Node } from 'web-tree-sitter';
import { sinksByCallee } from '../../core/models';
import { OWASP, type Rule } from '../../core/rule';
import { isGuarded } from '../../core/guards';

/** Redirect responses from the models (src/core/models/redirect-py.ts). */
const REDIRECTS = sinksByCallee('python', 'open-redirect');
const CHECKS = /url_has_allowed_host_and_scheme|is_safe_url|urlparse|urlsplit|\.netloc|startswith\(\s*["']\/|ALLOWED_|allowed_hosts|url_for\(/;

const rule: Rule = {
  meta: {
    id: 'py-open-redirect',
    title: 'Redirect to a URL taken from the request',
    language: 'python',
    family: 'redirect',
    checklist: ['input-validation'],
    severity: 'medium',
    confidence: 'high',
    cwe: ['CWE-601'],
    owasp: [OWASP.A01],
    message: 'The redirect target comes from the request: check it is a local path or an allowed host.',
    docs: {
      whatItDoes: 'Finds Flask and Django redirects whose target comes from request data in a function that never checks the URL (`url_has_allowed_host_and_scheme`, `urlparse(...).netloc`, an allow-list).',
      whyBad: 'A link on your domain that forwards to any site is a gift to phishing: users trust the domain they clicked, and the login form they land on is the attacker\'s. It can also leak tokens in the URL.',
      example: 'from flask import redirect, request\nnext_url = request.args.get("next")\nreturn redirect(next_url)',
      useInstead: 'from django.utils.http import url_has_allowed_host_and_scheme\nif not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):\n    next_url = "/"\nreturn redirect(next_url)',
      references: ['https://cwe.mitre.org/data/definitions/601.html', 'https://cheatsheetseries.owasp.org/cheatsheets/Unvalidated_Redirects_and_Forwards_Cheat_Sheet.html'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    return {
      call(node: Node) {
        const name = sem.calleeName(node);
        const row = name ? REDIRECTS.get(name) : undefined;
        if (!row) return;
        check(node, sem.arg(node, row.args?.[0] ?? 0, row.keywords?.[0]));
      },
      // `response.headers["Location"] = url` redirects as well as redirect(url) does.
      assignment(node: Node) {
        const left = node.childForFieldName('left');
        if (left?.type !== 'subscript' || !/\.headers$|^headers$/.test(left.childForFieldName('value')?.text ?? '')) return;
        const key = left.childForFieldName('subscript');
        if (!key || sem.stringValue(key)?.toLowerCase() !== 'location') return;
        check(node, node.childForFieldName('right') ?? undefined);
      },
    };
    function check(node: Node, target: Node | undefined): void {
      const t = target && sem.taint(target);
      if (!t || !target) return;
      if (isGuarded(sem, node, CHECKS, t, target)) return;
      // A fixed prefix before the data keeps the redirect on this site.
      // On every path: `if not u: u = "/"` leaves the request's value on the other one.
      const local = (v: Node) => (v.type === 'string' && /^[rbuf]*["']\/[^/\\]/i.test(v.text)) || (v.type === 'binary_operator' && /^[rbuf]*["']\/[^/\\]/i.test(v.childForFieldName('left')?.text ?? ''));
      if (sem.reachingValues(target).every(local)) return;
      ctx.report({ node: target, source: t.source });
    }
  },
  tests: {
    valid: [
      'from flask import redirect, url_for\nredirect(url_for("index"))',
      'from flask import redirect, request\nfrom urllib.parse import urlparse\ndef go():\n    n = request.args.get("next", "/")\n    if urlparse(n).netloc:\n        n = "/"\n    return redirect(n)',
      'from flask import redirect, request\ndef item():\n    return redirect("/items/" + request.args["id"])',
      'from django.shortcuts import redirect\ndef v(request):\n    return redirect("home")',
      "from flask import request, redirect\n@app.route(\"/v\")\ndef v():\n    u = request.args.get(\"next\")\n    u = \"/home\"\n    return redirect(u)",
      "from flask import Response, request\ndef v():\n    r = Response(\"ok\")\n    r.headers[\"Location\"] = \"/home\"\n    return r",
    ],
    invalid: [
      { code: 'from flask import redirect, request\ndef login():\n    next_url = request.args.get("next")\n    return redirect(next_url)', errors: [4], messages: [{ messageId: 'default' }] },
      { code: 'from django.http import HttpResponseRedirect\ndef out(request):\n    return HttpResponseRedirect(request.GET["to"])', errors: [3], messages: [{ messageId: 'default' }] },
      { code: 'from django.shortcuts import redirect\ndef back(request):\n    return redirect(request.META.get("HTTP_REFERER"))', errors: [3], messages: [{ messageId: 'default' }] },
      { code: 'import flask\ndef go():\n    return flask.redirect(flask.request.form["url"])', errors: [3], messages: [{ messageId: 'default' }] },
      { code: "from flask import request, redirect\n@app.route(\"/r\")\ndef r():\n    u = request.args.get(\"next\")\n    if not u:\n        u = \"/\"\n    return redirect(u)", errors: [7] },
      { code: "from flask import request, redirect\n@app.route(\"/t\")\ndef t():\n    try:\n        u = request.args[\"next\"]\n    except KeyError:\n        u = \"/\"\n    return redirect(u)", errors: [8] },
      { code: "from flask import Response, request\ndef v():\n    r = Response(\"ok\")\n    r.headers[\"Location\"] = request.form[\"location\"]\n    return r", errors: [4] },
    ],
  },
};

export default rule;
