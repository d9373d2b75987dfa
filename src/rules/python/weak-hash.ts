import type { Node } from 'web-tree-sitter';
import { lookup } from '../../core/lookup';
import { OWASP, type Rule } from '../../core/rule';
import { HASHES_A_SECRET } from '../shared/secrets';

const WEAK = new Set(['md4', 'md5', 'sha1', 'sha', 'ripemd160', 'md2']);
const HASHLIB_WEAK = new Set(['hashlib.md5', 'hashlib.sha1', 'hashlib.md4']);
const OTHER_WEAK: Record<string, string> = {
  'Crypto.Hash.MD5.new': 'MD5',
  'Crypto.Hash.MD4.new': 'MD4',
  'Crypto.Hash.MD2.new': 'MD2',
  'Crypto.Hash.SHA.new': 'SHA-1',
  'Crypto.Hash.SHA1.new': 'SHA-1',
  'Cryptodome.Hash.MD5.new': 'MD5',
  'Cryptodome.Hash.SHA1.new': 'SHA-1',
  'cryptography.hazmat.primitives.hashes.MD5': 'MD5',
  'cryptography.hazmat.primitives.hashes.SHA1': 'SHA-1',
};

const rule: Rule = {
  meta: {
    id: 'py-weak-hash',
    title: 'Weak hash algorithm (MD5/SHA-1) used for security',
    language: 'python',
    family: 'crypto',
    checklist: ['authentication', 'crypto-library'],
    severity: 'medium',
    confidence: 'high',
    cwe: ['CWE-327', 'CWE-328'],
    owasp: [OWASP.A02],
    bandit: ['B303', 'B324'],
    message: 'MD5 and SHA-1 are broken for security use; use SHA-256 (or a password hash for passwords).',
    docs: {
      whatItDoes: 'Finds MD4, MD5 and SHA-1 digests created through hashlib, PyCryptodome or cryptography, unless the call says `usedforsecurity=False`.',
      whyBad: 'Collisions for MD5 and SHA-1 can be computed cheaply, so signatures, integrity checks and tokens built on them can be forged. Used for passwords they are also far too fast to resist brute force.',
      example: 'import hashlib\ntoken = hashlib.md5(user.email.encode()).hexdigest()',
      useInstead: 'import hashlib\ntoken = hashlib.sha256(user.email.encode()).hexdigest()\n# non-security use (cache keys, ETags):\nkey = hashlib.md5(data, usedforsecurity=False).hexdigest()\n# passwords: argon2-cffi, bcrypt or hashlib.scrypt',
      references: ['https://cwe.mitre.org/data/definitions/328.html', 'https://docs.python.org/3/library/hashlib.html'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    return {
      call(node: Node) {
        const name = sem.calleeName(node);
        if (!name || !(HASHLIB_WEAK.has(name) || name === 'hashlib.new' || lookup(OTHER_WEAK, name))) return;
        const a = sem.args(node);
        const forSecurity = a.keywords.get('usedforsecurity');
        if (forSecurity && forSecurity.type === 'false') return;
        let algo: string | undefined;
        if (HASHLIB_WEAK.has(name)) algo = name.slice('hashlib.'.length).toUpperCase();
        else if (name === 'hashlib.new') {
          const n = sem.stringValue(sem.arg(node, 0, 'name'));
          if (n && WEAK.has(n.toLowerCase())) algo = n.toUpperCase();
        } else algo = lookup(OTHER_WEAK, name);
        if (!algo) return;
        const fix =
          name === 'hashlib.md5' || name === 'hashlib.sha1'
            ? { title: 'Use hashlib.sha256', safe: false, edits: [ctx.replace(sem.dialect.callee(node)!, ctx.text(sem.dialect.callee(node)!).replace(/(md5|sha1)$/, 'sha256'))] }
            : undefined;
        // hashing a password with it is an authentication flaw as well (as js-weak-crypto says)
        let chain: Node = node;
        while (chain.parent && (chain.parent.type === 'attribute' || chain.parent.type === 'call')) chain = chain.parent;
        const checklist = HASHES_A_SECRET.test(chain.text) ? (['crypto-library', 'authentication'] as const) : (['crypto-library'] as const);
        ctx.report({ node, message: `${algo} is a weak hash for security use; use SHA-256 or stronger (pass usedforsecurity=False if this is not a security use).`, fix, checklist });
      },
    };
  },
  tests: {
    valid: [
      'import hashlib\nhashlib.sha256(b"x")',
      'import hashlib\nhashlib.md5(b"x", usedforsecurity=False)',
      '# hashlib.md5 is weak\nx = "md5(password)"',
      'import hashlib\nhashlib.new("sha256")',
      'def md5(x):\n    return x\nmd5(b"a")',
    ],
    invalid: [
      { code: 'import hashlib\nhashlib.md5(b"x")', errors: [2], output: 'import hashlib\nhashlib.sha256(b"x")' },
      { code: 'from hashlib import md5 as h\nh(b"x")', errors: [2] },
      { code: 'import hashlib\nhashlib.new("SHA1")', errors: [2] },
      { code: 'from Crypto.Hash import MD5\nMD5.new()', errors: [2] },
      { code: 'from cryptography.hazmat.primitives import hashes\nhashes.Hash(hashes.SHA1())', errors: [2] },
    ],
  },
};

export default rule;
