import type { Node } from 'web-tree-sitter';
import { OWASP, type Rule } from '../../core/rule';

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
    const checked = (node: Node) => CHECK.test((sem.enclosingFunction(node) ?? ctx.tree.rootNode).text);
    const localPrefix = (n: Node) => {
      const v = sem.deref(n);
      const first = v.type === 'template_string' ? v.text.slice(1) : v.type === 'binary_expression' ? v.childForFieldName('left')?.text.slice(1) ?? '' : '';
      return /^\/[^/\\]/.test(first);
    };
    return {
      call_expression(node: Node) {
        if (sem.methodName(node) !== 'redirect' || !/^(res|response|reply|ctx)$/.test(sem.receiver(node)?.text ?? '')) return;
        const args = sem.args(node).positional;
        const target = args.length === 2 ? args[1] : args[0];
        const t = target && sem.taint(target);
        if (!t || !target || checked(node) || localPrefix(target)) return;
        ctx.report({ node: target, source: t.source });
      },
      assignment_expression(node: Node) {
        const left = node.childForFieldName('left')?.text ?? '';
        const right = node.childForFieldName('right');
        if (!right || !/^(window\.|document\.)?location(\.href)?$/.test(left)) return;
        const t = sem.taint(right);
        if (!t || checked(node) || localPrefix(right)) return;
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
    ],
    invalid: [
      { code: "app.get('/login', (req, res) => {\n  res.redirect(req.query.next);\n});", errors: [2] },
      { code: "router.post('/out', (req, res) => res.redirect(302, req.body.returnTo));", errors: [1] },
      { code: "const p = new URLSearchParams(location.search);\nwindow.location.href = p.get('url');", errors: [2], filename: 'page.js' },
      { code: "app.get('/go', function (req, res) {\n  const to = req.query.to;\n  res.redirect(to);\n});", errors: [3] },
    ],
  },
};

export default rule;
