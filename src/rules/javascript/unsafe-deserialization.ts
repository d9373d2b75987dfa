import type { Node } from 'web-tree-sitter';
import { sinksByCallee } from '../../core/models';
import { OWASP, type Rule } from '../../core/rule';

/** Deserialisers that rebuild functions (src/core/models/js-sinks.ts: node-serialize, funcster, serialize-to-js). */
const SINKS = sinksByCallee('javascript', 'unsafe-deserialization');
/** Encoders whose result is constant when their input is: `JSON.stringify({ ... })` of literals is no attacker's text. */
const PURE_ENCODERS = new Set(['JSON.stringify', 'String', 'Buffer.from', 'encodeURIComponent']);
const EVALUATORS = new Set(['eval', 'window.eval', 'Function', 'vm.runInNewContext', 'vm.runInThisContext', 'vm.runInContext']);

const rule: Rule = {
  meta: {
    id: 'js-unsafe-deserialization',
    title: 'Data deserialised with a library that rebuilds functions',
    language: 'javascript',
    family: 'deserialization',
    checklist: ['input-validation'],
    severity: 'high',
    confidence: 'high',
    cwe: ['CWE-502'],
    owasp: [OWASP.A08],
    message: 'This deserialiser turns text back into functions and can run code the text carries: parse JSON (JSON.parse) and validate it instead.',
    docs: {
      whatItDoes: 'Finds `node-serialize` `unserialize`, `funcster` `deepDeserialize` and `serialize-to-js` `deserialize` of data that is not a constant, and `serialize-javascript` output made with `{ unsafe: true }` that is evaluated back (`eval`, `Function`, `vm`).',
      whyBad: 'These formats carry functions. A serialised function written as an immediately-invoked expression (`_$$ND_FUNC$$_function(){...}()`) runs while the text is read: whoever controls the cookie or body runs code on the server.',
      example: "const serialize = require('node-serialize');\napp.get('/', (req, res) => {\n  const profile = serialize.unserialize(Buffer.from(req.cookies.profile, 'base64').toString());\n});",
      useInstead: "app.get('/', (req, res) => {\n  const profile = JSON.parse(Buffer.from(req.cookies.profile, 'base64').toString());\n  // then validate its shape (zod, ajv) before use\n});",
      references: ['https://cwe.mitre.org/data/definitions/502.html', 'https://cheatsheetseries.owasp.org/cheatsheets/Deserialization_Cheat_Sheet.html'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    /** `serialize(x, { unsafe: true })` of serialize-javascript: functions and raw HTML kept as code. */
    const unsafeSerialize = (n: Node): Node | undefined => {
      for (const v of sem.reachingValues(n)) {
        const calls = [v, ...v.descendantsOfType('call_expression')].filter((c): c is Node => !!c && c.type === 'call_expression');
        const hit = calls.find((c) => sem.calleeName(c) === 'serialize-javascript' && sem.args(c).positional.slice(1).some((o) => /\bunsafe\s*:\s*true\b/.test(sem.literalOf(o).text)));
        if (hit) return hit;
      }
      return undefined;
    };
    const constantData = (n: Node, depth = 0): boolean => {
      if (sem.isConstant(n)) return true;
      const v = sem.literalOf(n);
      if (depth > 4 || v.type !== 'call_expression' || !PURE_ENCODERS.has(sem.calleeName(v) ?? '')) return false;
      const a = sem.args(v);
      return !a.hasSplat && a.positional.every((x) => constantData(x, depth + 1));
    };
    return {
      call_expression(node: Node) {
        const name = sem.calleeName(node);
        if (!name) return;
        const row = SINKS.get(name);
        if (row) {
          const data = sem.arg(node, row.args?.[0] ?? 0);
          if (!data || constantData(data)) return;
          ctx.report({ node, taint: sem.taint(data) });
          return;
        }
        if (EVALUATORS.has(name)) {
          const code = sem.arg(node, 0);
          if (code && unsafeSerialize(code)) ctx.report({ node, message: 'serialize-javascript output made with { unsafe: true } is evaluated back: its functions and strings run as code. Use JSON.stringify / JSON.parse.' });
        }
      },
    };
  },
  tests: {
    valid: [
      "const serialize = require('node-serialize');\nconst text = serialize.serialize({ a: 1 });",
      "const data = JSON.parse(req.cookies.profile);",
      "const serialize = require('serialize-javascript');\nconst copy = eval('(' + serialize(state) + ')');",
      "const unserialize = (s) => s.split(',');\nunserialize(req.query.list);",
      "const { unserialize } = require('node-serialize');\nconst demo = unserialize(JSON.stringify({ name: 'example' }));",
    ],
    invalid: [
      { code: "const serialize = require('node-serialize');\napp.get('/', (req, res) => {\n  const obj = serialize.unserialize(req.cookies.session);\n});", errors: [3], messages: [{ messageId: 'default' }] },
      { code: "import { unserialize } from 'node-serialize';\nexport function load(text) {\n  return unserialize(text);\n}", errors: [3], messages: [{ messageId: 'default' }] },
      { code: "const serialize = require('serialize-javascript');\nconst copy = eval('(' + serialize(state, { unsafe: true }) + ')');", errors: [2], messages: ['serialize-javascript output made with { unsafe: true } is evaluated back: its functions and strings run as code. Use JSON.stringify / JSON.parse.'] },
    ],
  },
};

export default rule;
