import type { Node } from 'web-tree-sitter';
import { sinksByCallee } from '../../core/models';
import { OWASP, type Rule } from '../../core/rule';

/** Evaluators and importers from the models (src/core/models/python.ts). */
const SINKS = sinksByCallee('python', 'code-injection');
/** Importing runs a module's top-level code: only a sink for request data, not for any non-constant name. */
const IMPORTERS = new Set(['importlib.import_module', '__import__']);
const EVALUATORS = new Set([...SINKS.keys()].filter((k) => !IMPORTERS.has(k)));

const rule: Rule = {
  meta: {
    id: 'py-code-injection',
    title: 'eval/exec on non-constant input',
    language: 'python',
    family: 'injection',
    checklist: ['input-validation'],
    severity: 'high',
    confidence: 'medium',
    cwe: ['CWE-94', 'CWE-95'],
    owasp: [OWASP.A03],
    bandit: ['B102', 'B307'],
    message: 'eval/exec runs whatever Python it is given: parse the data instead (json.loads, ast.literal_eval).',
    docs: {
      whatItDoes: 'Finds `eval` and `exec` called with something other than a constant, and `importlib.import_module` / `__import__` with a module name from a request.',
      whyBad: 'Evaluating text runs it as code with the full power of the server process. A value that reaches it from a request is remote code execution; even "trusted" strings tend to grow an untrusted part later.',
      example: 'expr = request.args["expr"]\nresult = eval(expr)',
      useInstead: 'import ast\nresult = ast.literal_eval(expr)   # literals only\n# or json.loads, or a small parser for the expressions you support',
      references: ['https://cwe.mitre.org/data/definitions/95.html', 'https://docs.python.org/3/library/ast.html#ast.literal_eval'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    return {
      call(node: Node) {
        const name = sem.calleeName(node);
        const row = name ? SINKS.get(name) : undefined;
        if (!name || !row) return;
        const arg = sem.arg(node, row.args?.[0] ?? 0);
        if (!arg) return;
        if (EVALUATORS.has(name)) {
          if (sem.resolve(sem.dialect.callee(node)!)?.kind === 'function') return; // a local def named eval
          if (sem.isConstant(arg)) return;
          const t = sem.taint(arg);
          ctx.report({ node, taint: t });
          return;
        }
        if (IMPORTERS.has(name)) {
          const t = sem.taint(arg);
          if (t) ctx.report({ node, taint: t, message: 'A module chosen by the request is imported: map allowed names to modules instead.' });
        }
      },
    };
  },
  tests: {
    valid: ['eval("1 + 2")', 'import ast\nast.literal_eval(text)', '# never eval(user_input)\nprint("eval(x)")', 'def eval(x):\n    return x\neval(data)', 'import importlib\nimportlib.import_module(name)'],
    invalid: [
      { code: 'from flask import request\nresult = eval(request.args["expr"])', errors: [2], messages: [{ messageId: 'default' }] },
      { code: 'def run(code):\n    exec(code)', errors: [2], messages: [{ messageId: 'default' }] },
      { code: 'formula = "x * " + factor\nvalue = eval(formula)', errors: [2], messages: [{ messageId: 'default' }] },
      { code: 'import importlib\nfrom flask import request\nmod = importlib.import_module(request.args["plugin"])', errors: [3], messages: ['A module chosen by the request is imported: map allowed names to modules instead.'] },
    ],
  },
};

export default rule;
