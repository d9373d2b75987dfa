import type { Node } from 'web-tree-sitter';
import { OWASP, type Rule } from '../../core/rule';
import { isGuarded } from '../../core/guards';

const FETCHERS = /^(axios|axios\.(get|post|put|patch|delete|head|request)|node-fetch|fetch|got|got\.(get|post|put|patch|delete)|needle|needle\.(get|post|request)|request|request\.(get|post)|superagent\.(get|post)|undici\.(request|fetch)|http\.(get|request)|https\.(get|request))$/;
const CHECKS = /new URL\(|url\.parse\(|\.hostname\s*(===|!==|==|!=)|\.has\([^)]*hostname|allowed|whitelist|allowlist|isPrivate|ipaddr/i;

const rule: Rule = {
  meta: {
    id: 'js-ssrf',
    title: 'Server-side request to a URL from the request (SSRF)',
    language: 'javascript',
    family: 'ssrf',
    checklist: ['input-validation'],
    severity: 'high',
    confidence: 'high',
    cwe: ['CWE-918'],
    owasp: [OWASP.A10],
    message: 'The server fetches a URL chosen by the client: restrict the scheme and host to an allow-list.',
    docs: {
      whatItDoes: 'Finds `fetch`, axios, got, needle, request, superagent, undici and `http(s).get/request` calls whose URL comes from request data, in handlers that do not parse and check the host.',
      whyBad: 'The server can reach what the client cannot: cloud metadata endpoints with credentials, services on localhost, the internal network.',
      example: "const r = await axios.get(req.query.url);",
      useInstead: "const u = new URL(req.query.url);\nif (u.protocol !== 'https:' || !ALLOWED_HOSTS.has(u.hostname)) return res.sendStatus(400);\nconst r = await axios.get(u.href, { maxRedirects: 0 });",
      references: ['https://cwe.mitre.org/data/definitions/918.html', 'https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    return {
      call_expression(node: Node) {
        const name = sem.calleeName(node);
        if (!name || !FETCHERS.test(name)) return;
        const url = sem.arg(node, 0);
        const t = url && sem.taint(url);
        if (!t || !url) return;
        // On every path the URL starts with a fixed host.
        const head = (v: Node) => (v.type === 'template_string' ? v.text.slice(1) : v.type === 'binary_expression' ? v.childForFieldName('left')?.text.slice(1) ?? '' : '');
        if (sem.reachingValues(url).every((v) => /^https?:\/\/[^/$'"`]+\//i.test(head(v)))) return;
        if (isGuarded(sem, node, CHECKS, t, url)) return;
        ctx.report({ node: url, source: t.source });
      },
    };
  },
  tests: {
    valid: [
      "app.get('/a', async (req, res) => res.json((await axios.get(`https://api.example.com/users/${req.params.id}`)).data));",
      "const r = await fetch('https://api.example.com/status');",
      "app.get('/b', async (req, res) => {\n  const u = new URL(req.query.url);\n  if (!ALLOWED.has(u.hostname)) return res.sendStatus(400);\n  res.send(await (await fetch(u)).text());\n});",
      "// fetch(req.query.url) is SSRF\nconst s = 'axios.get(url)';",
    ],
    invalid: [
      { code: "const axios = require('axios');\napp.get('/proxy', async (req, res) => {\n  const r = await axios.get(req.query.url);\n  res.send(r.data);\n});", errors: [3], messages: [{ messageId: 'default' }] },
      { code: "app.post('/hook', async (req, res) => {\n  await fetch(req.body.callback, { method: 'POST' });\n});", errors: [2], messages: [{ messageId: 'default' }] },
      { code: "const https = require('https');\nrouter.get('/img', (req, res) => https.get('https://' + req.query.host + '/logo.png', (r) => r.pipe(res)));", errors: [2], messages: [{ messageId: 'default' }] },
      { code: "import got from 'got';\nexport const h = async (req, res) => res.send(await got(req.query.u).text());", errors: [2], messages: [{ messageId: 'default' }] },
    ],
  },
};

export default rule;
