import { OWASP, type Rule } from '../../core/rule';
import { knownFormat, looksLikeSecretValue, NOT_A_SECRET_NAME, SECRET_NAME } from '../shared/secrets';

const LOCK_FILES = /(^|\/)(package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|Pipfile\.lock|poetry\.lock|composer\.lock|Gemfile\.lock|Cargo\.lock|go\.sum)$/;
const CONFIG_FILES = /(^|\/)(\.env(\.[\w.-]+)?|[\w.-]+\.(ya?ml|json|ini|cfg|conf|toml|properties|xml|sh|bash|zsh|tf|tfvars)|Dockerfile(\.[\w-]+)?|docker-compose[\w.-]*|\.npmrc|\.pypirc|\.netrc|credentials)$/i;
const EXAMPLE = /(\.example|\.sample|\.template|\.dist|example|sample)(\.|$)/i;
/** key = value, key: value, "key": "value", export KEY=value */
const ASSIGNMENT = /^\s*(?:export\s+)?["']?([A-Za-z_][\w.-]*)["']?\s*[:=]\s*["']?([^"'#\s][^"'#]*?)["']?\s*,?\s*(?:#.*)?$/;

function mask(s: string): string {
  return s.length <= 8 ? '****' : `${s.slice(0, 4)}…${'*'.repeat(4)}`;
}

const rule: Rule = {
  meta: {
    id: 'txt-secret',
    title: 'Secret in a configuration or text file',
    language: 'text',
    family: 'secrets',
    checklist: ['authentication'],
    severity: 'high',
    confidence: 'medium',
    cwe: ['CWE-798', 'CWE-312'],
    owasp: [OWASP.A07, OWASP.A02],
    skipInTests: true,
    message: 'A secret is stored in this file.',
    docs: {
      whatItDoes: 'Reads .env files, YAML, JSON, INI, TOML, properties, shell scripts, Dockerfiles and compose files for credentials: well-known token formats (AWS, GitHub, Slack, Stripe, Google, SendGrid, npm, private keys) anywhere, and `password` / `secret` / `token` / `api_key` settings whose value has the shape and entropy of a real secret. Placeholders, variable references and lock files are skipped; example files (.env.example) are reported at low severity.',
      whyBad: 'Committed configuration is read by everyone with access to the repository, its forks and its history, and is often copied into images and logs. A leaked key is used within minutes of being pushed to a public repository.',
      example: 'STRIPE_SECRET_KEY=sk_live_51H...\nDATABASE_PASSWORD=Pr0dPassw0rd!',
      useInstead: 'Keep real values out of the repository: .env in .gitignore, a committed .env.example with placeholders, and secrets from the deployment platform or a vault. Revoke any key that was committed.',
      references: ['https://cwe.mitre.org/data/definitions/798.html', 'https://12factor.net/config'],
    },
  },
  create: () => ({}),
  appliesTo: (relPath) => CONFIG_FILES.test(relPath) && !LOCK_FILES.test(relPath),
  checkText(ctx) {
    const example = EXAMPLE.test(ctx.file);
    ctx.lines.forEach((line, i) => {
      if (line.length > 2000 || /^\s*(#|\/\/|;)/.test(line)) return;
      const f = knownFormat(line);
      if (f) {
        const m = f.re.exec(line)!;
        ctx.report({ line: i, column: m.index, endColumn: m.index + m[0].length, severity: example ? 'low' : 'critical', confidence: 'high', message: `A ${f.kind} (${mask(m[0])}) is stored in this file: revoke it and load it from the environment or a vault.` });
        return;
      }
      const a = ASSIGNMENT.exec(line);
      if (!a) return;
      const [, key, value] = a;
      if (!SECRET_NAME.test(key) || NOT_A_SECRET_NAME.test(key)) return;
      if (/^\$\{?[A-Za-z_]|^\{\{|^<|^%\(|^ENC\[/.test(value)) return; // references and encrypted values
      if (!looksLikeSecretValue(value, key)) return;
      const col = line.indexOf(value);
      ctx.report({ line: i, column: col, endColumn: col + value.length, severity: example ? 'low' : undefined, message: `${key} holds a real-looking secret (${mask(value)}): keep it out of the repository.` });
    });
  },
  tests: {
    valid: [
      { code: 'DATABASE_PASSWORD=${DB_PASSWORD}\nAPI_KEY=changeme\nSECRET_KEY=<your secret here>', filename: '.env' },
      { code: '"integrity": "sha512-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG=="', filename: 'package-lock.json' },
      { code: 'password_min_length: 12\ntoken_url: https://auth.example.com/token', filename: 'config.yml' },
      { code: '# API_KEY=q8Zr3TkP9wLm2XvB7nY4cD6f\nDEBUG=1', filename: '.env' },
      { code: 'AWS_ID=AKIAIOSFODNN7EXAMPLE', filename: 'docs/setup.md' },
    ],
    invalid: [
      { code: 'DEBUG=0\nSTRIPE_SECRET_KEY=sk_live_51Habcdefghijklmnopqrstuv', filename: '.env', errors: [2] },
      { code: 'database:\n  password: Pr0dPassw0rd!', filename: 'config/prod.yml', errors: [2] },
      { code: '{\n  "apiKey": "q8Zr3TkP9wLm2XvB7nY4cD6fH1sK"\n}', filename: 'settings.json', errors: [2] },
      { code: 'ENV AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE', filename: 'Dockerfile', errors: [1] },
      { code: '-----BEGIN RSA PRIVATE KEY-----\nMIIEow...', filename: 'deploy/key.conf', errors: [1] },
    ],
  },
};

export default rule;
