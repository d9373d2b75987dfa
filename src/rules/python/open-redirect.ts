import type { Node } from 'web-tree-sitter';
import { OWASP, type Rule } from '../../core/rule';

const REDIRECTS = new Set(['flask.redirect', 'werkzeug.utils.redirect', 'django.shortcuts.redirect', 'django.http.HttpResponseRedirect', 'django.http.HttpResponsePermanentRedirect', 'django.http.response.HttpResponseRedirect', 'starlette.responses.RedirectResponse', 'fastapi.responses.RedirectResponse']);
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
      example: 'next_url = request.args.get("next")\nreturn redirect(next_url)',
      useInstead: 'from django.utils.http import url_has_allowed_host_and_scheme\nif not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):\n    next_url = "/"\nreturn redirect(next_url)',
      references: ['https://cwe.mitre.org/data/definitions/601.html', 'https://cheatsheetseries.owasp.org/cheatsheets/Unvalidated_Redirects_and_Forwards_Cheat_Sheet.html'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    return {
      call(node: Node) {
        const name = sem.calleeName(node);
        if (!name || !REDIRECTS.has(name)) return;
        const target = sem.arg(node, 0, name.includes('Response') ? 'url' : 'location');
        const t = target && sem.taint(target);
        if (!t || !target) return;
        const fn = sem.enclosingFunction(node);
        if (CHECKS.test((fn ?? ctx.tree.rootNode).text)) return;
        // A fixed prefix before the data keeps the redirect on this site.
        const v = sem.deref(target);
        if (v.type === 'string' && /^[rbuf]*["']\/[^/\\]/i.test(v.text)) return;
        if (v.type === 'binary_operator' && /^[rbuf]*["']\/[^/\\]/i.test(v.childForFieldName('left')?.text ?? '')) return;
        ctx.report({ node: target, source: t.source });
      },
    };
  },
  tests: {
    valid: [
      'from flask import redirect, url_for\nredirect(url_for("index"))',
      'from flask import redirect, request\nfrom urllib.parse import urlparse\ndef go():\n    n = request.args.get("next", "/")\n    if urlparse(n).netloc:\n        n = "/"\n    return redirect(n)',
      'from flask import redirect, request\ndef item():\n    return redirect("/items/" + request.args["id"])',
      'from django.shortcuts import redirect\ndef v(request):\n    return redirect("home")',
    ],
    invalid: [
      { code: 'from flask import redirect, request\ndef login():\n    next_url = request.args.get("next")\n    return redirect(next_url)', errors: [4] },
      { code: 'from django.http import HttpResponseRedirect\ndef out(request):\n    return HttpResponseRedirect(request.GET["to"])', errors: [3] },
      { code: 'from django.shortcuts import redirect\ndef back(request):\n    return redirect(request.META.get("HTTP_REFERER"))', errors: [3] },
      { code: 'import flask\ndef go():\n    return flask.redirect(flask.request.form["url"])', errors: [3] },
    ],
  },
};

export default rule;
