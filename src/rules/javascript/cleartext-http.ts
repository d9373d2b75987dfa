import type { Node } from 'web-tree-sitter';
import { OWASP, type Rule } from '../../core/rule';

const CLIENTS = /^(fetch|axios|axios\.(get|post|put|patch|delete|head|request)|node-fetch|got|got\.(get|post|put|patch|delete)|needle|needle\.(get|post|request)|request|request\.(get|post)|superagent\.(get|post|put|patch|delete)|undici\.(request|fetch)|http\.(get|request)|window\.fetch|XMLHttpRequest\(\)\.open|io|new WebSocket)$/;
/** Plain HTTP is fine for the machine itself and for names that never leave the LAN or the docs. */
const LOCAL = /^(localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|\[::1\]|[^/:]+\.(local|localhost|test|internal|example)|example\.(com|org|net)|[^/:]*\.example\.(com|org|net)|host\.docker\.internal)(:\d+)?$/i;

const rule: Rule = {
  meta: {
    id: 'js-cleartext-http',
    title: 'Request over cleartext http://',
    language: 'javascript',
    family: 'tls',
    checklist: ['encryption'],
    severity: 'medium',
    confidence: 'high',
    cwe: ['CWE-319'],
    owasp: [OWASP.A02],
    message: 'This request goes over plain http://: anyone on the path can read and change it. Use https://.',
    docs: {
      whatItDoes: 'Finds `fetch`, axios, got, needle, request, superagent, undici, `http.get/request`, `XMLHttpRequest.open` and WebSocket / socket.io connections to a constant `http://` or `ws://` URL whose host is not local (localhost, 127.x, `.local`, `.test`, `.internal`, example domains).',
      whyBad: 'Cleartext traffic can be read and rewritten by any network in between: public Wi-Fi, a compromised router, an ISP injecting content. Credentials, session cookies and API responses travel in the open, and a rewritten response can carry script.',
      example: "const r = await fetch('http://api.partner.com/v1/orders', { headers: { authorization: token } });",
      useInstead: "const r = await fetch('https://api.partner.com/v1/orders', { headers: { authorization: token } });",
      references: ['https://cwe.mitre.org/data/definitions/319.html', 'https://developer.mozilla.org/en-US/docs/Web/Security/Transport_Layer_Security'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    const check = (node: Node, name: string, url: Node | undefined) => {
      if (!url || !CLIENTS.test(name)) return;
      const value = sem.stringValue(url);
      let head = value;
      if (head === undefined) {
        // A template with a constant scheme and host: `http://api.x.com/${id}`.
        const v = sem.deref(url);
        if (v.type === 'template_string') head = /^`([^`$]*)/.exec(v.text)?.[1];
      }
      const m = head && /^(http|ws):\/\/([^/?#'"`\s]+)/i.exec(head);
      if (!m || LOCAL.test(m[2])) return;
      const literal = url.type === 'string' || url.type === 'template_string';
      const scheme = m[1].toLowerCase();
      ctx.report({
        node: url,
        message: `${m[0]} is reached over cleartext ${scheme}://: use ${scheme}s://.`,
        fix: literal ? { title: `Use ${scheme}s://`, safe: false, edits: [ctx.replace(url, url.text.replace(/^(['"`])(http|ws):/i, (_s, q: string, sch: string) => `${q}${sch}s:`))] } : undefined,
      });
    };
    return {
      call_expression(node: Node) {
        const name = sem.calleeName(node);
        if (!name || !CLIENTS.test(name)) return;
        // XMLHttpRequest.open(method, url): the URL is the second argument.
        check(node, name, sem.arg(node, /\.open$/.test(name) ? 1 : 0));
      },
      new_expression(node: Node) {
        const ctor = node.childForFieldName('constructor')?.text;
        if (ctor === 'WebSocket') check(node, 'new WebSocket', sem.arg(node, 0));
      },
    };
  },
  tests: {
    valid: [
      "const r = await fetch('https://api.partner.com/v1/orders');",
      "const r = await fetch('http://localhost:3000/health');",
      "axios.get('http://127.0.0.1:8080/metrics');",
      "fetch('http://db.internal/status');",
      "// fetch('http://api.partner.com') is cleartext\nconst s = 'http://example.org';",
      "const ws = new WebSocket('wss://chat.example.app/socket');",
    ],
    invalid: [
      { code: "const r = await fetch('http://api.partner.com/v1/orders');", errors: [1], output: "const r = await fetch('https://api.partner.com/v1/orders');" },
      { code: "const axios = require('axios');\nconst BASE = 'http://payments.acme.io';\naxios.post(BASE + '/charge', body);", errors: [3] },
      { code: 'const r = await fetch(`http://api.partner.com/users/${id}`);', errors: [1], output: 'const r = await fetch(`https://api.partner.com/users/${id}`);' },
      { code: "const ws = new WebSocket('ws://chat.acme.io/socket');", errors: [1], output: "const ws = new WebSocket('wss://chat.acme.io/socket');" },
    ],
  },
};

export default rule;
