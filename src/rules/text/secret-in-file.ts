import { OWASP, type Rule } from '../../core/rule';
import { isLocaleFile, isSecretName, isSigningSecretName, knownFormat, looksLikeSecretValue, urlCredential, weakSecretValue } from '../shared/secrets';

const LOCK_FILES = /(^|\/)(package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|Pipfile\.lock|poetry\.lock|composer\.lock|Gemfile\.lock|Cargo\.lock|go\.sum)$/;
const CONFIG_FILES = /(^|\/)(\.env(\.[\w.-]+)?|[\w.-]+\.(ya?ml|json|ini|cfg|conf|toml|properties|xml|sh|bash|zsh|tf|tfvars)|Dockerfile(\.[\w-]+)?|docker-compose[\w.-]*|\.npmrc|\.pypirc|\.netrc|credentials)$/i;
const ENV_FILE = /(^|\/)\.env(\.[\w.-]+)?$/;
const EXAMPLE = /(\.example|\.sample|\.template|\.dist|example|sample)(\.|$)/i;
/** Documentation and API descriptions: their values illustrate, they are not deployed. */
const DOCS = /(^|\/)docs?\/|(^|\/)(openapi|swagger)[\w.-]*\.(ya?ml|json)$/i;
/** `example:` / `examples:` keys of OpenAPI and JSON Schema: what is below them is a sample. */
const EXAMPLE_KEY = /^(\s*)(-\s*)?["']?(examples?|x-examples?)["']?\s*:/;
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
      whatItDoes: 'Reads .env files, YAML, JSON, INI, TOML, properties, shell scripts, Dockerfiles and compose files for credentials: well-known token formats (AWS, GitHub, Slack, Stripe, Google, SendGrid, npm, private keys) anywhere, and `password` / `secret` / `token` / `api_key` settings whose value has the shape and entropy of a real secret. Placeholders, variable references, lock files, enum-like constants (`RESET_PASSWORD: reset_password`) and the labels of translation files (i18n/, locales/, *.po, messages*.properties: only known token formats are reported there) are skipped; example files (.env.example, .env.sample), documentation and OpenAPI `example:` values are reported at low severity.',
      whyBad: 'Committed configuration is read by everyone with access to the repository, its forks and its history, and is often copied into images and logs. A leaked key is used within minutes of being pushed to a public repository.',
      exampleFile: '.env',
      example: 'STRIPE_SECRET_KEY=sk_live_51H...\nDATABASE_PASSWORD=Pr0dPassw0rd!',
      useInstead: '# Keep real values out of the repository: .env in .gitignore, a committed .env.example\n# with placeholders, and secrets from the deployment platform or a vault. Revoke any key that was committed.\nSTRIPE_SECRET_KEY=\nDATABASE_PASSWORD=${DATABASE_PASSWORD}',
      references: ['https://cwe.mitre.org/data/definitions/798.html', 'https://12factor.net/config'],
    },
  },
  create: () => ({}),
  appliesTo: (relPath) => CONFIG_FILES.test(relPath) && !LOCK_FILES.test(relPath),
  checkText(ctx) {
    const file = ctx.file.split('\\').join('/');
    const placeholderFile = EXAMPLE.test(file) || DOCS.test(file);
    const locale = isLocaleFile(file);
    let exampleIndent = -1; // inside an `example:` block while lines are indented deeper than this
    ctx.lines.forEach((line, i) => {
      const indent = /^\s*/.exec(line)![0].length;
      if (exampleIndent >= 0 && line.trim() && indent <= exampleIndent) exampleIndent = -1;
      const exampleKey = EXAMPLE_KEY.exec(line);
      const inExample = exampleIndent >= 0 || exampleKey !== null;
      if (exampleKey && exampleIndent < 0) exampleIndent = exampleKey[1].length;
      const example = placeholderFile || inExample;
      if (line.length > 2000 || /^\s*(#|\/\/|;)/.test(line)) return;
      const f = knownFormat(line);
      if (f) {
        const m = f.re.exec(line)!;
        ctx.report({ line: i, column: m.index, endColumn: m.index + m[0].length, severity: example ? 'low' : 'critical', confidence: 'high', message: `A ${f.kind} (${mask(m[0])}) is stored in this file: revoke it and load it from the environment or a vault.` });
        return;
      }
      if (locale) return; // labels in some language, not credentials
      const cred = urlCredential(line);
      if (cred) {
        const col = line.indexOf(cred.password);
        ctx.report({ line: i, column: col, endColumn: col + cred.password.length, severity: example || cred.local ? 'low' : undefined, message: `A password (${mask(cred.password)}) is written into a connection URL for ${cred.host}: keep it out of the repository.` });
        return;
      }
      const a = ASSIGNMENT.exec(line);
      if (!a) return;
      const [, key, value] = a;
      if (!isSecretName(key)) return;
      if (/^\$\{?[A-Za-z_]|^\{\{|^<|^%\(|^ENC\[/.test(value)) return; // references and encrypted values
      // JWT_SECRET=secret in a .env file that is deployed: a guessable signing key (not in examples,
      // where placeholders are the point).
      const weak = !example && ENV_FILE.test(file) && isSigningSecretName(key) ? weakSecretValue(value) : undefined;
      if (weak) {
        const col = line.indexOf(value);
        ctx.report({ line: i, column: col, endColumn: col + value.length, message: `${key} is ${weak === 'dictionary' ? 'a dictionary word' : 'shorter than 32 characters'}: tokens and sessions signed with it can be forged offline. Generate a long random value and keep it out of the repository.` });
        return;
      }
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
      // Placeholders are the point of an example file; URLs whose password is a reference.
      { code: 'JWT_SECRET=secret\nSESSION_SECRET=changeme', filename: '.env.example' },
      { code: 'DATABASE_URL=postgres://app:${DB_PASSWORD}@db.example.com/app\nREDIS_URL=redis://localhost:6379', filename: '.env' },
    ],
    invalid: [
      { code: 'DEBUG=0\nSTRIPE_SECRET_KEY=sk_live_51Habcdefghijklmnopqrstuv', filename: '.env', errors: [2], messages: ['A Stripe live key (sk_l…****) is stored in this file: revoke it and load it from the environment or a vault.'] },
      { code: 'database:\n  password: Pr0dPassw0rd!', filename: 'config/prod.yml', errors: [2], messages: ['password holds a real-looking secret (Pr0d…****): keep it out of the repository.'] },
      { code: '{\n  "apiKey": "q8Zr3TkP9wLm2XvB7nY4cD6fH1sK"\n}', filename: 'settings.json', errors: [2], messages: ['apiKey holds a real-looking secret (q8Zr…****): keep it out of the repository.'] },
      { code: 'ENV AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE', filename: 'Dockerfile', errors: [1], messages: ['A AWS access key id (AKIA…****) is stored in this file: revoke it and load it from the environment or a vault.'] },
      { code: '-----BEGIN RSA PRIVATE KEY-----\nMIIEow...', filename: 'deploy/key.conf', errors: [1], messages: ['A private key (----…****) is stored in this file: revoke it and load it from the environment or a vault.'] },
      // Guessable signing secrets in a deployed .env file.
      { code: 'PORT=3000\nJWT_SECRET=secret', filename: '.env', errors: [2], messages: ['JWT_SECRET is a dictionary word: tokens and sessions signed with it can be forged offline. Generate a long random value and keep it out of the repository.'] },
      { code: 'SESSION_SECRET="keyboard cat"', filename: '.env.production', errors: [1] },
      { code: 'SECRET_KEY=dev-key-123', filename: 'app/.env', errors: [1], messages: ['SECRET_KEY is shorter than 32 characters: tokens and sessions signed with it can be forged offline. Generate a long random value and keep it out of the repository.'] },
      // camelCase names, and passwords inside connection URLs.
      { code: '{\n  "cookieSecret": "q7Lr2PzX9kWm4Tn8Vb3Xc6Zt"\n}', filename: 'config.json', errors: [2] },
      { code: 'DATABASE_URL=postgresql://app:Pr0dPassw0rd@db.example.com:5432/app', filename: '.env', errors: [1], messages: ['A password (Pr0d…****) is written into a connection URL for db.example.com: keep it out of the repository.'] },
    ],
  },
};

export default rule;
