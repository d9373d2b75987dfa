import type { Node } from 'web-tree-sitter';
import { OWASP, type Rule } from '../../core/rule';

const rule: Rule = {
  meta: {
    id: 'py-csrf-disabled',
    title: 'CSRF protection switched off',
    language: 'python',
    family: 'config',
    checklist: ['csrf'],
    severity: 'medium',
    confidence: 'high',
    cwe: ['CWE-352'],
    owasp: [OWASP.A01],
    skipInTests: true,
    message: 'CSRF protection is off here: another site can make a logged-in user submit this request.',
    docs: {
      whatItDoes: 'Finds Django `@csrf_exempt`, Flask-WTF `@csrf.exempt`, and `WTF_CSRF_ENABLED = False` / `WTF_CSRF_CHECK_DEFAULT = False` in configuration.',
      whyBad: 'Browsers send cookies with requests that other sites trigger. Without a CSRF token, a hidden form on any page can change a logged-in user\'s password, email or payment details.',
      example: '@csrf_exempt\ndef update_email(request):\n    ...',
      useInstead: 'Keep CSRF on and send the token with forms ({% csrf_token %}) and AJAX (X-CSRFToken header). For a webhook, verify its signature instead and document why it is exempt.',
      references: ['https://cwe.mitre.org/data/definitions/352.html', 'https://docs.djangoproject.com/en/stable/ref/csrf/'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    return {
      decorator(node: Node) {
        const expr = node.namedChildren[0];
        if (!expr) return;
        const target = expr.type === 'call' ? sem.dialect.callee(expr) : expr;
        const q = target ? sem.qualifiedName(target) ?? target.text : '';
        if (q === 'django.views.decorators.csrf.csrf_exempt' || /^flask_wtf(\.csrf)?\.CSRFProtect\(\)\.exempt$/.test(q) || /(^|\.)csrf\.exempt$/.test(target?.text ?? '')) {
          const fn = node.parent?.namedChildren.find((c) => c?.type === 'function_definition' || c?.type === 'class_definition');
          ctx.report({ node, message: `${fn?.childForFieldName('name')?.text ?? 'This view'} is exempt from CSRF checks: keep CSRF on, or verify the request another way (webhook signature) and say so.` });
        }
      },
      assignment(node: Node) {
        const left = node.childForFieldName('left');
        const right = node.childForFieldName('right');
        const name = left?.type === 'subscript' ? left.childForFieldName('subscript')?.text.replace(/^["']|["']$/g, '') : left?.text;
        if ((name === 'WTF_CSRF_ENABLED' || name === 'WTF_CSRF_CHECK_DEFAULT') && right?.type === 'false') ctx.report({ node });
      },
      keyword_argument(node: Node) {
        const name = node.childForFieldName('name')?.text;
        if ((name === 'WTF_CSRF_ENABLED' || name === 'WTF_CSRF_CHECK_DEFAULT') && node.childForFieldName('value')?.type === 'false') ctx.report({ node });
      },
    };
  },
  tests: {
    valid: [
      'from django.views.decorators.csrf import csrf_protect\n@csrf_protect\ndef view(request):\n    pass',
      'WTF_CSRF_ENABLED = True',
      '# @csrf_exempt would be bad\nx = "csrf_exempt"',
      { code: 'WTF_CSRF_ENABLED = False', filename: 'tests/conftest.py' },
    ],
    invalid: [
      { code: 'from django.views.decorators.csrf import csrf_exempt\n@csrf_exempt\ndef update_email(request):\n    pass', errors: [2] },
      { code: 'app.config["WTF_CSRF_ENABLED"] = False', errors: [1] },
      { code: 'from flask_wtf.csrf import CSRFProtect\ncsrf = CSRFProtect(app)\n@csrf.exempt\n@app.route("/api", methods=["POST"])\ndef api():\n    pass', errors: [3] },
      { code: 'WTF_CSRF_ENABLED = False', errors: [1] },
    ],
  },
};

export default rule;
