import type { Node } from 'web-tree-sitter';
import { OWASP, type Rule } from '../../core/rule';

/** Protocol constants that pin or allow SSL 2/3, TLS 1.0 or TLS 1.1 (all deprecated by RFC 8996). */
const WEAK = /^(ssl\.(PROTOCOL_(SSLv2|SSLv3|TLSv1|TLSv1_1)|TLSVersion\.(SSLv3|TLSv1|TLSv1_1))|OpenSSL\.SSL\.(SSLv2_METHOD|SSLv3_METHOD|TLSv1_METHOD|TLSv1_1_METHOD|SSL3_VERSION|TLS1_VERSION|TLS1_1_VERSION))$/;

const rule: Rule = {
  meta: {
    id: 'py-weak-tls-version',
    title: 'SSL 2/3, TLS 1.0 or TLS 1.1 selected',
    language: 'python',
    family: 'tls',
    checklist: ['encryption'],
    severity: 'high',
    confidence: 'high',
    cwe: ['CWE-326', 'CWE-327'],
    owasp: [OWASP.A02],
    bandit: ['B502'],
    message: 'This protocol version is broken or deprecated: require TLS 1.2 or later.',
    docs: {
      whatItDoes: 'Finds the `ssl` constants `PROTOCOL_SSLv2`, `PROTOCOL_SSLv3`, `PROTOCOL_TLSv1`, `PROTOCOL_TLSv1_1` and `TLSVersion.SSLv3/TLSv1/TLSv1_1` (e.g. as `minimum_version`), and pyOpenSSL\'s `SSLv2_METHOD`, `SSLv3_METHOD`, `TLSv1_METHOD`, `TLSv1_1_METHOD` and the matching `*_VERSION` constants. Comparisons against them (feature checks) are not flagged. Unverified contexts and `check_hostname = False` are py-tls-verify-disabled\'s.',
      whyBad: 'SSL 2 and 3 are broken (DROWN, POODLE); TLS 1.0 and 1.1 lack modern cipher suites, are vulnerable to downgrade and BEAST-style attacks, and are deprecated by RFC 8996. A connection pinned to them, or allowed to fall back to them, can be read or tampered with by an active attacker.',
      example: 'ctx = ssl.SSLContext(ssl.PROTOCOL_TLSv1)\nctx.minimum_version = ssl.TLSVersion.TLSv1',
      useInstead: 'ctx = ssl.create_default_context()            # client\nctx.minimum_version = ssl.TLSVersion.TLSv1_2\n# server: ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); pyOpenSSL: SSL.Context(SSL.TLS_METHOD) + set_min_proto_version(SSL.TLS1_2_VERSION)',
      references: ['https://cwe.mitre.org/data/definitions/327.html', 'https://www.rfc-editor.org/rfc/rfc8996', 'https://docs.python.org/3/library/ssl.html#ssl.SSLContext.minimum_version'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    const check = (node: Node, last: Node) => {
      const q = sem.qualifiedName(node);
      if (!q || !WEAK.test(q)) return;
      if (node.parent?.type === 'comparison_operator') return;
      const tlsVersion = /^ssl\.TLSVersion\./.test(q);
      ctx.report({
        node,
        message: `${q.replace(/^OpenSSL\./, '')} selects a broken or deprecated protocol: require TLS 1.2 or later.`,
        fix: tlsVersion ? { title: 'Use TLSVersion.TLSv1_2', safe: false, edits: [ctx.replace(last, 'TLSv1_2')] } : undefined,
      });
    };
    return {
      // `ssl.TLSVersion.TLSv1` is visited as a whole; its inner `ssl.TLSVersion` never matches.
      attribute(node: Node) {
        check(node, node.childForFieldName('attribute')!);
      },
      // `from ssl import PROTOCOL_TLSv1` then a bare name; the import itself is not a use.
      identifier(node: Node) {
        if (!/^(PROTOCOL_|TLSv|SSLv|TLS1|SSL3)/.test(node.text)) return;
        const p = node.parent;
        if (!p || p.type === 'attribute' || p.type === 'dotted_name' || p.type === 'aliased_import' || p.type === 'keyword_argument' && p.childForFieldName('name')?.id === node.id) return;
        check(node, node);
      },
    };
  },
  tests: {
    valid: [
      'import ssl\nctx = ssl.create_default_context()\nctx.minimum_version = ssl.TLSVersion.TLSv1_2',
      'import ssl\nctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)',
      'from OpenSSL import SSL\nctx = SSL.Context(SSL.TLS_METHOD)',
      'import ssl\nif ctx.minimum_version == ssl.TLSVersion.TLSv1:\n    warn()',
      '# ssl.PROTOCOL_TLSv1 is weak\nx = "ssl.PROTOCOL_SSLv3"',
    ],
    invalid: [
      { code: 'import ssl\nctx = ssl.SSLContext(ssl.PROTOCOL_TLSv1)', errors: [2], messages: ["ssl.PROTOCOL_TLSv1 selects a broken or deprecated protocol: require TLS 1.2 or later."] },
      { code: 'import ssl\nctx = ssl.create_default_context()\nctx.minimum_version = ssl.TLSVersion.TLSv1', errors: [3], output: 'import ssl\nctx = ssl.create_default_context()\nctx.minimum_version = ssl.TLSVersion.TLSv1_2' },
      { code: 'from ssl import PROTOCOL_SSLv3, wrap_socket\ns = wrap_socket(sock, ssl_version=PROTOCOL_SSLv3)', errors: [2] },
      { code: 'from OpenSSL import SSL\nctx = SSL.Context(SSL.TLSv1_1_METHOD)', errors: [2] },
      { code: 'import ssl\nctx = ssl.SSLContext(ssl.PROTOCOL_SSLv2)', errors: [2] },
    ],
  },
};

export default rule;
