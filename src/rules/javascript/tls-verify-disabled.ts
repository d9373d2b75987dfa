import type { Node } from 'web-tree-sitter';
import { OWASP, type Rule } from '../../core/rule';

const rule: Rule = {
  meta: {
    id: 'js-tls-verify-disabled',
    title: 'TLS certificate verification turned off',
    language: 'javascript',
    family: 'tls',
    checklist: ['encryption'],
    severity: 'high',
    confidence: 'high',
    cwe: ['CWE-295'],
    owasp: [OWASP.A02, OWASP.A07],
    message: 'Certificate verification is off: anyone on the network path can read and change this traffic.',
    docs: {
      whatItDoes: 'Finds `rejectUnauthorized: false` (https.Agent, tls.connect, request options, axios agents) and `NODE_TLS_REJECT_UNAUTHORIZED` set to 0 in code.',
      whyBad: 'TLS without certificate checks encrypts to whoever answers. A proxy or hostile network can impersonate the server and read credentials and data. NODE_TLS_REJECT_UNAUTHORIZED=0 turns checks off for every request the process makes.',
      example: "const agent = new https.Agent({ rejectUnauthorized: false });",
      useInstead: "const agent = new https.Agent({ ca: fs.readFileSync('internal-ca.pem') });   // private CA\n// public servers: no option needed",
      references: ['https://cwe.mitre.org/data/definitions/295.html', 'https://nodejs.org/api/tls.html#tlsconnectoptions-callback'],
    },
  },
  create(ctx) {
    return {
      pair(node: Node) {
        const key = node.childForFieldName('key')?.text.replace(/^['"]|['"]$/g, '');
        const value = node.childForFieldName('value');
        if (key === 'rejectUnauthorized' && (value?.type === 'false' || value?.text === '0')) {
          ctx.report({ node, fix: { title: 'Verify certificates', safe: false, edits: [ctx.replace(value!, 'true')] } });
        }
      },
      assignment_expression(node: Node) {
        const left = node.childForFieldName('left')?.text.replace(/\s/g, '') ?? '';
        const right = node.childForFieldName('right');
        if (/^process\.env(\.NODE_TLS_REJECT_UNAUTHORIZED|\[['"]NODE_TLS_REJECT_UNAUTHORIZED['"]\])$/.test(left) && right && /^['"`]?0['"`]?$/.test(right.text)) ctx.report({ node });
        if (/\.rejectUnauthorized$/.test(left) && right?.type === 'false') ctx.report({ node });
      },
    };
  },
  tests: {
    valid: ["const agent = new https.Agent({ ca });", "tls.connect({ host, port, rejectUnauthorized: true });", "// rejectUnauthorized: false is bad\nconst s = 'rejectUnauthorized: false';", "process.env.NODE_ENV = 'production';"],
    invalid: [
      { code: "const agent = new https.Agent({ rejectUnauthorized: false });", errors: [1], output: "const agent = new https.Agent({ rejectUnauthorized: true });" },
      { code: "process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';", errors: [1] },
      { code: "axios.get(url, { httpsAgent: new https.Agent({ 'rejectUnauthorized': false }) });", errors: [1] },
      { code: "options.rejectUnauthorized = false;", errors: [1] },
    ],
  },
};

export default rule;
