import type { Node } from 'web-tree-sitter';
import { OWASP, type Rule } from '../../core/rule';

/** The pattern of a regex literal or of `new RegExp('...')` with a constant pattern. */
function originPattern(n: Node, sem: { calleeName(n: Node): string | undefined; stringValue(n: Node | null | undefined): string | undefined; arg(n: Node, i: number): Node | undefined }): string | undefined {
  if (n.type === 'regex') return n.namedChildren.find((c) => c?.type === 'regex_pattern')?.text;
  if ((n.type === 'new_expression' || n.type === 'call_expression') && sem.calleeName(n) === 'RegExp') return sem.stringValue(sem.arg(n, 0));
  return undefined;
}

/**
 * What an origin pattern lets through that it should not: without `$` the allowed host can be
 * followed by an attacker's domain (`example.com.evil.net`), without `^` (or a leading `\.`/`//`)
 * preceded by one (`evilexample.com`).
 */
function unanchored(pattern: string): string | undefined {
  for (const alt of topLevelAlternatives(pattern)) {
    if (!/(^|[^\\])\$$/.test(alt)) return 'is not anchored at the end ($): example.com.attacker.net matches it';
    if (!/^\^/.test(alt) && !/^(\\\.|\\\/\\\/|\/\/)/.test(alt)) return 'is not anchored at the start (^): attacker-example.com matches it';
  }
  return undefined;
}

/** `^a$|^b$` → [`^a$`, `^b$`]; a `|` inside a group or a class does not split. */
function topLevelAlternatives(pattern: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let inClass = false;
  let start = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') { i++; continue; }
    if (inClass) { if (c === ']') inClass = false; continue; }
    if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) { out.push(pattern.slice(start, i)); start = i + 1; }
  }
  out.push(pattern.slice(start));
  return out;
}

/**
 * An origin callback that accepts every origin: it never branches and hands the callback `true`
 * or the origin itself (`(origin, cb) => cb(null, true)`).
 */
function acceptsEveryOrigin(fn: Node): boolean {
  if (fn.type !== 'arrow_function' && fn.type !== 'function_expression' && fn.type !== 'function') return false;
  const params = fn.childForFieldName('parameters')?.namedChildren.filter((c) => c?.type === 'identifier' || c?.type === 'required_parameter') ?? [];
  if (params.length < 2) return false;
  const origin = params[0]!.text.split(':')[0].trim();
  const cb = params[1]!.text.split(':')[0].trim();
  const body = fn.childForFieldName('body');
  if (!body) return false;
  if (body.descendantsOfType(['if_statement', 'ternary_expression', 'switch_statement', 'binary_expression', 'return_statement']).length) return false;
  const calls = body.type === 'call_expression' ? [body] : body.descendantsOfType('call_expression');
  return calls.some((c) => {
    if (c?.childForFieldName('function')?.text !== cb) return false;
    const a = c.childForFieldName('arguments')?.namedChildren ?? [];
    return a.length === 2 && a[0]?.type === 'null' && (a[1]?.type === 'true' || a[1]?.text === origin);
  });
}

const rule: Rule = {
  meta: {
    id: 'js-cors-credentials',
    title: 'CORS reflects any origin while allowing credentials',
    language: 'javascript',
    family: 'config',
    checklist: [],
    severity: 'high',
    confidence: 'high',
    cwe: ['CWE-942', 'CWE-346'],
    owasp: [OWASP.A05, OWASP.A01],
    message: 'Any site may make credentialed requests and read the answers: list the allowed origins.',
    docs: {
      whatItDoes: 'Finds `cors({ origin: true | "*" | reflect, credentials: true })`, the same options in NestJS `app.enableCors(...)` and `NestFactory.create(M, { cors: ... })`, origin callbacks that accept every origin (`(o, cb) => cb(null, true)`), origin regexes without `^`/`$` anchors (`/example\\.com/`, `new RegExp(\'example.com\')`: medium without credentials), and `Access-Control-Allow-Origin` set from the request\'s Origin header together with `Access-Control-Allow-Credentials: true`.',
      whyBad: 'With credentials allowed for every origin, any website a logged-in user visits can call your API as that user and read the responses: their data, CSRF tokens, everything.',
      example: "app.use(cors({ origin: true, credentials: true }));",
      useInstead: "app.use(cors({ origin: ['https://app.example.com'], credentials: true }));",
      references: ['https://cwe.mitre.org/data/definitions/942.html', 'https://portswigger.net/web-security/cors'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    const get = (opts: Node, k: string) => opts.namedChildren.find((p) => p?.type === 'pair' && p.childForFieldName('key')?.text.replace(/['"]/g, '') === k)?.childForFieldName('value') ?? undefined;
    const nestCors = (arg: Node | undefined): Node | undefined => {
      const opts = arg ? sem.literalOf(arg) : undefined;
      const cors = opts?.type === 'object' ? get(opts, 'cors') : undefined;
      return cors && cors.type !== 'true' ? cors : undefined;
    };
    const checkOptions = (node: Node, arg: Node | undefined) => {
      // `cors(corsOptions)` with `const corsOptions = { ... }`: the object as if written here.
      const opts = arg ? sem.literalOf(arg) : undefined;
      if (!opts || opts.type !== 'object') return;
      const origin = get(opts, 'origin');
      if (!origin) return;
      const credentials = get(opts, 'credentials')?.text === 'true';
      const value = sem.literalOf(origin);
      if (credentials && (value.type === 'true' || /^['"`]\*['"`]$/.test(value.text) || acceptsEveryOrigin(value))) {
        ctx.report({ node });
        return;
      }
      for (const item of value.type === 'array' ? value.namedChildren : [value]) {
        const pattern = item ? originPattern(item, sem) : undefined;
        const flaw = pattern !== undefined ? unanchored(pattern) : undefined;
        if (!item || !flaw) continue;
        ctx.report({ node: item, severity: credentials ? 'high' : 'medium', message: `The allowed-origin pattern ${flaw}${credentials ? ', and credentials are allowed' : ''}: anchor it (/^https:\\/\\/app\\.example\\.com$/).` });
      }
    };
    return {
      call_expression(node: Node) {
        const name = sem.calleeName(node);
        const m = sem.methodName(node);
        // cors(options); NestJS: app.enableCors(options), NestFactory.create(AppModule, { cors: options }).
        const optionsArg = name === 'cors' || m === 'enableCors' ? sem.arg(node, 0) : /(^|\.)NestFactory\.create$/.test(name ?? '') ? nestCors(sem.arg(node, 1)) : undefined;
        if (name === 'cors' || m === 'enableCors' || optionsArg) {
          checkOptions(node, optionsArg);
          return;
        }
        if ((m === 'setHeader' || m === 'header' || m === 'set') && /access-control-allow-origin/i.test(sem.arg(node, 0)?.text ?? '')) {
          const v = sem.arg(node, 1);
          const reflects = v && /(req|request)\.(headers\.origin|get\(\s*['"]origin['"]\s*\)|header\(\s*['"]origin['"]\s*\))/i.test(sem.deref(v).text + v.text);
          const fn = sem.enclosingFunction(node);
          if (reflects && /access-control-allow-credentials['"]\s*,\s*['"]?true/i.test((fn ?? ctx.tree.rootNode).text) && !/allowed|whitelist|allowlist|\.includes\(|\.has\(/i.test((fn ?? ctx.tree.rootNode).text)) ctx.report({ node });
        }
      },
    };
  },
  tests: {
    valid: [
      "app.use(cors({ origin: ['https://app.example.com'], credentials: true }));",
      "app.use(cors({ origin: '*' }));",
      "app.use((req, res, next) => {\n  if (ALLOWED.has(req.headers.origin)) res.setHeader('Access-Control-Allow-Origin', req.headers.origin);\n  res.setHeader('Access-Control-Allow-Credentials', 'true');\n  next();\n});",
      "// cors({ origin: true, credentials: true }) is risky\nconst s = 1;",
      "const cors = require('cors');\nconst corsOptions = { origin: 'https://app.example.com', credentials: true };\napp.use(cors(corsOptions));",
    ],
    invalid: [
      { code: "const cors = require('cors');\napp.use(cors({ origin: true, credentials: true }));", errors: [2], messages: [{ messageId: 'default' }] },
      { code: "import cors from 'cors';\napp.use(cors({ origin: '*', credentials: true }));", errors: [2], messages: [{ messageId: 'default' }] },
      { code: "app.use((req, res, next) => {\n  res.setHeader('Access-Control-Allow-Origin', req.headers.origin);\n  res.setHeader('Access-Control-Allow-Credentials', 'true');\n  next();\n});", errors: [2], messages: [{ messageId: 'default' }] },
      { code: "const cors = require('cors');\nconst corsOptions = { origin: true, credentials: true };\napp.use(cors(corsOptions));", errors: [3] },
    ],
  },
};

export default rule;
