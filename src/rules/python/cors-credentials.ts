import type { Node } from 'web-tree-sitter';
import { OWASP, type Rule, type RuleContext } from '../../core/rule';

// Starlette's CORSMiddleware (FastAPI re-exports it), added with `app.add_middleware(CORSMiddleware, ...)`
// or listed as `Middleware(CORSMiddleware, ...)`. With `allow_origins=["*"]` and credentials it
// answers a request that carries cookies with that request's own Origin.
const STARLETTE_CORS = new Set(['starlette.middleware.cors.CORSMiddleware', 'fastapi.middleware.cors.CORSMiddleware']);
// flask-cors: origins default to "*", and with supports_credentials the Origin is sent back as is.
const FLASK_CORS = new Set(['flask_cors.CORS', 'flask_cors.cross_origin', 'flask_cors.extension.CORS', 'flask_cors.decorator.cross_origin']);
// django-cors-headers settings.
const DJANGO_ALLOW_ALL = new Set(['CORS_ALLOW_ALL_ORIGINS', 'CORS_ORIGIN_ALLOW_ALL']);

/** An origin pattern that every origin matches: `.*`, `.+`, `https?://.*`, `*`. */
function matchesAnyOrigin(pattern: string): boolean {
  const host = pattern.replace(/^\^/, '').replace(/\$$/, '').replace(/^[^.]*:\/\//, '');
  return host === '.*' || host === '.+' || host === '*';
}

/** `"*"`, `["*"]`, `("*",)`, or a regex that matches every origin. */
function allowsAnyOrigin(ctx: RuleContext, value: Node | undefined): boolean {
  if (!value) return false;
  const n = ctx.sem.dialect.unwrap(value);
  if (n.type === 'list' || n.type === 'tuple' || n.type === 'set') return n.namedChildren.some((c) => !!c && ctx.sem.stringValue(c) === '*');
  const s = ctx.sem.stringValue(n);
  return s !== undefined && matchesAnyOrigin(s);
}

const isTrue = (n: Node | undefined): boolean => n?.type === 'true';

const rule: Rule = {
  meta: {
    id: 'py-cors-credentials',
    title: 'CORS allows every origin together with credentials',
    language: 'python',
    family: 'config',
    checklist: ['security-headers'],
    severity: 'high',
    confidence: 'high',
    cwe: ['CWE-942', 'CWE-346'],
    owasp: [OWASP.A05, OWASP.A01],
    message: 'Any site may make credentialed requests and read the answers: list the allowed origins.',
    docs: {
      whatItDoes: 'Finds Starlette/FastAPI `CORSMiddleware` with `allow_origins=["*"]` (or an `allow_origin_regex` that matches everything) and `allow_credentials=True`; flask-cors `CORS(...)`/`@cross_origin(...)` with `supports_credentials=True` and no origin list (the default is every origin) or `"*"`; and django-cors-headers `CORS_ALLOW_ALL_ORIGINS = True` (`CORS_ORIGIN_ALLOW_ALL`) in a settings module that also sets `CORS_ALLOW_CREDENTIALS = True`.',
      whyBad: 'Browsers refuse `*` with credentials, so these libraries answer with the requesting page\'s own Origin instead: any website a logged-in user visits can call the API with their cookies and read the responses (their data, CSRF tokens).',
      example: 'from fastapi.middleware.cors import CORSMiddleware\napp.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)',
      useInstead: 'app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"], allow_credentials=True)\n# flask-cors: CORS(app, origins=["https://app.example.com"], supports_credentials=True)\n# Django: CORS_ALLOWED_ORIGINS = ["https://app.example.com"]',
      references: ['https://cwe.mitre.org/data/definitions/942.html', 'https://portswigger.net/web-security/cors', 'https://www.starlette.io/middleware/#corsmiddleware'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    return {
      call(node: Node) {
        const a = sem.args(node);
        const first = a.positional[0];
        const name = sem.calleeName(node);
        if ((first && STARLETTE_CORS.has(sem.qualifiedName(first) ?? '')) || (name && STARLETTE_CORS.has(name))) {
          if (!isTrue(a.keywords.get('allow_credentials'))) return;
          if (allowsAnyOrigin(ctx, a.keywords.get('allow_origins')) || allowsAnyOrigin(ctx, a.keywords.get('allow_origin_regex'))) ctx.report({ node });
          return;
        }
        if (name && FLASK_CORS.has(name)) {
          if (!isTrue(a.keywords.get('supports_credentials'))) return;
          const origins = a.keywords.get('origins');
          // No origin list: flask-cors reads `resources`, then the app's CORS_* config, then "*".
          if (origins ? allowsAnyOrigin(ctx, origins) : !a.hasSplat && !a.keywords.has('resources')) ctx.report({ node });
        }
      },
      assignment(node: Node) {
        const left = node.childForFieldName('left');
        if (left?.type !== 'identifier' || !DJANGO_ALLOW_ALL.has(left.text) || !isTrue(node.childForFieldName('right') ?? undefined)) return;
        if (node.parent?.parent?.type !== 'module') return;
        const credentials = sem.moduleBindings().some((b) => b.kind === 'assign' && b.name === 'CORS_ALLOW_CREDENTIALS' && isTrue(b.value));
        if (credentials) ctx.report({ node });
      },
    };
  },
  tests: {
    valid: [
      'from fastapi.middleware.cors import CORSMiddleware\napp.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"], allow_credentials=True)',
      'from starlette.middleware.cors import CORSMiddleware\napp.add_middleware(CORSMiddleware, allow_origins=["*"])',
      'from flask_cors import CORS\nCORS(app, origins=["https://app.example.com"], supports_credentials=True)',
      'from flask_cors import CORS\nCORS(app)',
      'CORS_ALLOW_ALL_ORIGINS = True',
      'CORS_ALLOWED_ORIGINS = ["https://app.example.com"]\nCORS_ALLOW_CREDENTIALS = True',
      '# app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)\nx = 1',
      'from starlette.middleware.cors import CORSMiddleware\napp.add_middleware(CORSMiddleware, allow_origin_regex=r"https://.*\\.example\\.com", allow_credentials=True)',
    ],
    invalid: [
      { code: 'from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\napp = FastAPI()\napp.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True, allow_methods=["*"])', errors: [4], messages: ['Any site may make credentialed requests and read the answers: list the allowed origins.'] },
      { code: 'from starlette.middleware import Middleware\nfrom starlette.middleware.cors import CORSMiddleware\nmiddleware = [Middleware(CORSMiddleware, allow_origin_regex=".*", allow_credentials=True)]', errors: [3], messages: [{ messageId: 'default' }] },
      { code: 'from flask_cors import CORS\nCORS(app, supports_credentials=True)', errors: [2], messages: [{ messageId: 'default' }] },
      { code: 'from flask_cors import cross_origin\n@cross_origin(origins="*", supports_credentials=True)\ndef api():\n    return "{}"', errors: [2], messages: [{ messageId: 'default' }] },
      { code: 'CORS_ALLOW_CREDENTIALS = True\nCORS_ORIGIN_ALLOW_ALL = True', errors: [2], messages: [{ messageId: 'default' }] },
    ],
  },
};

export default rule;
