import type { Node } from 'web-tree-sitter';
import { OWASP, type Rule } from '../../core/rule';

const rule: Rule = {
  meta: {
    id: 'js-jwt-misuse',
    title: 'JWT decoded instead of verified, verified without algorithms, or "none"',
    language: 'javascript',
    family: 'auth',
    checklist: ['authentication'],
    severity: 'high',
    confidence: 'high',
    cwe: ['CWE-347', 'CWE-327'],
    owasp: [OWASP.A07, OWASP.A02],
    message: 'This token is not properly verified: anyone can forge its claims.',
    docs: {
      whatItDoes: 'Finds jsonwebtoken `jwt.decode()` in code that never calls `jwt.verify()` (the decoded claims are trusted unchecked), `jwt.verify()` without an `algorithms` list, algorithm lists containing `none`, and `jwt.sign` with `algorithm: "none"`.',
      whyBad: '`jwt.decode` only base64-decodes: the client can write any claims. Without a fixed algorithm list the token can choose how it is checked (algorithm confusion).',
      example: "const user = jwt.decode(req.headers.authorization);",
      useInstead: "const user = jwt.verify(token, process.env.JWT_SECRET, { algorithms: ['HS256'] });",
      references: ['https://cwe.mitre.org/data/definitions/347.html', 'https://github.com/auth0/node-jsonwebtoken#jwtverifytoken-secretorpublickey-options-callback'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    const decodes: Node[] = [];
    let verifies = false;
    return {
      call_expression(node: Node) {
        const name = sem.calleeName(node);
        if (name === 'jsonwebtoken.decode') decodes.push(node);
        else if (name === 'jsonwebtoken.verify') {
          verifies = true;
          const a = sem.args(node).positional;
          const opts = a[2] && a[2].type === 'object' ? a[2] : undefined;
          if (opts && /\balgorithms\s*:/.test(opts.text)) {
            if (/['"`]none['"`]/i.test(opts.text)) ctx.report({ node: opts, message: 'The algorithm list accepts "none": unsigned tokens would pass.' });
            return;
          }
          if (a.length >= 2 && (!a[2] || a[2].type === 'object' || a[2].type === 'arrow_function' || a[2].type === 'function_expression')) {
            const fix = a.length === 2 ? { title: "Pin the algorithm list (check it matches how tokens are signed)", safe: false, edits: [ctx.insertAt(a[1].endIndex, ", { algorithms: ['HS256'] }")] } : undefined;
            ctx.report({ node, message: 'jwt.verify without algorithms lets the token choose how it is checked: pass { algorithms: [...] }.', fix });
          }
        } else if (name === 'jsonwebtoken.sign') {
          const opts = sem.arg(node, 2);
          if (opts && /\balgorithm\s*:\s*['"`]none['"`]/i.test(opts.text)) ctx.report({ node, message: 'Tokens signed with "none" carry no signature.' });
        }
      },
      'program:exit'() {
        if (verifies) return;
        for (const d of decodes) ctx.report({ node: d, message: 'jwt.decode does not check the signature, and this file never verifies: use jwt.verify with the key and an algorithm list.' });
      },
    };
  },
  tests: {
    valid: [
      "const jwt = require('jsonwebtoken');\nconst c = jwt.verify(t, key, { algorithms: ['HS256'] });",
      "const jwt = require('jsonwebtoken');\njwt.verify(t, key, { algorithms: ['RS256'] });\nconst header = jwt.decode(t, { complete: true }).header;",
      "// jwt.decode(t) alone is unsafe\nconst s = 'jwt.decode';",
      "const jwt = require('jsonwebtoken');\njwt.sign(p, key, { algorithm: 'HS256' });",
    ],
    invalid: [
      { code: "const jwt = require('jsonwebtoken');\nconst user = jwt.decode(req.headers.authorization);", errors: [2] },
      { code: "const jwt = require('jsonwebtoken');\nconst c = jwt.verify(token, secret);", errors: [2], output: "const jwt = require('jsonwebtoken');\nconst c = jwt.verify(token, secret, { algorithms: ['HS256'] });" },
      { code: "import jwt from 'jsonwebtoken';\njwt.verify(token, key, { algorithms: ['none', 'HS256'] });", errors: [2] },
      { code: "import jwt from 'jsonwebtoken';\njwt.sign(payload, '', { algorithm: 'none' });", errors: [2] },
    ],
  },
};

export default rule;
