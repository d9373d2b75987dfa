import type { Node } from 'web-tree-sitter';
import { importerFor } from '../../core/importer';
import { OWASP, type Rule } from '../../core/rule';

const ROUTES = /\.(get|post|put|patch|delete|all|use|listen|route)\s*\(/;

const rule: Rule = {
  meta: {
    id: 'js-express-no-helmet',
    title: 'Express app without security headers (helmet)',
    language: 'javascript',
    family: 'config',
    checklist: ['security-headers'],
    severity: 'medium',
    confidence: 'high',
    cwe: ['CWE-693', 'CWE-1021', 'CWE-200'],
    owasp: [OWASP.A05],
    skipInTests: true,
    message: 'This Express app sets no security headers and announces X-Powered-By: add app.use(helmet()) before the routes.',
    docs: {
      whatItDoes: 'Finds an Express application (`express()`) that registers routes or listens but never uses `helmet` (nor sets the headers itself), and does not disable `x-powered-by`. Reported once, on the line creating the app; the fix inserts `app.use(helmet())` right after it.',
      whyBad: 'Without a content security policy, HSTS, nosniff and frame options, one XSS or a framing page goes further, browsers may downgrade to HTTP, and X-Powered-By tells attackers what to try.',
      example: "const app = express();\napp.get('/', handler);",
      useInstead: "const helmet = require('helmet');\nconst app = express();\napp.use(helmet());\napp.get('/', handler);",
      references: ['https://helmetjs.github.io/', 'https://expressjs.com/en/advanced/best-practice-security.html#use-helmet'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    const apps: { decl: Node; name: string; stmt: Node }[] = [];
    return {
      variable_declarator(node: Node) {
        const value = node.childForFieldName('value');
        const name = node.childForFieldName('name');
        if (value?.type !== 'call_expression' || name?.type !== 'identifier') return;
        if (sem.calleeName(value) !== 'express') return;
        let stmt: Node = node;
        while (stmt.parent && stmt.parent.type !== 'program' && stmt.parent.type !== 'statement_block') stmt = stmt.parent;
        apps.push({ decl: node, name: name.text, stmt });
      },
      'program:exit'() {
        if (apps.length === 0) return;
        const src = ctx.source;
        // Evidence in code, not in comments: an import of helmet/lusca or the headers set by hand.
        if (/require\(\s*['"](helmet|lusca)['"]\s*\)|from\s+['"](helmet|lusca)['"]|['"`](Content-Security-Policy|Strict-Transport-Security)['"`]/i.test(src)) return;
        for (const app of apps) {
          if (!new RegExp(`\\b${app.name}${ROUTES.source}`).test(src)) continue;
          if (new RegExp(`\\b${app.name}\\.disable\\(\\s*['"]x-powered-by['"]\\s*\\)`).test(src)) continue;
          const helmet = importerFor(ctx.file, ctx.language, src, ctx.tree.rootNode, sem).use({ module: 'helmet', member: 'default' });
          const lineEnd = src.indexOf('\n', app.stmt.endIndex);
          const at = lineEnd < 0 ? src.length : lineEnd + 1;
          const indent = /^[ \t]*/.exec(src.slice(src.lastIndexOf('\n', app.stmt.startIndex) + 1))![0];
          ctx.report({
            node: app.decl,
            fix: helmet && { title: 'Add app.use(helmet()) before the routes', safe: false, edits: [...helmet.edits, ctx.insertAt(at, `${lineEnd < 0 ? '\n' : ''}${indent}${app.name}.use(${helmet.name}());\n`)] },
          });
        }
      },
    };
  },
  tests: {
    valid: [
      "const express = require('express');\nconst helmet = require('helmet');\nconst app = express();\napp.use(helmet());\napp.get('/', h);",
      "const express = require('express');\nconst app = express();\napp.disable('x-powered-by');\napp.get('/', h);",
      "const express = require('express');\nconst router = express.Router();\nrouter.get('/', h);",
      { code: "const express = require('express');\nconst app = express();\napp.get('/', h);", filename: 'test/server.test.js' },
    ],
    invalid: [
      {
        code: "const express = require('express');\nconst app = express();\napp.get('/', h);\napp.listen(3000);",
        errors: [2],
        output: "const express = require('express');\nconst helmet = require('helmet');\nconst app = express();\napp.use(helmet());\napp.get('/', h);\napp.listen(3000);",
      },
      {
        code: "'use strict';\nimport express from 'express';\nexport const app = express();\napp.post('/x', h);",
        errors: [3],
        output: "'use strict';\nimport express from 'express';\nimport helmet from 'helmet';\nexport const app = express();\napp.use(helmet());\napp.post('/x', h);",
      },
      { code: "const express = require('express');\nconst server = express();\nserver.listen(8080);", errors: [2] },
    ],
  },
};

export default rule;
