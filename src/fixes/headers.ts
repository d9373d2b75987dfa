import * as path from 'node:path';
import type { Node } from 'web-tree-sitter';
import { withImports, type ImportRequest, type WithImports } from '../core/importer';
import { detectLanguage, dialectOf } from '../core/languages';
import { LANGUAGE_IDS } from '../core/language-registry';
import { ensureLanguages, parseSync } from '../core/parser';
import { Semantics } from '../core/semantics';
import { GeneratorError, PlanBuilder, type GeneratorPlan } from './plan';
import { addNpmDependency, addPythonDependency, inspectProject, readForDetection, type Framework } from './project';

export { GeneratorError };

/** `production` forces HTTPS and HSTS; `development` keeps plain-HTTP localhost working. */
export type HeaderProfile = 'production' | 'development';

export interface HeadersOptions {
  framework?: Framework;
  profile?: HeaderProfile;
}

/**
 * `text` of `file` with the imports added by the language's import helper (src/core/importer.ts),
 * and the names to write; `esm` is the project's module style for a file that shows none.
 */
export function importing(file: string, text: string, requests: ImportRequest[], esm?: boolean): WithImports {
  const got = withImports(file, detectLanguage(file)!, text, requests, { esm });
  if (!got) throw new GeneratorError(`${file}: a name SiteWarden would import (${requests.map((r) => r.member ?? r.module).join(', ')}) is already used for something else.`);
  return got;
}

interface Located {
  file: string;
  text: string;
  /** The statement that creates the app. */
  statement: Node;
  appName: string;
  sem: Semantics;
  root: Node;
}

function topStatement(n: Node): Node {
  while (n.parent && n.parent.type !== 'module' && n.parent.type !== 'program') n = n.parent;
  return n;
}

/** Finds `name = <constructor>(...)` at module level in the given files. */
async function findAppCreation(root: string, files: string[], match: (callee: string) => boolean): Promise<Located | undefined> {
  await ensureLanguages(LANGUAGE_IDS);
  for (const file of files) {
    const lang = detectLanguage(file);
    if (!lang) continue;
    const text = readForDetection(root, file);
    if (!text) continue;
    const tree = parseSync(lang, text);
    const top = tree.rootNode;
    const sem = new Semantics(top, dialectOf(lang));
    const stack: Node[] = [top];
    while (stack.length) {
      const n = stack.pop()!;
      const isAssign = n.type === 'assignment' || n.type === 'variable_declarator';
      if (isAssign) {
        const left = n.childForFieldName('left') ?? n.childForFieldName('name');
        const right = n.childForFieldName('right') ?? n.childForFieldName('value');
        if (left?.type === 'identifier' && right && (right.type === 'call' || right.type === 'call_expression')) {
          const callee = sem.calleeName(right);
          if (callee && match(callee)) return { file, text, statement: topStatement(n), appName: left.text, sem, root: top };
        }
      }
      for (let i = n.namedChildCount - 1; i >= 0; i--) {
        const c = n.namedChild(i);
        if (c && c.type !== 'function_definition' && c.type !== 'class_definition') stack.push(c);
      }
    }
  }
  return undefined;
}

function lineEndAfter(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl < 0 ? text.length : nl + 1;
}

function insert(text: string, at: number, s: string): string {
  const prefix = at > 0 && text[at - 1] !== '\n' ? '\n' : '';
  return text.slice(0, at) + prefix + s + text.slice(at);
}

async function flaskHeaders(b: PlanBuilder, root: string, files: string[], profile: HeaderProfile): Promise<void> {
  const app = await findAppCreation(root, files, (c) => c === 'flask.Flask');
  if (!app) throw new GeneratorError('No Flask application (app = Flask(__name__)) was found.');
  const { text, appName } = app;
  const rel = path.relative(root, app.file);
  if (/\bTalisman\s*\(|\.set_headers\s*\(|\bset_secure_headers\b/.test(text)) {
    b.notes.push(`${rel} already sets security headers.`);
    return;
  }
  const requirements = ['requirements.txt', 'pyproject.toml', 'Pipfile'].map((f) => b.read(path.join(root, f)) ?? '').join('\n');
  const useTalisman = /flask[-_]talisman/i.test(requirements) || /flask_talisman/.test(text);
  const stmtEnd = lineEndAfter(text, app.statement.endIndex);
  let block: string;
  let out: WithImports;
  if (useTalisman) {
    const dev = profile === 'development';
    out = importing(app.file, text, [...(dev ? [{ module: 'os', member: 'environ' }] : []), { module: 'flask_talisman', member: 'Talisman', byName: true }]);
    const talisman = out.names[out.names.length - 1];
    block = dev
      ? `\n# Security headers (added by SiteWarden). HTTPS is forced only outside debug mode, so\n# plain-HTTP localhost keeps working; behind a TLS proxy, also use werkzeug's ProxyFix.\n${talisman}(${appName}, force_https=${out.names[0]}.get("FLASK_DEBUG") != "1")\n\n`
      : `\n# Security headers and HTTPS (added by SiteWarden): HSTS, CSP, frame and referrer policies.\n${talisman}(${appName})\n\n`;
    addPythonDependency(b, root, 'flask-talisman', '>=1.1.0');
  } else {
    out = importing(app.file, text, [{ module: 'secure' }]);
    block =
      `\n# Security headers (added by SiteWarden): HSTS, CSP, nosniff, frame and referrer policies.\n` +
      (profile === 'development' ? `# Browsers ignore HSTS over plain HTTP, so localhost keeps working.\n` : '') +
      `secure_headers = ${out.names[0]}.Secure.with_default_headers()\n\n\n@${appName}.after_request\ndef set_secure_headers(response):\n    secure_headers.set_headers(response)\n    return response\n\n\n`;
    addPythonDependency(b, root, 'secure', '>=1.0.1');
  }
  b.write(app.file, insert(out.text, out.moved(stmtEnd), block));
}

const DJANGO_MIDDLEWARE = ['django.middleware.security.SecurityMiddleware', 'django.middleware.clickjacking.XFrameOptionsMiddleware'];

function djangoSettings(profile: HeaderProfile): [string, string][] {
  const dev = profile === 'development';
  return [
    ['SECURE_SSL_REDIRECT', dev ? 'not DEBUG' : 'True'],
    ['SECURE_HSTS_SECONDS', dev ? '0 if DEBUG else 31536000' : '31536000'],
    ['SECURE_HSTS_INCLUDE_SUBDOMAINS', 'True'],
    ['SECURE_HSTS_PRELOAD', 'True'],
    ['SECURE_CONTENT_TYPE_NOSNIFF', 'True'],
    ['SECURE_REFERRER_POLICY', '"strict-origin-when-cross-origin"'],
    ['SECURE_CROSS_ORIGIN_OPENER_POLICY', '"same-origin"'],
    ['SESSION_COOKIE_SECURE', dev ? 'not DEBUG' : 'True'],
    ['SESSION_COOKIE_HTTPONLY', 'True'],
    ['CSRF_COOKIE_SECURE', dev ? 'not DEBUG' : 'True'],
    ['X_FRAME_OPTIONS', '"DENY"'],
  ];
}

async function djangoHeaders(b: PlanBuilder, root: string, files: string[], profile: HeaderProfile): Promise<void> {
  const settings = files.find((f) => {
    const t = readForDetection(root, f);
    return /^INSTALLED_APPS\s*=/m.test(t) && /^MIDDLEWARE\s*=/m.test(t);
  });
  if (!settings) throw new GeneratorError('No Django settings module (with INSTALLED_APPS and MIDDLEWARE) was found.');
  await ensureLanguages(['python']);
  let text = b.read(settings)!;
  const tree = parseSync('python', text);
  // MIDDLEWARE: SecurityMiddleware first, X-Frame-Options middleware present.
  let mwList: Node | undefined;
  for (const c of tree.rootNode.namedChildren) {
    const a = c?.type === 'expression_statement' ? c.namedChildren[0] : undefined;
    if (a?.type === 'assignment' && a.childForFieldName('left')?.text === 'MIDDLEWARE') {
      const r = a.childForFieldName('right');
      if (r?.type === 'list' || r?.type === 'tuple') mwList = r;
    }
  }
  if (mwList) {
    const items = mwList.namedChildren.filter((x): x is Node => x?.type === 'string');
    const has = (m: string) => items.some((i) => i.text.slice(1, -1) === m);
    const indent = items[0] ? ' '.repeat(items[0].startPosition.column) : '    ';
    const q = items[0]?.text[0] ?? '"';
    const missingFirst = !has(DJANGO_MIDDLEWARE[0]);
    const missingXfo = !has(DJANGO_MIDDLEWARE[1]);
    if (missingXfo) {
      const last = items[items.length - 1];
      if (last) {
        // Keep the list's own style: trailing comma or not.
        const comma = /^[ \t]*,/.exec(text.slice(last.endIndex));
        const entry = `${q}${DJANGO_MIDDLEWARE[1]}${q}`;
        text = comma
          ? text.slice(0, last.endIndex + comma[0].length) + `\n${indent}${entry},` + text.slice(last.endIndex + comma[0].length)
          : text.slice(0, last.endIndex) + `,\n${indent}${entry}` + text.slice(last.endIndex);
      }
    }
    if (missingFirst) {
      const open = mwList.startIndex + 1;
      text = text.slice(0, open) + `\n${indent}${q}${DJANGO_MIDDLEWARE[0]}${q},` + text.slice(open);
    }
  } else {
    b.notes.push('MIDDLEWARE is not a plain list: add SecurityMiddleware (first) and XFrameOptionsMiddleware by hand.');
  }
  tree.delete();
  const missing = djangoSettings(profile).filter(([name]) => !new RegExp(`^${name}\\s*=`, 'm').test(text));
  if (missing.length) {
    const header =
      profile === 'development'
        ? '# Security headers and HTTPS (added by SiteWarden). With DEBUG on, HTTPS is not forced,\n# so the development server keeps working over plain HTTP.\n'
        : '# Security headers and HTTPS (added by SiteWarden), as `manage.py check --deploy` asks.\n# Behind a TLS-terminating proxy, also set SECURE_PROXY_SSL_HEADER.\n';
    if (profile === 'development' && !/^DEBUG\s*=/m.test(text)) b.notes.push('The development profile reads DEBUG: define it before these settings.');
    text = `${text}${text.endsWith('\n') ? '' : '\n'}\n${header}${missing.map(([k, v]) => `${k} = ${v}`).join('\n')}\n`;
  }
  b.write(settings, text);
}

/** `esm`: the project's module style (package.json `type`), for a file that shows none. */
async function expressHeaders(b: PlanBuilder, root: string, files: string[], profile: HeaderProfile, esm: boolean): Promise<void> {
  const app = await findAppCreation(root, files, (c) => c === 'express');
  if (!app) throw new GeneratorError('No Express application (const app = express()) was found.');
  const { text, appName } = app;
  const rel = path.relative(root, app.file);
  if (/\bhelmet\s*\(/.test(text)) {
    b.notes.push(`${rel} already uses helmet().`);
    return;
  }
  const out = importing(app.file, text, [{ module: 'helmet', member: 'default' }], esm);
  const helmet = out.names[0];
  const block =
    profile === 'development'
      ? `\n// Security headers (added by SiteWarden). Outside production there is no HSTS and no\n// upgrade-insecure-requests, so plain-HTTP localhost keeps working.\nconst isProduction = process.env.NODE_ENV === 'production';\n${appName}.use(\n  ${helmet}({\n    strictTransportSecurity: isProduction,\n    contentSecurityPolicy: { directives: { upgradeInsecureRequests: isProduction ? [] : null } },\n  }),\n);\n`
      : `// Security headers (added by SiteWarden), before any route: CSP, HSTS, nosniff, frame and referrer policies.\n${appName}.use(${helmet}());\n`;
  b.write(app.file, insert(out.text, out.moved(lineEndAfter(text, app.statement.endIndex)), block));
  addNpmDependency(b, root, 'helmet', '^8.1.0');
}

/** Plans security headers for the workspace's framework (the one given, else the one detected). */
export async function planSecurityHeaders(root: string, opts: HeadersOptions = {}): Promise<GeneratorPlan> {
  const info = inspectProject(root);
  const framework = opts.framework ?? info.frameworks[0];
  if (!framework) throw new GeneratorError('No Flask, Django or Express project was detected; pass the framework explicitly.');
  const profile = opts.profile ?? 'production';
  const b = new PlanBuilder(`Add security headers (${framework}, ${profile} profile)`, root);
  if (framework === 'flask') await flaskHeaders(b, root, info.pythonFiles, profile);
  else if (framework === 'django') await djangoHeaders(b, root, info.pythonFiles, profile);
  else await expressHeaders(b, root, info.jsFiles, profile, info.esm);
  return b.build();
}
