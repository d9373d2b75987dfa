import type { Node } from 'web-tree-sitter';
import { OWASP, type Rule } from '../../core/rule';
import { isGuarded } from '../../core/guards';
import type { TaintInfo } from '../../core/semantics';

const CHECK = /new URL\(|url\.parse|\.hostname|\.host\b|\.origin\b|allowed|whitelist|allowlist|startsWith\(\s*['"`]\/(?![/\\])|isSafe|isValidRedirect|isRelative/i;

const rule: Rule = {
  meta: {
    id: 'js-open-redirect',
    title: 'Redirect to a URL taken from the request',
    language: 'javascript',
    family: 'redirect',
    checklist: ['input-validation'],
    severity: 'medium',
    confidence: 'high',
    cwe: ['CWE-601'],
    owasp: [OWASP.A01],
    message: 'The redirect target comes from the request: allow only local paths or known hosts.',
    docs: {
      whatItDoes: 'Finds `res.redirect(...)` and `location.href = ...` / `window.location = ...` whose target comes from the request or the URL, in a function that does not check the target.',
      whyBad: 'Links on your domain that forward anywhere make convincing phishing links and can leak tokens to other sites.',
      example: "res.redirect(req.query.next);",
      useInstead: "const next = String(req.query.next || '/');\nres.redirect(next.startsWith('/') && !next.startsWith('//') ? next : '/');",
      references: ['https://cwe.mitre.org/data/definitions/601.html', 'https://cheatsheetseries.owasp.org/cheatsheets/Unvalidated_Redirects_and_Forwards_Cheat_Sheet.html'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    const checked = (node: Node, t: TaintInfo, target: Node) => isGuarded(sem, node, CHECK, t, target);
    // On every path: `if (!u) u = '/'` leaves the request's value on the other one.
    const localPrefix = (n: Node) => sem.reachingValues(n).every((v) => {
      const first = v.type === 'template_string' ? v.text.slice(1) : v.type === 'binary_expression' ? v.childForFieldName('left')?.text.slice(1) ?? '' : '';
      return /^\/[^/\\]/.test(first);
    });
    return {
      call_expression(node: Node) {
        const method = sem.methodName(node);
        if (!method || !/^(res|response|reply|ctx)$/.test(sem.receiver(node)?.text ?? '')) return;
        const args = sem.args(node).positional;
        let target: Node | undefined;
        if (method === 'redirect') target = args.length === 2 ? args[1] : args[0];
        // The Location header redirects as res.redirect does: res.location(u), setHeader/set/header('Location', u).
        else if (method === 'location') target = args[0];
        else if ((method === 'setHeader' || method === 'set' || method === 'header') && sem.stringValue(args[0])?.toLowerCase() === 'location') target = args[1];
        else return;
        const t = target && sem.taint(target);
        if (!t || !target || checked(node, t, target) || localPrefix(target)) return;
        ctx.report({ node: target, source: t.source });
      },
      assignment_expression(node: Node) {
        const left = node.childForFieldName('left')?.text ?? '';
        const right = node.childForFieldName('right');
        if (!right || !/^(window\.|document\.)?location(\.href)?$/.test(left)) return;
        const t = sem.taint(right);
        if (!t || checked(node, t, right) || localPrefix(right)) return;
        ctx.report({ node, source: t.source });
      },
    };
  },
  tests: {
    valid: [
      "app.get('/a', (req, res) => res.redirect('/home'));",
      "app.get('/b', (req, res) => res.redirect(`/items/${req.params.id}`));",
      "app.get('/c', (req, res) => {\n  const n = String(req.query.next || '/');\n  res.redirect(n.startsWith('/') && !n.startsWith('//') ? n : '/');\n});",
      "location.href = '/login';",
      "app.get('/v', (req, res) => {\n  let u = req.query.next;\n  u = `/home/${u}`;\n  res.redirect(u);\n});",
      "app.post('/h', (req, res) => {\n  res.setHeader('location', 'https://example.com/');\n  res.send('OK');\n});",
    ],
    invalid: [
      { code: "app.get('/login', (req, res) => {\n  res.redirect(req.query.next);\n});", errors: [2], messages: [{ messageId: 'default' }] },
      { code: "router.post('/out', (req, res) => res.redirect(302, req.body.returnTo));", errors: [1], messages: [{ messageId: 'default' }] },
      { code: "const p = new URLSearchParams(location.search);\nwindow.location.href = p.get('url');", errors: [2], messages: [{ messageId: 'default' }], filename: 'page.js' },
      { code: "app.get('/go', function (req, res) {\n  const to = req.query.to;\n  res.redirect(to);\n});", errors: [3], messages: [{ messageId: 'default' }] },
      { code: "app.get('/r', (req, res) => {\n  let u = req.query.next;\n  if (!req.query.abs) u = `/${u}`;\n  res.redirect(u);\n});", errors: [4] },
      { code: "app.post('/h', (req, res) => {\n  res.setHeader('location', req.body.location);\n  res.send('OK');\n});", errors: [2] },
      { code: "app.get('/l', (req, res) => {\n  res.location(req.query.to);\n  res.sendStatus(302);\n});", errors: [2] },
    ],
  },
};

export default rule;
