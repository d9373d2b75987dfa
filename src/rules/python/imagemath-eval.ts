import type { Node } from 'web-tree-sitter';
import { OWASP, type Rule } from '../../core/rule';

const EVALS = new Set(['PIL.ImageMath.eval', 'PIL.ImageMath.unsafe_eval']);

const rule: Rule = {
  meta: {
    id: 'py-imagemath-eval',
    title: 'PIL ImageMath.eval of a non-constant expression',
    language: 'python',
    family: 'injection',
    checklist: ['input-validation'],
    severity: 'high',
    confidence: 'medium',
    cwe: ['CWE-95'],
    owasp: [OWASP.A03],
    message: 'ImageMath.eval runs its expression as Python: never build it from outside data; use ImageMath.lambda_eval with a function.',
    docs: {
      whatItDoes: 'Finds Pillow\'s `ImageMath.eval` and `ImageMath.unsafe_eval` whose expression is not a constant, or whose variables are passed with `**` from a mapping (their names become part of the evaluation, CVE-2023-50447).',
      whyBad: 'The expression is compiled and run with Python\'s `eval`; Pillow\'s restrictions on names have been bypassed repeatedly (CVE-2022-22817, CVE-2023-50447). An expression or variable name from a request is remote code execution.',
      example: 'from PIL import ImageMath\nout = ImageMath.eval(request.args["expr"], a=img)',
      useInstead: 'from PIL import ImageMath\nout = ImageMath.lambda_eval(lambda args: args["convert"](args["a"] * 0.5, "L"), a=img)\n# or a constant expression: ImageMath.eval("convert(a * 0.5, \'L\')", a=img)',
      references: ['https://cwe.mitre.org/data/definitions/95.html', 'https://pillow.readthedocs.io/en/stable/reference/ImageMath.html', 'https://nvd.nist.gov/vuln/detail/CVE-2023-50447'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    return {
      call(node: Node) {
        const name = sem.calleeName(node);
        if (!name || !EVALS.has(name)) return;
        const a = sem.args(node);
        const expr = a.positional[0] ?? a.keywords.get('expression');
        if (!expr) return;
        if (!sem.isConstant(expr)) {
          const t = sem.taint(expr);
          ctx.report({ node: expr, taint: t });
          return;
        }
        if (a.hasSplat) ctx.report({ node, severity: 'medium', message: 'ImageMath.eval with **variables: keys from outside data become names in the evaluated code (CVE-2023-50447). Pass fixed keyword names.' });
      },
    };
  },
  tests: {
    valid: [
      'from PIL import ImageMath\nout = ImageMath.eval("convert(a * 0.5, \'L\')", a=img)',
      'from PIL import ImageMath\nout = ImageMath.lambda_eval(lambda args: args["a"] * 2, a=img)',
      '# ImageMath.eval(expr) is eval\nx = "ImageMath.eval"',
    ],
    invalid: [
      { code: 'from PIL import ImageMath\nfrom flask import request\nout = ImageMath.eval(request.args["expr"], a=img)', errors: [3], messages: ["ImageMath.eval runs its expression as Python: never build it from outside data; use ImageMath.lambda_eval with a function."] },
      { code: 'from PIL import ImageMath\ndef apply(expr, img):\n    return ImageMath.eval(expr, a=img)', errors: [3] },
      { code: 'from PIL import ImageMath\nout = ImageMath.eval("a + b", **channels)', errors: [2] },
    ],
  },
};

export default rule;
