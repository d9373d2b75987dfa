import type { Node } from 'web-tree-sitter';
import { OWASP, type Rule } from '../../core/rule';
import { modelRows } from '../../core/models';
import type { Semantics } from '../../core/semantics';

/** The response methods that send a body (src/core/models/responses.ts: `text-body` sinks). */
const SINKS = new Set(modelRows('javascript', 'sink', 'reflected-xss', 'express').filter((r) => r.context === 'text-body').map((r) => r.method!));
/** Headless-browser methods that load HTML into a page on the server (puppeteer/playwright `setContent`). */
const PAGE_METHODS = new Set(modelRows('javascript', 'sink', 'reflected-xss').filter((r) => r.method && !r.context).map((r) => r.method!));
/** Request properties that are parsed objects, never text: sending one sends JSON. */
const OBJECT_SOURCES = /^(req|request)\.(body|query|params|cookies|signedCookies|headers|files)$/;
/** Calls whose result is not text: parsers, numbers, containers. */
const NOT_TEXT_CALLS = /^(JSON\.parse|Number|parseInt|parseFloat|Boolean|Object\.\w+|Array\.\w+|Buffer\.\w+|Math\.\w+)$/;
/** String methods whose result is text. */
const TEXT_METHODS = new Set(['concat', 'replace', 'replaceAll', 'join', 'toLowerCase', 'toUpperCase', 'trim', 'trimStart', 'trimEnd', 'slice', 'substring', 'substr', 'padStart', 'padEnd', 'repeat', 'toString', 'format']);

/**
 * Whether an expression the body can hold is text (sent as text/html) rather than an object,
 * array, number or a document a method returned (sent as JSON). Unknown plain calls count as text:
 * a local or imported helper may return HTML.
 */
function isText(sem: Semantics, value: Node, depth = 0): boolean {
  const v = sem.dialect.unwrap(value);
  if (depth > 4) return true;
  switch (v.type) {
    case 'object': case 'array': case 'number': case 'true': case 'false': case 'null': case 'undefined': case 'new_expression':
      return false;
    case 'string': case 'template_string':
      return true;
    case 'binary_expression': {
      const op = v.childForFieldName('operator')?.type;
      const parts = [v.childForFieldName('left'), v.childForFieldName('right')].filter((x): x is Node => !!x);
      if (op === '+') return parts.some((p) => isText(sem, p, depth + 1) && !/^(number)$/.test(sem.dialect.unwrap(p).type));
      if (op === '||' || op === '??' || op === '&&') return parts.some((p) => isText(sem, p, depth + 1));
      return false;
    }
    case 'ternary_expression':
      return [v.childForFieldName('consequence'), v.childForFieldName('alternative')].some((p) => !!p && isText(sem, p, depth + 1));
    case 'call_expression': {
      const m = sem.methodName(v);
      const recv = sem.receiver(v);
      const name = sem.calleeName(v) ?? '';
      if (name === 'String' || (m && TEXT_METHODS.has(m))) return true;
      if (NOT_TEXT_CALLS.test(name)) return false;
      // A method of some object (a model, a collection, a client) returns its data, sent as JSON.
      return !recv;
    }
    case 'member_expression':
      return !OBJECT_SOURCES.test(v.text);
    default:
      return true;
  }
}

const INERT_TYPE = /^\s*(text\/plain|text\/csv|application\/json|application\/[\w.+-]*\+json|application\/(octet-stream|pdf|zip)|image\/(png|jpe?g|gif|webp))\b|^\s*(json|txt|text)\s*$/i;
const CONTENT_TYPE_KEY = /^content-type$/i;

/** The Content-Type values a header call in `fn` sets: `type(t)`, `set/header/setHeader(k, t)`, `set({k: t})`, `writeHead(s, [msg,] {k: t} | [[k, t]])`. */
function contentTypesSet(sem: Semantics, call: Node): string[] {
  const m = sem.methodName(call);
  const args = sem.args(call).positional;
  const str = (n: Node | undefined) => (n ? sem.stringValue(n) : undefined);
  const fromHeaders = (h: Node | undefined): string[] => {
    if (!h) return [];
    const o = sem.literalOf(h);
    const out: string[] = [];
    if (o.type === 'object') {
      for (const p of o.namedChildren) {
        if (p?.type !== 'pair') continue;
        const k = p.childForFieldName('key');
        const key = k && (k.type === 'property_identifier' ? k.text : str(k));
        const val = str(p.childForFieldName('value') ?? undefined);
        if (key && CONTENT_TYPE_KEY.test(key) && val !== undefined) out.push(val);
      }
    } else if (o.type === 'array') {
      for (const e of o.namedChildren) {
        if (e?.type !== 'array') continue;
        const [k, val] = e.namedChildren.filter((x): x is Node => !!x && x.type !== 'comment');
        if (k && CONTENT_TYPE_KEY.test(str(k) ?? '') && str(val) !== undefined) out.push(str(val)!);
      }
    }
    return out;
  };
  switch (m) {
    case 'type': case 'contentType':
      return str(args[0]) !== undefined ? [str(args[0])!] : [];
    case 'set': case 'header': case 'setHeader':
      if (args.length >= 2) return CONTENT_TYPE_KEY.test(str(args[0]) ?? '') && str(args[1]) !== undefined ? [str(args[1])!] : [];
      return fromHeaders(args[0]);
    case 'writeHead':
      return fromHeaders(args[args.length - 1]);
    default:
      return [];
  }
}

/** Whether the function sets the response's Content-Type to a type browsers do not render as HTML. */
function setsInertContentType(sem: Semantics, fn: Node): boolean {
  const calls = fn.descendantsOfType('call_expression').filter((c): c is Node => !!c);
  return calls.some((c) => contentTypesSet(sem, c).some((t) => INERT_TYPE.test(t)));
}

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
      whatItDoes: 'Finds Express `res.send`/`res.write`/`res.end` whose body is request data, or HTML built from it, without escaping. `res.json` is safe and not flagged, and so are bodies that are objects, arrays, numbers or documents returned by a method (Express sends them as JSON), and responses whose Content-Type is set to a non-HTML type (`res.type`, `res.set`, `setHeader`, `writeHead`).',
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
        if (m && PAGE_METHODS.has(m) && /page$/i.test(sem.receiver(node)?.text ?? '')) {
          const html = sem.arg(node, 0);
          const t = html && sem.taint(html);
          // The page renders with the server's network access and files: script in it is server-side XSS.
          if (t && html && sem.reachingValues(html).some((v) => isText(sem, v) && sem.isTainted(v))) ctx.report({ node: html, taint: t, message: 'Request data is loaded as HTML into the headless browser unescaped: escape it, or render it with a template that escapes.' });
          return;
        }
        if (!m || !SINKS.has(m)) return;
        const recv = sem.receiver(node);
        if (!recv || !/^(res|response|reply|ctx\.res)$/.test(recv.text) && !/^res\.status\(/.test(recv.text)) return;
        const body = sem.arg(node, 0);
        if (!body) return;
        const t = sem.taint(body);
        if (!t) return;
        // Only text is sent as HTML: a tainted value on some path must be a string or text built from one.
        if (!sem.reachingValues(body).some((v) => isText(sem, v) && sem.isTainted(v))) return;
        const b = sem.dialect.unwrap(body);
        if (b.type === 'call_expression' && /JSON\.stringify|escape|encode|sanitize|String\(\s*Number/.test(b.text)) return;
        // A header set to a non-HTML content type before sending makes the body inert.
        const fn = sem.enclosingFunction(node);
        if (fn && setsInertContentType(sem, fn)) return;
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
      "app.get('/e', async (req, res) => {\n  const post = await Post.findOne({ slug: req.params.slug });\n  res.send(post);\n});",
      "http.createServer((req, res) => {\n  res.writeHead(200, { 'Content-Type': 'text/plain' });\n  res.end(req.url);\n});",
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
