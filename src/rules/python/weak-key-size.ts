import type { Node } from 'web-tree-sitter';
import { OWASP, type Rule } from '../../core/rule';
import { intValue } from './int-value';
import { lookup } from '../../core/lookup';

/** Where the key size sits for each generator: positional index and keyword. */
const SIZED: Record<string, { index: number; keyword: string; kind: string }> = {
  'cryptography.hazmat.primitives.asymmetric.rsa.generate_private_key': { index: 1, keyword: 'key_size', kind: 'RSA' },
  'cryptography.hazmat.primitives.asymmetric.dsa.generate_private_key': { index: 0, keyword: 'key_size', kind: 'DSA' },
  'cryptography.hazmat.primitives.asymmetric.dsa.generate_parameters': { index: 0, keyword: 'key_size', kind: 'DSA' },
  'cryptography.hazmat.primitives.asymmetric.dh.generate_parameters': { index: 1, keyword: 'key_size', kind: 'DH' },
  'Crypto.PublicKey.RSA.generate': { index: 0, keyword: 'bits', kind: 'RSA' },
  'Crypto.PublicKey.DSA.generate': { index: 0, keyword: 'bits', kind: 'DSA' },
  'Cryptodome.PublicKey.RSA.generate': { index: 0, keyword: 'bits', kind: 'RSA' },
  'Cryptodome.PublicKey.DSA.generate': { index: 0, keyword: 'bits', kind: 'DSA' },
  'rsa.newkeys': { index: 0, keyword: 'nbits', kind: 'RSA' },
};
const MIN_BITS = 2048;
/** Curves under 224 bits in cryptography (classes) and PyCryptodome (names). */
const WEAK_EC_CLASS = /^cryptography\.hazmat\.primitives\.asymmetric\.ec\.(SECP192R1|SECT163K1|SECT163R2)$/;
const WEAK_EC_NAME = /^(nist )?p-?192$|^(secp192r1|prime192v1)$/i;

const rule: Rule = {
  meta: {
    id: 'py-weak-key-size',
    title: 'RSA/DSA key under 2048 bits or elliptic curve under 224 bits',
    language: 'python',
    family: 'crypto',
    checklist: ['encryption', 'crypto-library'],
    severity: 'medium',
    confidence: 'high',
    cwe: ['CWE-326'],
    owasp: [OWASP.A02],
    bandit: ['B505'],
    message: 'This key is too short to resist factoring or discrete-log attacks: use at least 2048 bits (RSA/DSA) or a 256-bit curve.',
    docs: {
      whatItDoes: 'Finds key generation with a constant size below 2048 bits for RSA, DSA and DH in cryptography, PyCryptodome/PyCrypto and `rsa.newkeys`, and elliptic-curve keys on curves under 224 bits (SECP192R1, SECT163K1, SECT163R2, PyCryptodome `P-192`). Under 1024 bits is high severity.',
      whyBad: '512-bit RSA is factored in hours on rented machines and 768-bit RSA has been publicly factored; 1024-bit keys are within reach of well-funded attackers and are disallowed by NIST SP 800-131A. Signatures can be forged and encrypted data decrypted once the key is broken, long after it was made.',
      example: 'from cryptography.hazmat.primitives.asymmetric import ec, rsa\nkey = rsa.generate_private_key(public_exponent=65537, key_size=1024)\nkey = ec.generate_private_key(ec.SECP192R1())',
      useInstead: 'from cryptography.hazmat.primitives.asymmetric import ec, rsa\nkey = rsa.generate_private_key(public_exponent=65537, key_size=3072)\nkey = ec.generate_private_key(ec.SECP256R1())\n# or Ed25519: ed25519.Ed25519PrivateKey.generate()',
      references: ['https://cwe.mitre.org/data/definitions/326.html', 'https://cryptography.io/en/latest/hazmat/primitives/asymmetric/rsa/#generation', 'https://csrc.nist.gov/pubs/sp/800/131/a/r2/final'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    return {
      call(node: Node) {
        const name = sem.calleeName(node);
        if (!name) return;
        const sized = lookup(SIZED, name);
        if (sized) {
          const arg = sem.arg(node, sized.index, sized.keyword);
          const bits = intValue(sem, arg);
          if (!arg || bits === undefined || bits >= MIN_BITS) return;
          const literal = sem.dialect.unwrap(arg);
          ctx.report({
            node: arg,
            severity: bits < 1024 ? 'high' : 'medium',
            message: `A ${bits}-bit ${sized.kind} key can be broken: use at least 2048 bits (3072 for keys meant to last past 2030).`,
            fix: literal.type === 'integer' ? { title: 'Use 3072 bits', safe: false, edits: [ctx.replace(literal, '3072')] } : undefined,
          });
          return;
        }
        if (name === 'cryptography.hazmat.primitives.asymmetric.ec.generate_private_key') {
          const curve = sem.arg(node, 0, 'curve');
          const c = curve && sem.dialect.unwrap(curve);
          const q = c && (c.type === 'call' ? sem.calleeName(c) : sem.qualifiedName(c));
          if (c && q && WEAK_EC_CLASS.test(q)) ctx.report({ node: c, message: `${q.split('.').pop()} is under 224 bits: use ec.SECP256R1() or stronger.` });
          return;
        }
        if (/^Crypto(dome)?\.PublicKey\.ECC\.generate$/.test(name)) {
          // ECC.generate takes keyword arguments only.
          const arg = sem.args(node).keywords.get('curve');
          const curve = sem.stringValue(arg);
          if (arg && curve !== undefined && WEAK_EC_NAME.test(curve)) ctx.report({ node: arg, message: `Curve ${curve} is under 224 bits: use "P-256" or stronger.` });
        }
      },
    };
  },
  tests: {
    valid: [
      'from cryptography.hazmat.primitives.asymmetric import rsa\nkey = rsa.generate_private_key(public_exponent=65537, key_size=3072)',
      'from cryptography.hazmat.primitives.asymmetric import ec\nkey = ec.generate_private_key(ec.SECP256R1())',
      'from Crypto.PublicKey import RSA\nkey = RSA.generate(2048)',
      'from Crypto.PublicKey import ECC\nkey = ECC.generate(curve="P-256")',
      'from cryptography.hazmat.primitives.asymmetric import rsa\nkey = rsa.generate_private_key(65537, bits)',
      '# rsa.generate_private_key(65537, 1024)\nx = 1024',
    ],
    invalid: [
      { code: 'from cryptography.hazmat.primitives.asymmetric import rsa\nkey = rsa.generate_private_key(public_exponent=65537, key_size=1024)', errors: [2], output: 'from cryptography.hazmat.primitives.asymmetric import rsa\nkey = rsa.generate_private_key(public_exponent=65537, key_size=3072)', messages: ["A 1024-bit RSA key can be broken: use at least 2048 bits (3072 for keys meant to last past 2030)."] },
      { code: 'from cryptography.hazmat.primitives.asymmetric import dsa\nkey = dsa.generate_private_key(1024)', errors: [2] },
      { code: 'from cryptography.hazmat.primitives.asymmetric import ec\nkey = ec.generate_private_key(ec.SECP192R1())', errors: [2] },
      { code: 'from Crypto.PublicKey import RSA\nBITS = 512\nkey = RSA.generate(BITS)', errors: [3] },
      { code: 'from Cryptodome.PublicKey import DSA\nkey = DSA.generate(bits=1024)', errors: [2] },
      { code: 'from Crypto.PublicKey import ECC\nkey = ECC.generate(curve="P-192")', errors: [2] },
    ],
  },
};

export default rule;
