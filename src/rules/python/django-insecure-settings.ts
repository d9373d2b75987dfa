import type { Node } from 'web-tree-sitter';
import { lookup } from '../../core/lookup';
import { OWASP, type Rule } from '../../core/rule';
import { isDevSettings, isDjangoSettings } from './django-debug';

/** Settings whose explicit value is insecure, with the `check --deploy` id it corresponds to. */
const EXPLICIT: Record<string, { bad: (v: Node, text: string) => boolean; id: string; why: string }> = {
  SECURE_SSL_REDIRECT: { bad: (v) => v.type === 'false', id: 'W008', why: 'plain-HTTP requests are served instead of redirected to HTTPS' },
  SECURE_HSTS_SECONDS: { bad: (v) => v.type === 'integer' && Number(v.text.replace(/_/g, '')) === 0, id: 'W004', why: 'browsers are not told to insist on HTTPS' },
  SESSION_COOKIE_SECURE: { bad: (v) => v.type === 'false', id: 'W012', why: 'the session cookie is sent over plain HTTP' },
  SESSION_COOKIE_HTTPONLY: { bad: (v) => v.type === 'false', id: 'W015', why: 'scripts can read the session cookie' },
  CSRF_COOKIE_SECURE: { bad: (v) => v.type === 'false', id: 'W016', why: 'the CSRF cookie is sent over plain HTTP' },
  SECURE_CONTENT_TYPE_NOSNIFF: { bad: (v) => v.type === 'false', id: 'W006', why: 'browsers may sniff uploads as HTML or script' },
  X_FRAME_OPTIONS: { bad: (_v, t) => !!t && t.toUpperCase() !== 'DENY' && t.toUpperCase() !== 'SAMEORIGIN', id: 'W019', why: 'pages can be framed by other sites (clickjacking)' },
  SECURE_REFERRER_POLICY: { bad: (v, t) => v.type === 'none' || t.toLowerCase() === 'unsafe-url', id: 'W022', why: 'full URLs leak to other sites in the Referer header' },
};

const rule: Rule = {
  meta: {
    id: 'py-django-insecure-settings',
    title: 'Django deployment settings that weaken HTTPS, cookies or hosts',
    language: 'python',
    family: 'config',
    checklist: ['security-headers'],
    severity: 'medium',
    confidence: 'high',
    cwe: ['CWE-16', 'CWE-614', 'CWE-319'],
    owasp: [OWASP.A05],
    skipInTests: true,
    message: 'This setting fails `manage.py check --deploy`.',
    docs: {
      whatItDoes: 'Reads Django settings modules statically (never importing them) and reports what `manage.py check --deploy` would: security settings set to insecure values (SECURE_SSL_REDIRECT = False, SESSION_COOKIE_SECURE = False, ALLOWED_HOSTS = ["*"], …) on their own line, and required middleware or settings that are missing (W001–W022), in one finding on the MIDDLEWARE line. Development and test settings files are skipped.',
      whyBad: 'Without these settings sessions travel over plain HTTP, pages can be framed, the Host header is trusted blindly (poisoned password-reset links), and browsers are never told to insist on HTTPS.',
      example: 'ALLOWED_HOSTS = ["*"]\nSESSION_COOKIE_SECURE = False',
      useInstead: 'ALLOWED_HOSTS = ["shop.example.com"]\nSESSION_COOKIE_SECURE = True\nCSRF_COOKIE_SECURE = True\nSECURE_SSL_REDIRECT = True\nSECURE_HSTS_SECONDS = 31536000\n# "SiteWarden: Add Security Headers" adds the full block',
      references: ['https://docs.djangoproject.com/en/stable/howto/deployment/checklist/', 'https://docs.djangoproject.com/en/stable/ref/checks/#security'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    let applies: boolean | undefined;
    const assigned = new Map<string, Node>();
    let middleware: Node | undefined;
    let middlewareList: string[] | undefined;
    return {
      assignment(node: Node) {
        applies ??= isDjangoSettings(ctx.file, ctx.source) && !isDevSettings(ctx.file);
        if (!applies || node.parent?.parent?.type !== 'module') return;
        const name = node.childForFieldName('left')?.text ?? '';
        const value = node.childForFieldName('right');
        if (!value || !/^[A-Z_]+$/.test(name)) return;
        assigned.set(name, value);
        if (name === 'MIDDLEWARE') {
          middleware = node;
          if (value.type === 'list' || value.type === 'tuple') middlewareList = value.namedChildren.map((c) => (c ? sem.stringValue(c) ?? '' : ''));
          return;
        }
        if (name === 'ALLOWED_HOSTS' && (value.type === 'list' || value.type === 'tuple')) {
          const hosts = value.namedChildren.map((c) => (c ? sem.stringValue(c) : undefined));
          if (hosts.includes('*')) ctx.report({ node, message: 'ALLOWED_HOSTS accepts any host: the Host header then poisons password-reset links and caches. List your domains.' });
          else if (hosts.length === 0) ctx.report({ node, severity: 'low', message: 'ALLOWED_HOSTS is empty: with DEBUG off every request fails (security.W020). List your domains.' });
          return;
        }
        const check = lookup(EXPLICIT, name);
        if (check && check.bad(value, sem.stringValue(value) ?? '')) ctx.report({ node, message: `${name} = ${value.text}: ${check.why} (security.${check.id}).` });
      },
      'program:exit'() {
        if (!applies || !middleware || !middlewareList || !assigned.has('INSTALLED_APPS')) return;
        const missing: string[] = [];
        if (!middlewareList.includes('django.middleware.security.SecurityMiddleware')) missing.push('SecurityMiddleware in MIDDLEWARE (W001)');
        if (!middlewareList.includes('django.middleware.clickjacking.XFrameOptionsMiddleware')) missing.push('XFrameOptionsMiddleware (W002)');
        if (!middlewareList.includes('django.middleware.csrf.CsrfViewMiddleware')) missing.push('CsrfViewMiddleware (W003)');
        for (const [setting, id] of [['SECURE_HSTS_SECONDS', 'W004'], ['SECURE_SSL_REDIRECT', 'W008'], ['SESSION_COOKIE_SECURE', 'W012'], ['CSRF_COOKIE_SECURE', 'W016']]) {
          if (!assigned.has(setting)) missing.push(`${setting} (${id})`);
        }
        if (missing.length === 0) return;
        ctx.report({
          node: middleware,
          severity: 'low',
          confidence: 'medium',
          message: `Deployment settings missing: ${missing.join(', ')}. Run "SiteWarden: Add Security Headers" or set them for production.`,
        });
      },
    };
  },
  tests: {
    valid: [
      { code: 'INSTALLED_APPS = []\nMIDDLEWARE = ["django.middleware.security.SecurityMiddleware", "django.middleware.csrf.CsrfViewMiddleware", "django.middleware.clickjacking.XFrameOptionsMiddleware"]\nALLOWED_HOSTS = ["example.com"]\nSECURE_HSTS_SECONDS = 31536000\nSECURE_SSL_REDIRECT = True\nSESSION_COOKIE_SECURE = True\nCSRF_COOKIE_SECURE = True', filename: 'mysite/settings.py' },
      { code: 'ALLOWED_HOSTS = ["*"]\nSESSION_COOKIE_SECURE = False', filename: 'mysite/settings/dev.py' },
      { code: 'ALLOWED_HOSTS = ["*"]', filename: 'app/helpers.py' },
      { code: 'INSTALLED_APPS = []\nALLOWED_HOSTS = ["*"]', filename: 'tests/settings.py' },
    ],
    invalid: [
      { code: 'INSTALLED_APPS = []\nALLOWED_HOSTS = ["*"]', filename: 'mysite/settings.py', errors: [2] },
      { code: 'SESSION_COOKIE_SECURE = False\nCSRF_COOKIE_SECURE = False\nSECURE_SSL_REDIRECT = False', filename: 'proj/settings.py', errors: [1, 2, 3] },
      { code: 'INSTALLED_APPS = ["django.contrib.sessions"]\nMIDDLEWARE = [\n    "django.contrib.sessions.middleware.SessionMiddleware",\n]\nALLOWED_HOSTS = ["example.com"]', filename: 'proj/settings/production.py', errors: [2] },
      { code: 'X_FRAME_OPTIONS = "ALLOWALL"\nSECURE_HSTS_SECONDS = 0', filename: 'config/settings.py', errors: [1, 2] },
    ],
  },
};

export default rule;
