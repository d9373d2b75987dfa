import type { Node } from 'web-tree-sitter';
import { OWASP, type Rule } from '../../core/rule';
import { knownFormat, looksLikeSecretValue, NOT_A_SECRET_NAME, SECRET_NAME } from '../shared/secrets';

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
    const judge = (name: string | undefined, value: Node | null | undefined, at: Node) => {
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
      if (!SECRET_NAME.test(name) || NOT_A_SECRET_NAME.test(name)) return;
      if (!looksLikeSecretValue(text, name)) return;
      reported.add(value.id);
      ctx.report({ node: at, message: `${name} is given a literal value: read secrets from the environment or a secret store.` });
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
        // os.environ.get("SECRET_KEY", "literal"): the fallback ships in the code.
        const name = sem.calleeName(node);
        if (name !== 'os.environ.get' && name !== 'os.getenv') return;
        const key = sem.stringValue(sem.arg(node, 0));
        const fallback = sem.arg(node, 1, 'default');
        if (key && fallback?.type === 'string' && (FRAMEWORK_SECRET.test(key) || (SECRET_NAME.test(key) && !NOT_A_SECRET_NAME.test(key)))) {
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
    ],
    invalid: [
      { code: 'from flask import Flask\napp = Flask(__name__)\napp.config["SECRET_KEY"] = "s3cr3t-k3y-1234"', errors: [3] },
      { code: 'SECRET_KEY = "django-insecure-7x!kq@2v#m$9z&a^b*c(d)e_f+g=h-i"', errors: [1] },
      { code: 'db = connect(host="db", user="app", password="Pr0dPassw0rd!")', errors: [1] },
      { code: 'client = Client(api_key="q8Zr3TkP9wLm2XvB7nY4cD6f")', errors: [1] },
      { code: 'AWS_ID = "AKIAIOSFODNN7EXAMPLE"', errors: [1] },
      { code: 'import os\nSECRET_KEY = os.environ.get("SECRET_KEY", "dev-secret-please-change-1234")', errors: [2] },
      { code: 'if password == "admin123":\n    grant()', errors: [1] },
    ],
  },
};

export default rule;
