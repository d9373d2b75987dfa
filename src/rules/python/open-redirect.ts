import type { Node } from 'web-tree-sitter';
import { sinksByCallee } from '../../core/models';
import { sameSiteUrlModels } from '../../core/models/redirect-py';
import { OWASP, type Rule } from '../../core/rule';
import { isGuarded } from '../../core/guards';

/** Redirect responses from the models (src/core/models/redirect-py.ts). */
const REDIRECTS = sinksByCallee('python', 'open-redirect');
/** URL builders that return a path of this site (src/core/models/redirect-py.ts). */
const SAME_SITE_URL: ReadonlySet<string> = new Set(sameSiteUrlModels.map((r) => r.callee!));
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
      if (sem.reachingValues(target).every((v) => sameSitePrefix(v, 0))) return;
      ctx.report({ node: target, taint: t });
    }
    /**
     * Whether the URL starts with a path of this site, whatever follows: a literal `/x` (not
     * `//host`), a framework URL builder (`reverse(...)`, `url_for(...)`), or a concatenation,
     * `%`-format or f-string whose first part is one of those (`reverse("list") + "?" + query`).
     */
    function sameSitePrefix(v: Node, depth: number): boolean {
      if (depth > 4) return false;
      if (v.type === 'parenthesized_expression' && v.namedChildren[0]) return sameSitePrefix(v.namedChildren[0], depth + 1);
      if (v.type === 'string') {
        if (/^[rbuf]*["']\/[^/\\]/i.test(v.text)) return true;
        // f"{base}?{query}": the first interpolation decides.
        const first = v.namedChildren.find((c) => c.type !== 'string_start');
        return first?.type === 'interpolation' && !!first.namedChildren[0] && sameSitePrefix(first.namedChildren[0], depth + 1);
      }
      if (v.type === 'call') {
        const name = sem.calleeName(v);
        return !!name && SAME_SITE_URL.has(name);
      }
      if (v.type === 'identifier') {
        // In a loop the value being assigned can reach its own operand (`url = "%s?%s" % (url, q)`):
        // that one adds no new prefix, the others decide.
        const values = sem.reachingValues(v).filter((x) => !(x.startIndex <= v.startIndex && v.endIndex <= x.endIndex));
        return values.length > 0 && values.every((x) => sameSitePrefix(x, depth + 1));
      }
      if (v.type === 'binary_operator') {
        const left = v.childForFieldName('left');
        if (!left) return false;
        if (v.childForFieldName('operator')?.type === '%' && left.type === 'string' && /^[rbu]*["']%s/i.test(left.text)) {
          // "%s?%s" % (url, query): the first value placed is the prefix.
          const right = v.childForFieldName('right');
          const first = right?.type === 'tuple' ? right.namedChildren[0] : right;
          return !!first && sameSitePrefix(first, depth + 1);
        }
        return sameSitePrefix(left, depth + 1);
      }
      return false;
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
      // URL builders return a path of this site; what follows them cannot change the host.
      'from django.shortcuts import redirect\nfrom django.urls import reverse\ndef v(request, list_id):\n    url = reverse("list_bans", args=[list_id])\n    return redirect(url)',
      'from django.shortcuts import redirect\nfrom django.urls import reverse\ndef v(request):\n    url = reverse("root")\n    if request.GET:\n        url = "%s?%s" % (url, request.GET.urlencode())\n    return redirect(url)',
      'from django.http import HttpResponsePermanentRedirect\nfrom django.urls import reverse\ndef v(request, link_id):\n    return HttpResponsePermanentRedirect(reverse("browser") + request.GET["rest"])',
      'from flask import redirect, request, url_for\ndef v():\n    return redirect(f"{url_for(\'index\')}?q={request.args[\'q\']}")',
    ],
    invalid: [
      { code: 'from flask import redirect, request\ndef login():\n    next_url = request.args.get("next")\n    return redirect(next_url)', errors: [4], messages: [{ messageId: 'default' }] },
      { code: 'from django.http import HttpResponseRedirect\ndef out(request):\n    return HttpResponseRedirect(request.GET["to"])', errors: [3], messages: [{ messageId: 'default' }] },
      { code: 'from django.shortcuts import redirect\ndef back(request):\n    return redirect(request.META.get("HTTP_REFERER"))', errors: [3], messages: [{ messageId: 'default' }] },
      { code: 'import flask\ndef go():\n    return flask.redirect(flask.request.form["url"])', errors: [3], messages: [{ messageId: 'default' }] },
      { code: "from flask import request, redirect\n@app.route(\"/r\")\ndef r():\n    u = request.args.get(\"next\")\n    if not u:\n        u = \"/\"\n    return redirect(u)", errors: [7] },
      { code: "from flask import request, redirect\n@app.route(\"/t\")\ndef t():\n    try:\n        u = request.args[\"next\"]\n    except KeyError:\n        u = \"/\"\n    return redirect(u)", errors: [8] },
      { code: "from flask import Response, request\ndef v():\n    r = Response(\"ok\")\n    r.headers[\"Location\"] = request.form[\"location\"]\n    return r", errors: [4] },
      // The request's value comes first: it is the host.
      { code: 'from django.shortcuts import redirect\nfrom django.urls import reverse\ndef v(request):\n    return redirect("%s?%s" % (request.GET["next"], reverse("root")))', errors: [4] },
      { code: 'from django.shortcuts import redirect\nfrom django.urls import reverse\ndef v(request):\n    url = reverse("root")\n    if request.GET.get("to"):\n        url = request.GET["to"]\n    return redirect(url)', errors: [7] },
    ],
  },
};

export default rule;
