import type { Node } from 'web-tree-sitter';
import type { ChecklistItemId } from '../../core/checklist-ids';
import { lookup } from '../../core/lookup';
import { OWASP, type Rule } from '../../core/rule';
import type { Semantics } from '../../core/semantics';
import { HASHES_A_SECRET } from '../shared/secrets';

const WEAK_HASH = /^(md2|md4|md5|sha1|sha-1|ripemd160|rmd160)$/i;
const WEAK_CIPHER = /^(des|des-.*|des3|3des|rc2.*|rc4.*|bf|bf-.*|blowfish.*|cast.*|idea.*|seed.*|.*-ecb|id-aes\d+-wrap)$/i;
/** Digests for ETags, cache keys and checksums are not security uses. */
const NON_SECURITY = /etag|cache|checksum|fingerprint|dedup|gravatar|avatar|filename|content[-_]?hash|integrity|asset/i;
/** Cipher findings (as Python's py-weak-cipher): the data they protect is not safely encrypted. */
const CIPHER_ITEMS: ChecklistItemId[] = ['encryption', 'crypto-library'];
/** npm packages (and crypto-js functions) that compute a weak digest: the callee and the algorithm. */
const WEAK_HASH_PACKAGES: Record<string, string> = {
  md5: 'MD5', 'js-md5': 'MD5', 'blueimp-md5': 'MD5', 'crypto-js/md5': 'MD5', 'crypto-js.MD5': 'MD5',
  sha1: 'SHA-1', 'js-sha1': 'SHA-1', 'crypto-js/sha1': 'SHA-1', 'crypto-js.SHA1': 'SHA-1',
};

/**
 * What a digest is for, from the names around the call: the names it is stored under up to the
 * enclosing function (`ETag: ...`, `const cacheKey = ...`, `config.set('assetHash', ...)`), and
 * the function, class and file it is made in. `stored` alone also says whether a password is hashed.
 */
function digestPurpose(node: Node, sem: Semantics, file: string): { stored: string; around: string } {
  let stored = '';
  for (let p: Node | null = node.parent, i = 0; p && i < 10 && !sem.dialect.isFunction(p); p = p.parent, i++) {
    if (p.type === 'variable_declarator' || p.type === 'assignment_expression' || p.type === 'pair') stored += ' ' + (p.child(0)?.text ?? '');
    else if (p.type === 'arguments') stored += ' ' + (p.namedChildren.find((c) => c?.type === 'string')?.text ?? '');
  }
  const encl = sem.enclosingFunction(node);
  let className = '';
  for (let p: Node | null = encl ?? null; p; p = p.parent) if (p.type === 'class_declaration' || p.type === 'class') { className = p.childForFieldName('name')?.text ?? ''; break; }
  return { stored, around: `${stored} ${encl?.childForFieldName('name')?.text ?? ''} ${className} ${file.split(/[\\/]/).pop() ?? ''}` };
}

const rule: Rule = {
  meta: {
    id: 'js-weak-crypto',
    title: 'Weak hash or cipher in node:crypto (MD5, SHA-1, DES, RC4, ECB, createCipher)',
    language: 'javascript',
    family: 'crypto',
    checklist: ['authentication', 'encryption', 'crypto-library'],
    severity: 'medium',
    confidence: 'high',
    cwe: ['CWE-327', 'CWE-328', 'CWE-916'],
    owasp: [OWASP.A02],
    message: 'This algorithm is broken for security use: use SHA-256 (passwords: scrypt/argon2/bcrypt) or AES-256-GCM.',
    docs: {
      whatItDoes: 'Finds `crypto.createHash`/`createHmac` with MD5 or SHA-1 (except for ETags, cache keys and checksums), `createCipher`/`createDecipher` (no IV, MD5 key derivation), `createCipheriv` with DES, RC4, Blowfish or an ECB mode, a constant IV, and `pseudoRandomBytes`; passwords and tokens hashed with the `md5`, `sha1`, `js-md5`, `blueimp-md5` packages or crypto-js `MD5`/`SHA1`.',
      whyBad: 'MD5 and SHA-1 collide cheaply and are far too fast for passwords; DES and RC4 are broken; ECB leaks patterns; `createCipher` derives the key with one MD5 round and reuses the IV; a constant IV repeats keystreams.',
      example: "const hash = crypto.createHash('md5').update(password).digest('hex');",
      useInstead: "const hash = await argon2.hash(password);           // passwords\nconst digest = crypto.createHash('sha256').update(data).digest('hex');\n// encryption: run \"SiteWarden: Add Encryption Helper\" (AES-256-GCM)",
      references: ['https://cwe.mitre.org/data/definitions/327.html', 'https://nodejs.org/api/crypto.html'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    return {
      call_expression(node: Node) {
        const name = sem.calleeName(node);
        const pkgAlgo = lookup(WEAK_HASH_PACKAGES, name);
        if (pkgAlgo) {
          // These packages are mostly used for fingerprints (Gravatar, cache keys); only a password
          // or token hashed with them is a finding.
          const purpose = digestPurpose(node, sem, ctx.file);
          if (NON_SECURITY.test(purpose.around)) return;
          const args = sem.args(node).positional.map((a) => a.text).join(' ');
          if (!HASHES_A_SECRET.test(args + ' ' + purpose.stored)) return;
          ctx.report({ node, severity: 'high', message: `${pkgAlgo} (${name}) is far too fast and broken for passwords or tokens: use scrypt, argon2 or bcrypt.`, checklist: ['crypto-library', 'authentication'] });
          return;
        }
        if (!name || !/^crypto\./.test(name)) return;
        const fn = name.slice('crypto.'.length);
        if (fn === 'createHash' || fn === 'createHmac') {
          const algo = sem.stringValue(sem.arg(node, 0));
          if (!algo || !WEAK_HASH.test(algo)) return;
          // the whole chain, so that createHash('md5').update(password) counts
          let chain: Node = node;
          while (chain.parent && (chain.parent.type === 'member_expression' || chain.parent.type === 'call_expression')) chain = chain.parent;
          const passwordish = HASHES_A_SECRET.test(chain.text);
          if (!passwordish && NON_SECURITY.test(digestPurpose(node, sem, ctx.file).around)) return;
          ctx.report({
            node,
            severity: passwordish ? 'high' : undefined,
            message: passwordish ? `${algo.toUpperCase()} is far too fast and broken for passwords or tokens: use scrypt, argon2 or bcrypt.` : `${algo.toUpperCase()} is broken for security use: use SHA-256 or stronger.`,
            fix: fn === 'createHash' ? { title: "Use 'sha256'", safe: false, edits: [ctx.replace(sem.arg(node, 0)!, "'sha256'")] } : undefined,
            // a weak digest is no encryption flaw; hashing a password with it is an authentication one
            checklist: passwordish ? ['crypto-library', 'authentication'] : ['crypto-library'],
          });
          return;
        }
        if (fn === 'createCipher' || fn === 'createDecipher') {
          ctx.report({ node, severity: 'high', message: `${fn} derives the key with MD5 and no salt and has no IV (removed in Node 22): use createCipheriv with AES-256-GCM and a random IV.`, checklist: CIPHER_ITEMS });
          return;
        }
        if (fn === 'createCipheriv' || fn === 'createDecipheriv') {
          const algo = sem.stringValue(sem.arg(node, 0));
          if (algo && WEAK_CIPHER.test(algo)) {
            ctx.report({ node, severity: 'high', message: `${algo} is broken or leaks patterns (ECB): use aes-256-gcm with a random IV.`, checklist: CIPHER_ITEMS });
            return;
          }
          const iv = sem.arg(node, 2);
          const ivValue = iv ? sem.deref(iv) : undefined;
          const constantBuffer = !!ivValue && ivValue.type === 'call_expression' && /^Buffer\.(alloc|from)$/.test(sem.calleeName(ivValue) ?? '') && sem.args(ivValue).positional.every((x) => sem.isConstant(x));
          if (fn === 'createCipheriv' && iv && (sem.isConstant(iv) || constantBuffer) && iv.type !== 'null') {
            ctx.report({ node: iv, severity: 'high', message: 'A constant IV repeats across messages: use crypto.randomBytes(12) (GCM) or (16) for every encryption.', checklist: CIPHER_ITEMS });
          }
          return;
        }
        if (fn === 'pseudoRandomBytes') ctx.report({ node, message: 'pseudoRandomBytes is not cryptographically secure: use crypto.randomBytes.', checklist: ['crypto-library'] });
      },
    };
  },
  tests: {
    valid: [
      "const crypto = require('crypto');\ncrypto.createHash('sha256').update(x).digest('hex');",
      "const crypto = require('crypto');\nconst etag = crypto.createHash('md5').update(body).digest('hex');",
      "import crypto from 'node:crypto';\nconst c = crypto.createCipheriv('aes-256-gcm', key, crypto.randomBytes(12));",
      "// createHash('md5') is weak\nconst s = \"createHash('md5')\";",
      // Fingerprints: the name it is stored under, the class or the file says what it is for.
      "const crypto = require('crypto');\nres.writeHead(200, {\n  ETag: `\"${crypto.createHash('md5').update(buf, 'utf8').digest('hex')}\"`,\n});",
      "const crypto = require('crypto');\nconfig.set('assetHash', crypto.createHash('md5').update(Date.now().toString()).digest('hex').substring(0, 10));",
      "const crypto = require('crypto');\nclass Gravatar {\n  url(email) {\n    const h = crypto.createHash('md5').update(email.toLowerCase().trim()).digest('hex');\n    return `https://www.gravatar.com/avatar/${h}`;\n  }\n}",
    ],
    invalid: [
      { code: "const crypto = require('crypto');\nconst hash = crypto.createHash('md5').update(password).digest('hex');", errors: [2], messages: ['MD5 is far too fast and broken for passwords or tokens: use scrypt, argon2 or bcrypt.'], output: "const crypto = require('crypto');\nconst hash = crypto.createHash('sha256').update(password).digest('hex');" },
      { code: "const crypto = require('crypto');\nconst c = crypto.createCipher('aes-256-cbc', secret);", errors: [2], messages: ['createCipher derives the key with MD5 and no salt and has no IV (removed in Node 22): use createCipheriv with AES-256-GCM and a random IV.'] },
      { code: "import { createCipheriv } from 'crypto';\ncreateCipheriv('aes-128-ecb', key, null);", errors: [2], messages: ['aes-128-ecb is broken or leaks patterns (ECB): use aes-256-gcm with a random IV.'] },
      { code: "const crypto = require('crypto');\nconst IV = Buffer.alloc(16, 0);\ncrypto.createCipheriv('aes-256-cbc', key, IV);", errors: [3], messages: ['A constant IV repeats across messages: use crypto.randomBytes(12) (GCM) or (16) for every encryption.'] },
      { code: "const { createHash } = require('node:crypto');\nfunction sign(data) { return createHash('sha1').update(data).digest('hex'); }", errors: [2], messages: ['SHA1 is broken for security use: use SHA-256 or stronger.'] },
      // A password is a security use whatever the surrounding names say.
      { code: "const crypto = require('crypto');\nconst cache = {};\ncache[user] = crypto.createHash('md5').update(password).digest('hex');", errors: [3] },
      { code: "const crypto = require('crypto');\nfunction check(p, pass) {\n  return crypto.createHash('md5').update(p, 'utf8').digest('hex') === pass;\n}", errors: [3] },
    ],
  },
};

export default rule;
