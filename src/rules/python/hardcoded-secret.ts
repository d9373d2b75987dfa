import type { Node } from 'web-tree-sitter';
import { OWASP, type Rule } from '../../core/rule';
import { lookup } from '../../core/lookup';
import { PYTHON_KEY_PARAMETERS } from '../shared/key-parameters';
import { isLocaleFile, isSecretName, isSigningSecretName, knownFormat, looksLikeSecretValue, signingSecretLiteral, urlCredential, weakSecretValue } from '../shared/secrets';

const KEY_PARAMETERS = Object.fromEntries(PYTHON_KEY_PARAMETERS.map((k) => [k.callee, k]));
const FRAMEWORK_SECRET = /^(SECRET_KEY|JWT_SECRET_KEY|SECURITY_PASSWORD_SALT|WTF_CSRF_SECRET_KEY|secret_key)$/;

function nameOf(target: Node): string | undefined {
  if (target.type === 'identifier') return target.text;
  if (target.type === 'attribute') return target.childForFieldName('attribute')?.text;
  if (target.type === 'subscript') {
    const key = target.childForFieldName('subscript');
    if (key?.type === 'string') return key.text.replace(/^[rbuf]*["']|["']$/gi, '');
  }
  return undefined;
}

const rule: Rule = {
  meta: {
    id: 'py-hardcoded-secret',
    title: 'Hard-coded secret, password or key',
    language: 'python',
    family: 'secrets',
    checklist: ['authentication'],
    severity: 'high',
    confidence: 'medium',
    cwe: ['CWE-798', 'CWE-259'],
    owasp: [OWASP.A07],
    bandit: ['B105', 'B106', 'B107'],
    skipInTests: true,
    message: 'A secret is written in the code: read it from the environment or a secret store.',
    docs: {
      whatItDoes: 'Finds Flask and Django secret keys, passwords, tokens and API keys given as string literals, and strings in well-known credential formats (AWS, GitHub, Slack, Stripe, Google keys, private keys). Values are judged by their shape: placeholders, sentences, environment-variable names, URLs without credentials and short low-entropy tokens are left alone.',
      whyBad: 'Code is copied, shared, pushed and kept in history forever: a secret in it is readable by everyone who ever sees the repository. A leaked Flask or Django SECRET_KEY lets anyone forge sessions and, with pickle-based sessions, run code.',
      example: 'app.config["SECRET_KEY"] = "s3cr3t-k3y-1234"\nstripe.api_key = "sk_live_..."',
      useInstead: 'import os\napp.config["SECRET_KEY"] = os.environ["SECRET_KEY"]\n# generate one: python -c "import secrets; print(secrets.token_urlsafe(50))"',
      references: ['https://cwe.mitre.org/data/definitions/798.html', 'https://flask.palletsprojects.com/en/stable/config/#SECRET_KEY'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    const reported = new Set<number>();
    // Translation files hold labels ("password": "Passwort"); known token formats are still checked.
    const locale = isLocaleFile(ctx.file);
    const judge = (name: string | undefined, value: Node | null | undefined, at: Node) => {
      if (locale) return;
      if (!name || !value || value.type !== 'string') return;
      const text = sem.stringValue(value);
      if (text === undefined || reported.has(value.id)) return;
      if (FRAMEWORK_SECRET.test(name)) {
        if (text.length >= 1 && !/^(\$\{.*\}|<.*>)$/.test(text)) {
          reported.add(value.id);
          const weak = text.length < 32 || text.startsWith('django-insecure-');
          ctx.report({ node: at, message: `${name} is hard-coded${weak ? ' (and short or marked insecure)' : ''}: anyone with the code can forge sessions. Read it from the environment.` });
        }
        return;
      }
      if (!isSecretName(name)) return;
      const signing = isSigningSecretName(name) && signingSecretLiteral(text, name);
      if (!signing && !looksLikeSecretValue(text, name)) return;
      reported.add(value.id);
      const weak = signing ? weakSecretValue(text) : undefined;
      ctx.report({ node: at, message: weak ? `${name} is hard-coded and ${weak === 'dictionary' ? 'a dictionary word' : 'short'}: anyone can forge what it signs. Read a long random value from the environment.` : `${name} is given a literal value: read secrets from the environment or a secret store.` });
    };
    return {
      assignment(node: Node) {
        const left = node.childForFieldName('left');
        const right = node.childForFieldName('right');
        if (left) judge(nameOf(left), right, node);
      },
      keyword_argument(node: Node) {
        judge(node.childForFieldName('name')?.text, node.childForFieldName('value'), node);
      },
      pair(node: Node) {
        const key = node.childForFieldName('key');
        if (key?.type === 'string') judge(sem.stringValue(key), node.childForFieldName('value'), node);
      },
      default_parameter(node: Node) {
        judge(node.childForFieldName('name')?.text, node.childForFieldName('value'), node);
      },
      comparison_operator(node: Node) {
        const [l, r] = [node.namedChildren[0], node.namedChildren[1]];
        if (l && r && (l.type === 'identifier' || l.type === 'attribute')) judge(nameOf(l), r, node);
      },
      call(node: Node) {
        const name = sem.calleeName(node);
        // jwt.encode(payload, "k"), Fernet(b"..."), hmac.new(KEY, ...) with KEY = "..." once.
        const kp = name ? lookup(KEY_PARAMETERS, name) : undefined;
        if (kp) {
          const arg = sem.arg(node, kp.arg, kp.keyword);
          const lit = arg && sem.literalOf(arg);
          const text = lit?.type === 'string' ? sem.stringValue(lit) : undefined;
          if (arg && lit && text !== undefined && !reported.has(lit.id) && signingSecretLiteral(text, '')) {
            reported.add(lit.id);
            const weak = weakSecretValue(text);
            ctx.report({ node: arg, message: `The key of ${name} is written in the code${weak ? ` (and ${weak === 'dictionary' ? 'a dictionary word' : 'short'})` : ''}: anyone with the code can forge ${kp.protects}. Load it from the environment or a secret store.` });
          }
          return;
        }
        // os.environ.get("SECRET_KEY", "literal"): the fallback ships in the code.
        if (name !== 'os.environ.get' && name !== 'os.getenv') return;
        const key = sem.stringValue(sem.arg(node, 0));
        const fallback = sem.arg(node, 1, 'default');
        if (key && fallback?.type === 'string' && (FRAMEWORK_SECRET.test(key) || isSecretName(key))) {
          const text = sem.stringValue(fallback) ?? '';
          if (looksLikeSecretValue(text, key) || (FRAMEWORK_SECRET.test(key) && text.length > 0)) {
            reported.add(fallback.id);
            ctx.report({ node: fallback, severity: 'medium', message: `The fallback for ${key} is a real-looking secret in the code: fail when the variable is missing instead.` });
          }
        }
      },
      string(node: Node) {
        if (reported.has(node.id)) return;
        const text = sem.stringValue(node);
        const cred = !locale && text ? urlCredential(text) : undefined;
        if (cred) {
          reported.add(node.id);
          ctx.report({ node, severity: cred.local ? 'low' : 'high', message: `A password is written into this connection URL (host ${cred.host}): take the URL or its password from the environment.` });
          return;
        }
        const f = text && knownFormat(text);
        if (!f) return;
        reported.add(node.id);
        ctx.report({ node, severity: 'critical', confidence: 'high', message: `A ${f.kind} is written in the code: revoke it and load it from a secret store.` });
      },
    };
  },
  tests: {
    valid: [
      'import os\napp.config["SECRET_KEY"] = os.environ["SECRET_KEY"]',
      'password_field = "password"\ntoken_type = "Bearer"',
      'PASSWORD_ENV = "DB_PASSWORD"\nlogin(password=getpass())',
      '# password = "hunter2"\nmsg = "enter your password"',
      'api_key = ""\nsecret = None',
      'def connect(password=None):\n    pass',
      { code: 'app.secret_key = "test-key"', filename: 'tests/test_app.py' },
      'if token == "":\n    raise ValueError()',
      // Keys from the environment, URLs whose password is a reference, a key's field name.
      'import jwt, os\ntoken = jwt.encode({"sub": 1}, os.environ["JWT_KEY"], algorithm="HS256")',
      'DATABASE_URL = "postgres://app:${DB_PASSWORD}@db.example.com/app"',
      'REDIS_URL = "redis://localhost:6379/0"',
      'jwt_secret_env = "JWT_SECRET"\nsession_secret_name = "sessionSecret"',
      // Where a value is kept in the session, not a key.
      'SESSION_KEY = "_auth_user_id"\nHASH_SESSION_KEY = "_auth_user_hash"\nCSRF_SESSION_KEY = "_csrftoken"',
    ],
    invalid: [
      { code: 'from flask import Flask\napp = Flask(__name__)\napp.config["SECRET_KEY"] = "s3cr3t-k3y-1234"', errors: [3], messages: ['SECRET_KEY is hard-coded (and short or marked insecure): anyone with the code can forge sessions. Read it from the environment.'] },
      { code: 'SECRET_KEY = "django-insecure-7x!kq@2v#m$9z&a^b*c(d)e_f+g=h-i"', errors: [1], messages: ['SECRET_KEY is hard-coded (and short or marked insecure): anyone with the code can forge sessions. Read it from the environment.'] },
      { code: 'db = connect(host="db", user="app", password="Pr0dPassw0rd!")', errors: [1], messages: ['password is given a literal value: read secrets from the environment or a secret store.'] },
      { code: 'client = Client(api_key="q8Zr3TkP9wLm2XvB7nY4cD6f")', errors: [1], messages: ['api_key is given a literal value: read secrets from the environment or a secret store.'] },
      { code: 'AWS_ID = "AKIAIOSFODNN7EXAMPLE"', errors: [1], messages: ['A AWS access key id is written in the code: revoke it and load it from a secret store.'] },
      { code: 'import os\nSECRET_KEY = os.environ.get("SECRET_KEY", "dev-secret-please-change-1234")', errors: [2], messages: ['The fallback for SECRET_KEY is a real-looking secret in the code: fail when the variable is missing instead.'] },
      { code: 'if password == "admin123":\n    grant()', errors: [1], messages: ['password is given a literal value: read secrets from the environment or a secret store.'] },
      // camelCase and compound names; dictionary signing secrets.
      { code: 'jwtSecret = "kD93jkslPq0xZ7"', errors: [1], messages: ['jwtSecret is hard-coded and short: anyone can forge what it signs. Read a long random value from the environment.'] },
      { code: 'config = {"session_secret": "keyboard cat"}', errors: [1], messages: ['session_secret is hard-coded and a dictionary word: anyone can forge what it signs. Read a long random value from the environment.'] },
      { code: 'signingKey = "9fK2mQx7LpR4tZ8wN3vB6cY1"', errors: [1] },
      // A password inside a connection URL.
      { code: 'SQLALCHEMY_DATABASE_URI = "postgresql://app:Pr0dPassw0rd@db.example.com:5432/app"', errors: [1], messages: ['A password is written into this connection URL (host db.example.com): take the URL or its password from the environment.'] },
      // Literal keys handed straight to the signing and encryption APIs.
      { code: 'import jwt\ndef issue(uid):\n    return jwt.encode({"sub": uid}, "secret", algorithm="HS256")', errors: [3], messages: ['The key of jwt.encode is written in the code (and a dictionary word): anyone with the code can forge the tokens it signs. Load it from the environment or a secret store.'] },
      { code: 'from cryptography.fernet import Fernet\nKEY = b"x6Hk3oVq0n7T1bq2n8oY0JjQm7n2p8Vx5mQ6z3kL9dE="\nf = Fernet(KEY)', errors: [3] },
      { code: 'import hmac, hashlib\nsig = hmac.new(b"webhook-key", body, hashlib.sha256).hexdigest()', errors: [2] },
    ],
  },
};

export default rule;
