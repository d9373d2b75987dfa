import type { Node } from 'web-tree-sitter';
import { lookup } from '../../core/lookup';
import { OWASP, type Rule } from '../../core/rule';

const WEAK_ALGOS: Record<string, string> = {
  'Crypto.Cipher.DES.new': 'DES', 'Crypto.Cipher.DES3.new': '3DES', 'Crypto.Cipher.ARC4.new': 'RC4', 'Crypto.Cipher.ARC2.new': 'RC2',
  'Crypto.Cipher.Blowfish.new': 'Blowfish', 'Crypto.Cipher.CAST.new': 'CAST', 'Crypto.Cipher.XOR.new': 'XOR',
  'Cryptodome.Cipher.DES.new': 'DES', 'Cryptodome.Cipher.DES3.new': '3DES', 'Cryptodome.Cipher.ARC4.new': 'RC4', 'Cryptodome.Cipher.Blowfish.new': 'Blowfish',
  'cryptography.hazmat.primitives.ciphers.algorithms.TripleDES': '3DES', 'cryptography.hazmat.primitives.ciphers.algorithms.ARC4': 'RC4',
  'cryptography.hazmat.primitives.ciphers.algorithms.Blowfish': 'Blowfish', 'cryptography.hazmat.primitives.ciphers.algorithms.IDEA': 'IDEA',
  'cryptography.hazmat.primitives.ciphers.algorithms.CAST5': 'CAST5', 'cryptography.hazmat.primitives.ciphers.algorithms.SEED': 'SEED',
  'cryptography.hazmat.decrepit.ciphers.algorithms.TripleDES': '3DES', 'cryptography.hazmat.decrepit.ciphers.algorithms.ARC4': 'RC4',
  'cryptography.hazmat.decrepit.ciphers.algorithms.Blowfish': 'Blowfish',
};
const IV_MODES = /^cryptography\.hazmat\.primitives\.ciphers\.modes\.(CBC|CTR|GCM|OFB|CFB|CFB8)$/;

function isStaticBytes(n: Node, isConstant: (n: Node) => boolean): boolean {
  return isConstant(n) && (n.type === 'string' || n.type === 'binary_operator' || n.type === 'concatenated_string' || n.type === 'identifier' || n.type === 'call');
}

const rule: Rule = {
  meta: {
    id: 'py-weak-cipher',
    title: 'Broken cipher, ECB mode or a fixed IV/nonce',
    language: 'python',
    family: 'crypto',
    checklist: ['encryption', 'crypto-library'],
    severity: 'high',
    confidence: 'high',
    cwe: ['CWE-327', 'CWE-329'],
    owasp: [OWASP.A02],
    bandit: ['B304', 'B305'],
    message: 'This encryption can be broken: use AES-GCM (or Fernet) with a random nonce.',
    docs: {
      whatItDoes: 'Finds DES, 3DES, RC4, RC2, Blowfish, IDEA, CAST and XOR ciphers from PyCryptodome and cryptography, the ECB mode, and IVs or nonces that are constants.',
      whyBad: 'DES and RC4 are broken outright; 64-bit block ciphers leak data after a few gigabytes (Sweet32). ECB encrypts equal blocks to equal output, so patterns show through. A fixed IV or nonce makes equal messages encrypt equally and, with GCM or CTR, lets attackers recover plaintext and forge messages.',
      example: 'from Crypto.Cipher import AES\ncipher = AES.new(key, AES.MODE_ECB)',
      useInstead: 'import os\nfrom cryptography.hazmat.primitives.ciphers.aead import AESGCM\nnonce = os.urandom(12)\nct = AESGCM(key).encrypt(nonce, data, None)\n# or cryptography.fernet.Fernet (run "SiteWarden: Add Encryption Helper")',
      references: ['https://cwe.mitre.org/data/definitions/327.html', 'https://cryptography.io/en/latest/hazmat/primitives/aead/'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    return {
      call(node: Node) {
        const name = sem.calleeName(node);
        if (!name) return;
        if (lookup(WEAK_ALGOS, name)) {
          ctx.report({ node, message: `${lookup(WEAK_ALGOS, name)} is a broken or outdated cipher: use AES-GCM or ChaCha20-Poly1305.` });
          return;
        }
        if (name === 'cryptography.hazmat.primitives.ciphers.modes.ECB') {
          ctx.report({ node, message: 'ECB mode shows patterns of the plaintext: use an authenticated mode (GCM) with a random nonce.' });
          return;
        }
        if (IV_MODES.test(name)) {
          const iv = sem.arg(node, 0, 'initialization_vector') ?? sem.arg(node, 0, 'nonce');
          if (iv && isStaticBytes(sem.dialect.unwrap(iv), (n) => sem.isConstant(n))) ctx.report({ node: iv, message: 'A constant IV/nonce repeats across messages: generate os.urandom(...) bytes for every encryption.' });
          return;
        }
        if (/^Crypto(dome)?\.Cipher\.AES\.new$/.test(name)) {
          const a = sem.args(node);
          const mode = a.positional[1] ?? a.keywords.get('mode');
          if (!mode || /MODE_ECB$/.test(sem.qualifiedName(mode) ?? mode.text)) {
            ctx.report({ node, message: 'AES in ECB mode (the default when no mode is given) shows patterns of the plaintext: use MODE_GCM with a random nonce.' });
            return;
          }
          const iv = a.keywords.get('iv') ?? a.keywords.get('nonce') ?? a.positional[2];
          if (iv && isStaticBytes(sem.dialect.unwrap(iv), (n) => sem.isConstant(n))) ctx.report({ node: iv, message: 'A constant IV/nonce repeats across messages: use get_random_bytes(...) for every encryption.' });
        }
      },
    };
  },
  tests: {
    valid: [
      'from cryptography.hazmat.primitives.ciphers.aead import AESGCM\nimport os\nAESGCM(key).encrypt(os.urandom(12), data, None)',
      'from Crypto.Cipher import AES\nAES.new(key, AES.MODE_GCM)',
      'from cryptography.hazmat.primitives.ciphers import modes\nimport os\nmodes.CBC(os.urandom(16))',
      '# DES and ECB are weak\nnote = "AES.MODE_ECB"',
    ],
    invalid: [
      { code: 'from Crypto.Cipher import AES\ncipher = AES.new(key, AES.MODE_ECB)', errors: [2] },
      { code: 'from Crypto.Cipher import DES\nDES.new(key, DES.MODE_CBC, iv)', errors: [2] },
      { code: 'from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes\nCipher(algorithms.AES(key), modes.ECB())', errors: [2] },
      { code: 'from cryptography.hazmat.primitives.ciphers import modes\nIV = b"\\x00" * 16\nmodes.CBC(IV)', errors: [3] },
      { code: 'from Crypto.Cipher import AES\nAES.new(key, AES.MODE_CBC, iv=b"0123456789abcdef")', errors: [2] },
    ],
  },
};

export default rule;
