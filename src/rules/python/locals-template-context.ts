import type { Node } from 'web-tree-sitter';
import { OWASP, type Rule, type RuleContext } from '../../core/rule';

// Calls whose context argument is a template's variables: Django shortcuts and responses, the
// Context classes, Flask's render functions (`**locals()`).
const RENDER_FUNCTIONS = new Set([
  'django.shortcuts.render', 'django.shortcuts.render_to_response', 'django.template.loader.render_to_string',
  'django.template.response.TemplateResponse', 'django.template.response.SimpleTemplateResponse',
  'django.template.Context', 'django.template.RequestContext', 'django.template.context.Context', 'django.template.context.RequestContext',
  'flask.render_template', 'flask.render_template_string', 'flask.stream_template', 'flask.templating.render_template',
]);
// `template.render(locals())` on any template object (Django, Jinja2, Mako's render_unicode).
const RENDER_METHODS = new Set(['render', 'render_unicode', 'render_to_string', 'render_to_response', 'stream']);

/** The call that `locals()` is an argument of (directly or as `**locals()`), if any. */
function receivingCall(node: Node): Node | undefined {
  let p = node.parent;
  if (p?.type === 'dictionary_splat' || p?.type === 'keyword_argument') p = p.parent;
  return p?.type === 'argument_list' && p.parent?.type === 'call' ? p.parent : undefined;
}

function isRenderCall(ctx: RuleContext, call: Node): boolean {
  const name = ctx.sem.calleeName(call);
  if (name && RENDER_FUNCTIONS.has(name)) return true;
  const method = ctx.sem.methodName(call);
  return !!method && RENDER_METHODS.has(method) && !!ctx.sem.receiver(call);
}

const rule: Rule = {
  meta: {
    id: 'py-locals-template-context',
    title: 'locals() passed as a template context',
    language: 'python',
    family: 'xss',
    checklist: ['input-validation'],
    severity: 'low',
    confidence: 'high',
    cwe: ['CWE-200', 'CWE-79'],
    owasp: [OWASP.A01],
    message: 'Every local variable of this function becomes a template variable: pass a dict of the values the template needs.',
    docs: {
      whatItDoes: 'Finds `locals()` given as the context of a template render: Django `render`, `render_to_string`, `render_to_response`, `TemplateResponse`, `Context`/`RequestContext`, Flask `render_template(**locals())`, and `template.render(locals())`.',
      whyBad: 'The template receives every local variable, including the request, passwords, tokens and database objects that were only meant for the view, and any later edit of the view silently adds more. A template (or a template a user can influence) can print any of them, and a reviewer cannot tell which values reach the page or whether they were escaped.',
      example: 'from django.shortcuts import render\ndef profile(request):\n    user = request.user\n    token = make_token(user)\n    return render(request, "profile.html", locals())',
      useInstead: 'from django.shortcuts import render\ndef profile(request):\n    user = request.user\n    return render(request, "profile.html", {"user": user})',
      references: ['https://cwe.mitre.org/data/definitions/200.html', 'https://docs.djangoproject.com/en/stable/topics/http/shortcuts/#render'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    return {
      call(node: Node) {
        if (sem.calleeName(node) !== 'locals' || sem.args(node).positional.length) return;
        const outer = receivingCall(node);
        if (outer && isRenderCall(ctx, outer)) ctx.report({ node });
      },
    };
  },
  tests: {
    valid: [
      'from django.shortcuts import render\ndef view(request):\n    items = load()\n    return render(request, "list.html", {"items": items})',
      'def debug():\n    x = 1\n    print(locals())',
      'from django.shortcuts import render\ndef view(request):\n    ctx = {"a": 1}\n    log(locals())\n    return render(request, "a.html", ctx)',
      '# render(request, "t.html", locals()) leaks every variable\nnote = "locals()"',
      'def build(form):\n    return form.format(**locals())',
    ],
    invalid: [
      { code: 'from django.shortcuts import render\ndef profile(request):\n    token = make_token(request.user)\n    return render(request, "profile.html", locals())', errors: [4], messages: ['Every local variable of this function becomes a template variable: pass a dict of the values the template needs.'] },
      { code: 'from flask import render_template\ndef page(name):\n    secret = load_secret()\n    return render_template("page.html", **locals())', errors: [4], messages: [{ messageId: 'default' }] },
      { code: 'from django.template.loader import render_to_string\ndef mail(user):\n    return render_to_string("mail.txt", context=locals())', errors: [3], messages: [{ messageId: 'default' }] },
      { code: 'from jinja2 import Environment\nenv = Environment(autoescape=True)\ndef page(user):\n    return env.get_template("p.html").render(locals())', errors: [4], messages: [{ messageId: 'default' }] },
      { code: 'from django.template import Context, Template\ndef show(request):\n    return Template("{{ a }}").render(Context(locals()))', errors: [3], messages: [{ messageId: 'default' }] },
    ],
  },
};

export default rule;
