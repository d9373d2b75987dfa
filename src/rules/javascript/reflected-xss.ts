import type { Node } from 'web-tree-sitter';
import { OWASP, type Rule } from '../../core/rule';

const rule: Rule = {
  meta: {
    id: 'js-reflected-xss',
    title: 'Request data sent back as HTML without escaping',
    language: 'javascript',
    family: 'xss',
    checklist: ['input-validation'],
    severity: 'high',
    confidence: 'high',
    cwe: ['CWE-79'],
    owasp: [OWASP.A03],
    message: 'Request data is written into the response unescaped: render a template with escaping, or escape it.',
    docs: {
      whatItDoes: 'Finds Express `res.send`/`res.write`/`res.end` whose body is request data, or HTML built from it, without escaping. `res.json` is safe and not flagged.',
      whyBad: 'Express sends strings as text/html. A link with `<script>` in a query parameter then runs in the victim\'s browser on your origin: reflected XSS.',
      example: "res.send(`<h1>Hello ${req.query.name}</h1>`);",
      useInstead: "const escapeHtml = require('escape-html');\nres.send(`<h1>Hello ${escapeHtml(req.query.name)}</h1>`);\n// or res.render('hello', { name: req.query.name }) with an escaping view engine",
      references: ['https://cwe.mitre.org/data/definitions/79.html', 'https://expressjs.com/en/advanced/best-practice-security.html'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    return {
      call_expression(node: Node) {
        const m = sem.methodName(node);
        if (m !== 'send' && m !== 'write' && m !== 'end') return;
        const recv = sem.receiver(node);
        if (!recv || !/^(res|response|reply|ctx\.res)$/.test(recv.text) && !/^res\.status\(/.test(recv.text)) return;
        const body = sem.arg(node, 0);
        if (!body) return;
        const t = sem.taint(body);
        if (!t) return;
        const b = sem.dialect.unwrap(body);
        if (b.type === 'object' || b.type === 'array' || b.type === 'number') return;
        if (b.type === 'call_expression' && /JSON\.stringify|escape|encode|sanitize|String\(\s*Number/.test(b.text)) return;
        // A header set to a non-HTML content type before sending makes the body inert.
        const fn = sem.enclosingFunction(node);
        if (fn && /(res\.type|res\.set|setHeader|res\.header|contentType)\(\s*['"`](text\/plain|application\/json|Content-Type['"`]\s*,\s*['"`](text\/plain|application\/json))/.test(fn.text)) return;
        ctx.report({ node: body, taint: t });
      },
    };
  },
  tests: {
    valid: [
      "app.get('/a', (req, res) => res.json({ q: req.query.q }));",
      "app.get('/b', (req, res) => res.send('<h1>Hello</h1>'));",
      "const escapeHtml = require('escape-html');\napp.get('/c', (req, res) => res.send(`<p>${escapeHtml(req.query.q)}</p>`));",
      "app.get('/d', (req, res) => { res.type('text/plain'); res.send(req.query.q); });",
    ],
    invalid: [
      { code: "app.get('/hello', (req, res) => {\n  res.send(`<h1>Hello ${req.query.name}</h1>`);\n});", errors: [2], messages: [{ messageId: 'default' }] },
      { code: "router.get('/echo', function (req, res) {\n  const msg = req.params.msg;\n  res.write('<div>' + msg + '</div>');\n  res.end();\n});", errors: [3], messages: [{ messageId: 'default' }] },
      { code: "app.post('/x', (req, res) => res.status(400).send('Bad value: ' + req.body.value));", errors: [1], messages: [{ messageId: 'default' }] },
      { code: "app.get('/s', ({ query }, res) => res.send(query.term));", errors: [1], messages: [{ messageId: 'default' }] },
    ],
  },
};

export default rule;
