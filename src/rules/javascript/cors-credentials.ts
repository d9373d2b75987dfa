import type { Node } from 'web-tree-sitter';
import { OWASP, type Rule } from '../../core/rule';

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
      whatItDoes: 'Finds `cors({ origin: true | "*" | reflect, credentials: true })` and `Access-Control-Allow-Origin` set from the request\'s Origin header together with `Access-Control-Allow-Credentials: true`.',
      whyBad: 'With credentials allowed for every origin, any website a logged-in user visits can call your API as that user and read the responses: their data, CSRF tokens, everything.',
      example: "app.use(cors({ origin: true, credentials: true }));",
      useInstead: "app.use(cors({ origin: ['https://app.example.com'], credentials: true }));",
      references: ['https://cwe.mitre.org/data/definitions/942.html', 'https://portswigger.net/web-security/cors'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    return {
      call_expression(node: Node) {
        const name = sem.calleeName(node);
        if (name === 'cors') {
          const opts = sem.arg(node, 0);
          if (!opts || opts.type !== 'object') return;
          const get = (k: string) => opts.namedChildren.find((p) => p?.type === 'pair' && p.childForFieldName('key')?.text.replace(/['"]/g, '') === k)?.childForFieldName('value');
          const origin = get('origin');
          if (get('credentials')?.text !== 'true' || !origin) return;
          if (origin.type === 'true' || /^['"`]\*['"`]$/.test(origin.text) || /\(\s*origin\s*,\s*(cb|callback)\s*\)\s*=>\s*(cb|callback)\(\s*null\s*,\s*true\s*\)/.test(origin.text)) ctx.report({ node });
          return;
        }
        const m = sem.methodName(node);
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
    ],
    invalid: [
      { code: "const cors = require('cors');\napp.use(cors({ origin: true, credentials: true }));", errors: [2] },
      { code: "import cors from 'cors';\napp.use(cors({ origin: '*', credentials: true }));", errors: [2] },
      { code: "app.use((req, res, next) => {\n  res.setHeader('Access-Control-Allow-Origin', req.headers.origin);\n  res.setHeader('Access-Control-Allow-Credentials', 'true');\n  next();\n});", errors: [2] },
    ],
  },
};

export default rule;
