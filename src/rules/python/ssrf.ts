import type { Node } from 'web-tree-sitter';
import { OWASP, type Rule } from '../../core/rule';
import { isGuarded } from '../../core/guards';

const FETCH = /^(requests|httpx)\.(get|post|put|patch|delete|head|options|request|stream)$|^(requests\.Session|httpx\.Client|httpx\.AsyncClient|aiohttp\.ClientSession)\(\)\.(get|post|put|patch|delete|head|request)$|^urllib\.request\.(urlopen|Request|urlretrieve)$|^urllib3\.PoolManager\(\)\.request$/;
const CHECKS = /urlparse|urlsplit|\.netloc|\.hostname|ALLOWED|allowed_|whitelist|allowlist|ipaddress\.|is_private/;

const rule: Rule = {
  meta: {
    id: 'py-ssrf',
    title: 'Server-side request to a URL from the request (SSRF)',
    language: 'python',
    family: 'ssrf',
    checklist: ['input-validation'],
    severity: 'high',
    confidence: 'high',
    cwe: ['CWE-918'],
    owasp: [OWASP.A10],
    bandit: ['B310'],
    message: 'The server fetches a URL chosen by the client: restrict the scheme and host to an allow-list.',
    docs: {
      whatItDoes: 'Finds requests, httpx, aiohttp, urllib3 and `urllib.request.urlopen` calls whose URL comes from request data, in functions that do not parse and check the host.',
      whyBad: 'The server can reach places the client cannot: cloud metadata endpoints (169.254.169.254) that hand out credentials, admin panels on localhost, internal services. With urlopen, `file://` URLs read local files.',
      example: 'url = request.args["url"]\nreturn requests.get(url, timeout=5).text',
      useInstead: 'from urllib.parse import urlparse\nhost = urlparse(url).hostname\nif urlparse(url).scheme != "https" or host not in ALLOWED_HOSTS:\n    abort(400)\nrequests.get(url, timeout=5, allow_redirects=False)',
      references: ['https://cwe.mitre.org/data/definitions/918.html', 'https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    return {
      call(node: Node) {
        const name = sem.calleeName(node);
        if (!name || !FETCH.test(name)) return;
        const url = /\.request$/.test(name) && !name.startsWith('urllib.request') ? sem.arg(node, 1, 'url') : sem.arg(node, 0, 'url');
        const t = url && sem.taint(url);
        if (!t || !url) return;
        // A fixed scheme and host before the data keeps the request on that host.
        // On every path the URL starts with a fixed host.
        const head = (v: Node) => (v.type === 'string' ? v.text : v.type === 'binary_operator' ? v.childForFieldName('left')?.text ?? '' : '');
        if (sem.reachingValues(url).every((v) => /^[rbuf]*["']https?:\/\/[^/{"']+\//i.test(head(v)))) return;
        if (isGuarded(sem, node, CHECKS, t, url)) return;
        ctx.report({ node: url, source: t.source });
      },
    };
  },
  tests: {
    valid: [
      'import requests\nrequests.get("https://api.example.com/status", timeout=5)',
      'import requests\nfrom flask import request\ndef u():\n    return requests.get(f"https://api.example.com/users/{request.args[\'id\']}", timeout=5)',
      'import requests\nfrom urllib.parse import urlparse\nfrom flask import request\ndef f():\n    u = request.args["u"]\n    if urlparse(u).hostname not in ALLOWED:\n        return ""\n    return requests.get(u, timeout=5).text',
      'import requests\ndef fetch(url):\n    return requests.get(url, timeout=5)',
    ],
    invalid: [
      { code: 'import requests\nfrom flask import request\ndef proxy():\n    return requests.get(request.args["url"], timeout=5).text', errors: [4], messages: [{ messageId: 'default' }] },
      { code: 'from urllib.request import urlopen\ndef view(request):\n    return urlopen(request.GET["feed"]).read()', errors: [3], messages: [{ messageId: 'default' }] },
      { code: 'import httpx\nfrom flask import request\ndef f():\n    target = request.json["webhook"]\n    httpx.post(target, json={})', errors: [5], messages: [{ messageId: 'default' }] },
      { code: 'import requests\nfrom flask import request\ndef f():\n    host = request.args["h"]\n    return requests.get("http://" + host + "/status")', errors: [5], messages: [{ messageId: 'default' }] },
      { code: "import requests\nfrom flask import request\ndef f():\n    u = request.args[\"p\"]\n    if not request.args.get(\"raw\"):\n        u = \"https://api.example.com/\" + u\n    return requests.get(u, timeout=5).text", errors: [7] },
    ],
  },
};

export default rule;
