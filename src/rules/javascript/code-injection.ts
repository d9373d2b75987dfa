import type { Node } from 'web-tree-sitter';
import { modelRows, sinksByCallee } from '../../core/models';
import { OWASP, type Rule } from '../../core/rule';

/** Evaluators from the models (src/core/models/vm.ts, ecmascript.ts). */
const SINKS = sinksByCallee('javascript', 'code-injection');
/** Headless-browser methods that run a string as page script (puppeteer/playwright `page.evaluate`). */
const PAGE_METHODS = new Set(modelRows('javascript', 'sink', 'code-injection').filter((r) => r.method).map((r) => r.method!));

const rule: Rule = {
  meta: {
    id: 'js-code-injection',
    title: 'eval, Function, vm or string timers on non-constant input',
    language: 'javascript',
    family: 'injection',
    checklist: ['input-validation'],
    severity: 'high',
    confidence: 'medium',
    cwe: ['CWE-94', 'CWE-95'],
    owasp: [OWASP.A03],
    message: 'This runs text as JavaScript: parse data (JSON.parse) or look functions up in a fixed map instead.',
    docs: {
      whatItDoes: 'Finds `eval`, `new Function` / `Function()`, `vm.runIn*Context` / `vm.Script`, vm2 `VM`/`NodeVM` `run`, mathjs `evaluate`/`compile`, `safe-eval`, `static-eval`, puppeteer/playwright `page.evaluate` of a string built from request data, and `setTimeout`/`setInterval` given a string, when the code is not a constant.',
      whyBad: 'Evaluated text runs with the full rights of the page or the server process. Request data reaching it is remote code execution on the server, or XSS in the browser.',
      example: "const result = eval(req.query.expr);",
      useInstead: "const data = JSON.parse(text);\n// for formulas, use a small parser or an expression library with no access to globals",
      references: ['https://cwe.mitre.org/data/definitions/95.html', 'https://developer.mozilla.org/en-US/docs/Web/JavaScript/Reference/Global_Objects/eval#never_use_direct_eval!'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    const check = (node: Node) => {
      const m = sem.methodName(node);
      if (m && PAGE_METHODS.has(m) && /page$/i.test(sem.receiver(node)?.text ?? '')) {
        // A function is serialised as code the page author wrote; only a string is built at run time.
        const script = sem.arg(node, 0);
        const t = script && !sem.dialect.isFunction(sem.dialect.unwrap(script)) ? sem.taint(script) : undefined;
        if (t) ctx.report({ node, taint: t, message: 'Request data runs as script in the headless browser: pass a function and give the data as its argument.' });
        return;
      }
      const name = sem.calleeName(node);
      if (!name) return;
      const row = SINKS.get(name);
      const at = row?.args?.[0] ?? 0;
      const code = at < 0 ? sem.args(node).positional.at(at) : sem.arg(node, at);
      if (!code) return;
      if (row) {
        if (sem.resolve(sem.dialect.unwrap(sem.dialect.callee(node)!))?.kind === 'function') return;
        if (sem.isConstant(code)) return;
        ctx.report({ node, taint: sem.taint(code) });
        return;
      }
      if (name === 'setTimeout' || name === 'setInterval' || name === 'window.setTimeout' || name === 'window.setInterval') {
        const c = sem.dialect.unwrap(code);
        if (/function|arrow_function|identifier|member_expression/.test(c.type) && !sem.isBuiltStringDeep(c) && !sem.taint(c)) return;
        if (sem.isConstant(c) && !(c.type === 'string' || c.type === 'template_string')) return;
        if (c.type === 'string' || sem.isBuiltStringDeep(c) || sem.taint(c)) ctx.report({ node, message: `${name} with a string evaluates it like eval: pass a function.`, taint: sem.taint(c) });
      }
    };
    return { call_expression: check, new_expression: check };
  },
  tests: {
    valid: ["eval('1 + 1');", 'setTimeout(() => tick(), 100);', 'setInterval(refresh, 1000);', "// eval(x) is bad\nconst s = 'eval(x)';", 'const data = JSON.parse(body);', "const vm = require('vm');\nvm.runInNewContext('1 + 1', {});"],
    invalid: [
      { code: "app.get('/calc', (req, res) => {\n  res.send(String(eval(req.query.expr)));\n});", errors: [2], messages: [{ messageId: 'default' }] },
      { code: 'const fn = new Function("a", "return a + " + suffix);', errors: [1], messages: [{ messageId: 'default' }] },
      { code: "const vm = require('vm');\nvm.runInNewContext(code, sandbox);", errors: [2], messages: [{ messageId: 'default' }] },
      { code: "setTimeout('update(' + id + ')', 50);", errors: [1], messages: ['setTimeout with a string evaluates it like eval: pass a function.'] },
    ],
  },
};

export default rule;
