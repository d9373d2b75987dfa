import type { Node } from 'web-tree-sitter';
import { OWASP, type Rule } from '../../core/rule';

const rule: Rule = {
  meta: {
    id: 'py-jwt-misuse',
    title: 'JWT decoded without verification, without an algorithm list, or with "none"',
    language: 'python',
    family: 'auth',
    checklist: ['authentication'],
    severity: 'high',
    confidence: 'high',
    cwe: ['CWE-347', 'CWE-327'],
    owasp: [OWASP.A07, OWASP.A02],
    message: 'This token is not properly verified: anyone can forge its claims.',
    docs: {
      whatItDoes: 'Finds PyJWT `jwt.decode` with signature verification turned off (`options={"verify_signature": False}`, `verify=False`), without `algorithms=[...]`, or accepting the `none` algorithm, and `jwt.encode(..., algorithm="none")`.',
      whyBad: 'An unverified token is just JSON the client wrote: they can set any user id or role. Without a fixed algorithm list, a token can pick its own algorithm (the classic RS256 → HS256 confusion, or "none").',
      example: 'claims = jwt.decode(token, options={"verify_signature": False})\nclaims = jwt.decode(token, key)',
      useInstead: 'claims = jwt.decode(token, key, algorithms=["HS256"], options={"require": ["exp"]})',
      references: ['https://cwe.mitre.org/data/definitions/347.html', 'https://pyjwt.readthedocs.io/en/stable/api.html#jwt.decode'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    return {
      call(node: Node) {
        const name = sem.calleeName(node);
        if (name === 'jwt.encode' || name === 'jwt.api_jwt.encode') {
          const alg = sem.stringValue(sem.args(node).keywords.get('algorithm') ?? sem.arg(node, 2));
          if (alg?.toLowerCase() === 'none') ctx.report({ node, message: 'Tokens signed with "none" carry no signature: sign with HS256/RS256/EdDSA.' });
          return;
        }
        if (name !== 'jwt.decode' && name !== 'jwt.api_jwt.decode' && name !== 'jwt.PyJWT().decode') return;
        const a = sem.args(node);
        const options = a.keywords.get('options');
        if ((options && /["']verify_signature["']\s*:\s*False/.test(options.text)) || a.keywords.get('verify')?.type === 'false') {
          ctx.report({ node, message: 'The signature is not checked: the token\'s claims can be forged. Verify it with the key and a fixed algorithm list.' });
          return;
        }
        const algorithms = a.keywords.get('algorithms') ?? a.positional[2];
        if (algorithms) {
          if (/["']none["']/i.test(algorithms.text)) ctx.report({ node: algorithms, message: 'The algorithm list accepts "none": tokens without a signature would pass.' });
          return;
        }
        if (a.hasSplat) return;
        const key = a.positional[1] ?? a.keywords.get('key');
        const edits = key
          ? [ctx.insertAt(key.parent?.type === 'keyword_argument' ? key.parent.endIndex : key.endIndex, ', algorithms=["HS256"]')]
          : [];
        ctx.report({
          node,
          message: 'jwt.decode without algorithms= lets the token choose how it is checked: pass the algorithms you sign with.',
          fix: edits.length ? { title: 'Pin the algorithm list (check it matches how tokens are signed)', safe: false, edits } : undefined,
        });
      },
    };
  },
  tests: {
    valid: [
      'import jwt\nclaims = jwt.decode(token, key, algorithms=["HS256"])',
      'import jwt\njwt.encode(payload, key, algorithm="HS256")',
      '# jwt.decode(token, verify=False) is bad\nx = "jwt.decode(t)"',
      'import json\njson.decode(x)',
    ],
    invalid: [
      { code: 'import jwt\nclaims = jwt.decode(token, options={"verify_signature": False})', errors: [2] },
      { code: 'import jwt\nclaims = jwt.decode(token, SECRET)', errors: [2], output: 'import jwt\nclaims = jwt.decode(token, SECRET, algorithms=["HS256"])' },
      { code: 'import jwt\njwt.decode(token, key, algorithms=["HS256", "none"])', errors: [2] },
      { code: 'import jwt\njwt.encode({"sub": uid}, None, algorithm="none")', errors: [2] },
    ],
  },
};

export default rule;
