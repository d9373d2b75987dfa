import type { Node } from 'web-tree-sitter';
import { OWASP, type Rule } from '../../core/rule';

/** requests' module functions and session methods; urllib's urlopen. httpx has a default timeout. */
const CALLS = /^requests\.(get|post|put|patch|delete|head|options|request)$|^requests\.(Session|session)\(\)\.(get|post|put|patch|delete|head|options|request)$|^urllib\.request\.urlopen$/;

const rule: Rule = {
  meta: {
    id: 'py-request-without-timeout',
    title: 'HTTP request without a timeout',
    language: 'python',
    family: 'misc',
    checklist: [],
    severity: 'low',
    confidence: 'high',
    cwe: ['CWE-400'],
    owasp: [OWASP.A05],
    bandit: ['B113'],
    message: 'This request has no timeout: a slow or silent server holds the worker until the process is killed.',
    docs: {
      whatItDoes: 'Finds `requests` calls (module functions and `Session` methods) and `urllib.request.urlopen` without a `timeout` argument. httpx is not flagged: it times out after 5 s by default.',
      whyBad: 'requests and urllib wait forever by default. A server that accepts the connection and never answers (by accident or on purpose) pins a web worker per request, and a handful of such requests takes the site down.',
      example: 'resp = requests.get("https://api.example.com/rates")',
      useInstead: 'resp = requests.get("https://api.example.com/rates", timeout=10)\n# or separate connect and read limits: timeout=(3.05, 27)',
      references: ['https://cwe.mitre.org/data/definitions/400.html', 'https://requests.readthedocs.io/en/latest/user/advanced/#timeouts', 'https://bandit.readthedocs.io/en/latest/plugins/b113_request_without_timeout.html'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    return {
      call(node: Node) {
        const name = sem.calleeName(node);
        if (!name || !CALLS.test(name)) return;
        const a = sem.args(node);
        // A splat may carry the timeout; urlopen takes it as the third positional argument.
        if (a.keywords.has('timeout') || a.hasSplat || (name.endsWith('urlopen') && a.positional.length >= 3)) return;
        const args = node.childForFieldName('arguments');
        if (!args || args.type !== 'argument_list') return;
        const empty = a.positional.length === 0 && a.keywords.size === 0;
        const trailingComma = /,\s*\)$/.test(args.text);
        const insert = empty || trailingComma ? 'timeout=10' : ', timeout=10';
        ctx.report({ node, fix: { title: 'Add timeout=10', safe: false, edits: [ctx.insertAt(args.endIndex - 1, insert)] } });
      },
    };
  },
  tests: {
    valid: [
      'import requests\nr = requests.get(url, timeout=5)',
      'import requests\nr = requests.post(url, json=body, timeout=(3.05, 27))',
      'import requests\nr = requests.get(url, **opts)',
      'import httpx\nr = httpx.get(url)',
      'from urllib.request import urlopen\nurlopen(url, None, 10)',
      '# requests.get(url) without timeout hangs\ns = "requests.get(url)"',
    ],
    invalid: [
      { code: 'import requests\nr = requests.get("https://api.example.com/rates")', errors: [2], output: 'import requests\nr = requests.get("https://api.example.com/rates", timeout=10)' },
      { code: 'import requests\ns = requests.Session()\ns.post(url, data={"a": 1},)', errors: [3], output: 'import requests\ns = requests.Session()\ns.post(url, data={"a": 1},timeout=10)' },
      { code: 'from requests import get as fetch\nfetch(url)', errors: [2] },
      { code: 'import urllib.request\nurllib.request.urlopen(url)', errors: [2], output: 'import urllib.request\nurllib.request.urlopen(url, timeout=10)' },
    ],
  },
};

export default rule;
