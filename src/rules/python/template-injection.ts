import type { Node } from 'web-tree-sitter';
import { OWASP, type Rule } from '../../core/rule';

const TEMPLATE_FROM_STRING = new Set(['flask.render_template_string', 'jinja2.Template', 'jinja2.Environment().from_string', 'mako.template.Template', 'django.template.Template', 'flask.templating.render_template_string']);

const rule: Rule = {
  meta: {
    id: 'py-template-injection',
    title: 'Template built from non-constant text (SSTI / XSS)',
    language: 'python',
    family: 'xss',
    checklist: ['input-validation'],
    severity: 'high',
    confidence: 'medium',
    cwe: ['CWE-1336', 'CWE-79'],
    owasp: [OWASP.A03],
    bandit: ['B702'],
    message: 'The template text itself is built from data: pass data as template variables, never into the template.',
    docs: {
      whatItDoes: 'Finds `render_template_string`, `jinja2.Template`, `Environment.from_string`, Mako and Django `Template` given template text that is built at run time rather than a constant.',
      whyBad: 'Text placed into a template is executed as template code: `{{ config }}` leaks secrets and `{{ ... __class__.__mro__ ... }}` reaches Python objects and runs commands (server-side template injection). At the least it bypasses autoescaping, which is cross-site scripting.',
      example: 'from flask import render_template_string, request\nname = request.args["name"]\nreturn render_template_string(f"<h1>Hello {name}</h1>")',
      useInstead: 'return render_template_string("<h1>Hello {{ name }}</h1>", name=name)\n# better: a template file and render_template("hello.html", name=name)',
      references: ['https://cwe.mitre.org/data/definitions/1336.html', 'https://flask.palletsprojects.com/en/stable/templating/', 'https://portswigger.net/web-security/server-side-template-injection'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    return {
      call(node: Node) {
        const name = sem.calleeName(node);
        const isFromString = (name && TEMPLATE_FROM_STRING.has(name)) || (sem.methodName(node) === 'from_string' && /env|jinja/i.test(sem.receiver(node)?.text ?? ''));
        if (!isFromString) return;
        const tpl = sem.arg(node, 0, 'source');
        if (!tpl || sem.isConstant(tpl)) return;
        const taint = sem.taint(tpl);
        if (!taint && !sem.isBuiltStringDeep(tpl)) return;
        ctx.report({ node: tpl, taint });
      },
    };
  },
  tests: {
    valid: [
      'from flask import render_template_string\nrender_template_string("<h1>{{ name }}</h1>", name=name)',
      'from flask import render_template_string\nPAGE = "<p>{{ x }}</p>"\nrender_template_string(PAGE, x=1)',
      '# render_template_string(f"{x}") is unsafe\nhelp = "render_template_string(user)"',
      'from flask import render_template_string\ndef show(tpl):\n    return render_template_string(tpl)',
    ],
    invalid: [
      { code: 'from flask import request, render_template_string\nname = request.args["name"]\nrender_template_string(f"<h1>Hello {name}</h1>")', errors: [3], messages: [{ messageId: 'default' }] },
      { code: 'import flask\ndef page(msg):\n    return flask.render_template_string("<div>" + msg + "</div>")', errors: [3], messages: [{ messageId: 'default' }] },
      { code: 'from jinja2 import Template\nfrom flask import request\nTemplate(request.form["tpl"]).render()', errors: [3], messages: [{ messageId: 'default' }] },
      { code: 'from jinja2 import Environment\nenv = Environment()\nenv.from_string("Hi %s" % user).render()', errors: [3], messages: [{ messageId: 'default' }] },
    ],
  },
};

export default rule;
