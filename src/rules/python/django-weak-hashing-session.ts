import type { Node } from 'web-tree-sitter';
import { OWASP, type Rule } from '../../core/rule';
import { isDevSettings, isDjangoSettings } from './django-debug';

const WEAK_HASHERS = /^django\.contrib\.auth\.hashers\.(MD5PasswordHasher|SHA1PasswordHasher|UnsaltedMD5PasswordHasher|UnsaltedSHA1PasswordHasher|CryptPasswordHasher)$/;
const STRONG_HASHERS = /^django\.contrib\.auth\.hashers\.(PBKDF2PasswordHasher|PBKDF2SHA1PasswordHasher|Argon2PasswordHasher|BCryptSHA256PasswordHasher|ScryptPasswordHasher)$/;
const PICKLE_SERIALIZER = /^django\.contrib\.sessions\.serializers\.PickleSerializer$/;

const rule: Rule = {
  meta: {
    id: 'py-django-weak-hashing-session',
    title: 'Django PASSWORD_HASHERS led by a fast hash, or pickled sessions',
    language: 'python',
    family: 'config',
    checklist: ['authentication', 'encryption'],
    severity: 'high',
    confidence: 'high',
    cwe: ['CWE-916', 'CWE-328', 'CWE-502'],
    owasp: [OWASP.A02, OWASP.A08],
    skipInTests: true,
    message: 'This Django setting weakens password storage or session integrity.',
    docs: {
      whatItDoes: 'Reads Django settings modules statically and reports `PASSWORD_HASHERS` whose first entry (the one new passwords are hashed with) is MD5, SHA1, an unsalted hasher or crypt, and `SESSION_SERIALIZER` set to `PickleSerializer`. Development and test settings files are skipped (fast hashers there are a common speed-up).',
      whyBad: 'Django hashes new passwords with the first hasher: MD5 or SHA1 take a GPU nanoseconds per guess, so a leaked user table is cracked in hours, and unsalted hashes fall to precomputed tables. With PickleSerializer, anyone who learns SECRET_KEY (or any signed-cookie session backend\'s key) can send a session that runs code when it is loaded.',
      exampleFile: 'settings.py',
      example: 'PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]\nSESSION_SERIALIZER = "django.contrib.sessions.serializers.PickleSerializer"',
      useInstead: 'PASSWORD_HASHERS = [\n    "django.contrib.auth.hashers.PBKDF2PasswordHasher",   # new hashes\n    "django.contrib.auth.hashers.MD5PasswordHasher",      # old ones still verify, upgraded at login\n]\nSESSION_SERIALIZER = "django.contrib.sessions.serializers.JSONSerializer"',
      references: ['https://docs.djangoproject.com/en/stable/topics/auth/passwords/#password-upgrading', 'https://docs.djangoproject.com/en/stable/topics/http/sessions/#session-serialization', 'https://cwe.mitre.org/data/definitions/916.html'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    let applies: boolean | undefined;
    return {
      assignment(node: Node) {
        applies ??= isDjangoSettings(ctx.file, ctx.source) && !isDevSettings(ctx.file);
        if (!applies || node.parent?.parent?.type !== 'module') return;
        const name = node.childForFieldName('left')?.text;
        const value = node.childForFieldName('right');
        if (!value) return;
        if (name === 'PASSWORD_HASHERS' && (value.type === 'list' || value.type === 'tuple')) {
          const items = value.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
          const first = items[0];
          const firstName = first && sem.stringValue(first);
          if (!first || !firstName || !WEAK_HASHERS.test(firstName)) return;
          // Putting a strong hasher first is a safe rewrite: old hashes still verify and are upgraded at login.
          const strong = items.find((c) => STRONG_HASHERS.test(sem.stringValue(c) ?? ''));
          const edits = strong
            ? [ctx.replace(first, strong.text), ctx.replace(strong, first.text)]
            : [ctx.insertAt(first.startIndex, '"django.contrib.auth.hashers.PBKDF2PasswordHasher", ')];
          ctx.report({
            node: first,
            checklist: ['authentication'],
            message: `New passwords are hashed with ${firstName.split('.').pop()}, which is fast to brute-force: put PBKDF2PasswordHasher (or Argon2) first and keep the old hasher after it.`,
            fix: { title: 'Hash new passwords with a slow hasher', safe: true, edits },
          });
          return;
        }
        if (name === 'SESSION_SERIALIZER' && PICKLE_SERIALIZER.test(sem.stringValue(value) ?? '')) {
          ctx.report({
            node,
            checklist: ['encryption'],
            message: 'PickleSerializer runs code from any session payload signed with SECRET_KEY: use JSONSerializer (sessions must then hold JSON data).',
            fix: value.type === 'string' ? { title: 'Use JSONSerializer', safe: false, edits: [ctx.replace(value, '"django.contrib.sessions.serializers.JSONSerializer"')] } : undefined,
          });
        }
      },
    };
  },
  tests: {
    valid: [
      { code: 'PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher", "django.contrib.auth.hashers.MD5PasswordHasher"]', filename: 'mysite/settings.py' },
      { code: 'PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]', filename: 'mysite/settings/test.py' },
      { code: 'PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]', filename: 'tests/settings.py' },
      { code: 'SESSION_SERIALIZER = "django.contrib.sessions.serializers.JSONSerializer"', filename: 'mysite/settings.py' },
      { code: 'PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]', filename: 'app/hashing.py' },
    ],
    invalid: [
      {
        code: 'PASSWORD_HASHERS = [\n    "django.contrib.auth.hashers.MD5PasswordHasher",\n    "django.contrib.auth.hashers.PBKDF2PasswordHasher",\n]',
        filename: 'mysite/settings.py',
        errors: [2],
        messages: ["New passwords are hashed with MD5PasswordHasher, which is fast to brute-force: put PBKDF2PasswordHasher (or Argon2) first and keep the old hasher after it."],
        output: 'PASSWORD_HASHERS = [\n    "django.contrib.auth.hashers.PBKDF2PasswordHasher",\n    "django.contrib.auth.hashers.MD5PasswordHasher",\n]',
      },
      {
        code: 'PASSWORD_HASHERS = ("django.contrib.auth.hashers.UnsaltedSHA1PasswordHasher",)',
        filename: 'proj/settings/production.py',
        errors: [1],
        output: 'PASSWORD_HASHERS = ("django.contrib.auth.hashers.PBKDF2PasswordHasher", "django.contrib.auth.hashers.UnsaltedSHA1PasswordHasher",)',
      },
      { code: 'SESSION_SERIALIZER = "django.contrib.sessions.serializers.PickleSerializer"', filename: 'mysite/settings.py', errors: [1], output: 'SESSION_SERIALIZER = "django.contrib.sessions.serializers.JSONSerializer"' },
    ],
  },
};

export default rule;
