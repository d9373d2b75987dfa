import type { Node } from 'web-tree-sitter';
import { OWASP, type Rule } from '../../core/rule';

const HTTP_CALL = /^(requests|httpx)\.(get|post|put|patch|delete|head|options|request|stream|Client|AsyncClient|Session)$|^requests\.(Session|session)\(\)\.(get|post|put|patch|delete|head|options|request)$|^httpx\.(Client|AsyncClient)\(\)\.(get|post|put|patch|delete|head|options|request|stream)$/;

const rule: Rule = {
  meta: {
    id: 'py-tls-verify-disabled',
    title: 'TLS certificate verification turned off',
    language: 'python',
    family: 'tls',
    checklist: ['encryption'],
    severity: 'high',
    confidence: 'high',
    cwe: ['CWE-295'],
    owasp: [OWASP.A02, OWASP.A07],
    bandit: ['B501', 'B323'],
    message: 'Certificate verification is off: anyone on the network path can read and change this traffic.',
    docs: {
      whatItDoes: 'Finds `verify=False` on requests and httpx calls and clients, `session.verify = False`, `ssl._create_unverified_context()`, `ssl.CERT_NONE` and `check_hostname = False`.',
      whyBad: 'Without checking the certificate, TLS still encrypts, but to whoever answers: a proxy, a hostile Wi-Fi or a compromised router can impersonate the server and read credentials and data.',
      example: 'requests.get("https://api.example.com/data", verify=False)',
      useInstead: 'requests.get("https://api.example.com/data", timeout=10)\n# private CA: requests.get(url, verify="/etc/ssl/certs/internal-ca.pem")',
      references: ['https://cwe.mitre.org/data/definitions/295.html', 'https://requests.readthedocs.io/en/latest/user/advanced/#ssl-cert-verification'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    return {
      call(node: Node) {
        const name = sem.calleeName(node);
        if (!name) return;
        if (name === 'ssl._create_unverified_context') {
          ctx.report({ node, message: 'An unverified SSL context accepts any certificate: use ssl.create_default_context().' });
          return;
        }
        if (!HTTP_CALL.test(name) && !/\.(get|post|put|patch|delete|request)$/.test(name)) return;
        const v = sem.args(node).keywords.get('verify');
        if (v?.type === 'false') {
          const kw = v.parent!;
          const isRequests = HTTP_CALL.test(name);
          if (!isRequests && !/requests|httpx|session|client/i.test(node.text.split('(')[0])) return;
          ctx.report({ node: kw, fix: { title: 'Verify certificates (remove verify=False)', safe: false, edits: [ctx.replace(kw, 'verify=True')] } });
        }
      },
      assignment(node: Node) {
        const left = node.childForFieldName('left');
        const right = node.childForFieldName('right');
        if (left?.type !== 'attribute' || !right) return;
        const attr = left.childForFieldName('attribute')?.text;
        if ((attr === 'verify' || attr === 'check_hostname') && right.type === 'false') ctx.report({ node });
        if (attr === 'verify_mode' && /CERT_NONE$/.test(sem.qualifiedName(right) ?? right.text)) ctx.report({ node });
      },
      keyword_argument(node: Node) {
        const name = node.childForFieldName('name')?.text;
        const value = node.childForFieldName('value');
        if ((name === 'cert_reqs' || name === 'verify_mode') && value && /CERT_NONE$/.test(sem.qualifiedName(value) ?? value.text)) ctx.report({ node });
      },
    };
  },
  tests: {
    valid: [
      'import requests\nrequests.get(url, timeout=5)',
      'import requests\nrequests.get(url, verify="/etc/ca.pem", timeout=5)',
      'import ssl\nctx = ssl.create_default_context()',
      '# verify=False is dangerous\nnote = "requests.get(u, verify=False)"',
      'form.verify = True',
    ],
    invalid: [
      { code: 'import requests\nrequests.get("https://api.example.com", verify=False)', errors: [2], output: 'import requests\nrequests.get("https://api.example.com", verify=True)' },
      { code: 'import httpx\nclient = httpx.Client(verify=False)', errors: [2] },
      { code: 'import requests\ns = requests.Session()\ns.verify = False', errors: [3] },
      { code: 'import ssl\nctx = ssl._create_unverified_context()', errors: [2] },
      { code: 'import ssl\nctx = ssl.create_default_context()\nctx.check_hostname = False\nctx.verify_mode = ssl.CERT_NONE', errors: [3, 4] },
    ],
  },
};

export default rule;
