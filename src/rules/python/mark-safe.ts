import type { Node } from 'web-tree-sitter';
import { OWASP, type Rule } from '../../core/rule';
import type { Semantics } from '../../core/semantics';

const MARKERS = new Set([
  'markupsafe.Markup', 'flask.Markup', 'jinja2.Markup', 'django.utils.safestring.mark_safe', 'django.utils.safestring.SafeString',
  'django.utils.safestring.SafeText', 'django.utils.html.mark_safe',
]);

/**
 * The format string of format_html formatted before the call: `x % y` and `x.format(...)` whatever
 * `x` is (nothing else takes `%` or `.format` inside format_html's first argument).
 */
function formattedFormat(arg: Node): boolean {
  let n = arg;
  while (n.type === 'parenthesized_expression' && n.namedChildren[0]) n = n.namedChildren[0];
  if (n.type === 'binary_operator') return n.childForFieldName('operator')?.type === '%';
  if (n.type !== 'call') return false;
  const fn = n.childForFieldName('function');
  return fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'format';
}

/**
 * A variable assigned a built or formatted string (`html = f"..."`). Not `+=`: messages grown
 * from translated literals (`msg += " " + _("...")`) are format strings by design.
 */
function builtInto(sem: Semantics, arg: Node): boolean {
  const n = sem.dialect.unwrap(arg);
  if (n.type !== 'identifier') return false;
  return sem.bindingsOf(n).some((b) => b.kind === 'assign' && !!b.value && b.value.parent?.type === 'assignment' && (sem.isBuiltString(b.value) || formattedFormat(b.value)));
}

const rule: Rule = {
  meta: {
    id: 'py-mark-safe',
    title: 'Non-constant HTML marked safe (Markup, mark_safe, format_html misuse)',
    language: 'python',
    family: 'xss',
    checklist: ['input-validation'],
    severity: 'medium',
    confidence: 'medium',
    cwe: ['CWE-79'],
    owasp: [OWASP.A03],
    bandit: ['B308', 'B703', 'B704'],
    message: 'Text marked safe is inserted into pages without escaping: escape the parts (format_html, Markup.format) instead.',
    docs: {
      whatItDoes: 'Finds `Markup(...)`, `mark_safe(...)`, `SafeString(...)` applied to text built at run time or coming from a request, and `format_html` given a pre-built string instead of a format string with arguments.',
      whyBad: 'Marking text safe turns autoescaping off for it. If any part comes from a user, they can inject `<script>` into every page that shows it (stored or reflected XSS).',
      example: 'from django.utils.safestring import mark_safe\nbio = mark_safe(f"<p>{user.bio}</p>")',
      useInstead: 'from django.utils.html import format_html\nbio = format_html("<p>{}</p>", user.bio)\n# Flask/Jinja: Markup("<p>{}</p>").format(user.bio)',
      references: ['https://cwe.mitre.org/data/definitions/79.html', 'https://docs.djangoproject.com/en/stable/ref/utils/#django.utils.html.format_html'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    return {
      call(node: Node) {
        const name = sem.calleeName(node);
        if (!name || !(MARKERS.has(name) || name === 'django.utils.html.format_html')) return;
        const arg = sem.arg(node, 0);
        if (!arg) return;
        if (MARKERS.has(name)) {
          if (sem.isConstant(arg)) return;
          const taint = sem.taint(arg);
          if (!taint && !sem.isBuiltStringDeep(arg) && sem.dialect.unwrap(arg).type !== 'identifier' && sem.dialect.unwrap(arg).type !== 'attribute' && sem.dialect.unwrap(arg).type !== 'subscript') return;
          ctx.report({ node, taint });
          return;
        }
        if (name === 'django.utils.html.format_html' && (sem.isBuiltString(arg) || formattedFormat(arg) || builtInto(sem, arg))) {
          ctx.report({ node, message: 'format_html escapes its arguments, not its format string: pass values as arguments, not formatted in.' });
        }
      },
    };
  },
  tests: {
    valid: [
      'from django.utils.safestring import mark_safe\nICON = mark_safe("<i class=\'icon\'></i>")',
      'from django.utils.html import format_html\nformat_html("<b>{}</b>", name)',
      'from markupsafe import Markup\nMarkup("<p>{}</p>").format(text)',
      '# mark_safe(user_input) is dangerous\nnote = "Markup(x)"',
      'from django.utils.html import format_html\nTEMPLATE = "<a href=\'{}\'>{}</a>"\nformat_html(TEMPLATE, url, label)',
      'from django.utils.html import format_html\nformat_html("<b>{}</b>", count % 10)',
      'from django.utils.html import format_html\nfrom django.utils.translation import gettext as _\ndef note(can_edit, **names):\n    msg = _("The {name} was added.")\n    if can_edit:\n        msg += " " + _("You may edit it again below.")\n    return format_html(msg, **names)',
    ],
    invalid: [
      { code: 'from django.utils.safestring import mark_safe\ndef bio(user):\n    return mark_safe(f"<p>{user.bio}</p>")', errors: [3], messages: [{ messageId: 'default' }] },
      { code: 'from markupsafe import Markup\nfrom flask import request\nMarkup(request.args["q"])', errors: [3], messages: [{ messageId: 'default' }] },
      { code: 'from django.utils.html import format_html\nformat_html("<b>%s</b>" % name)', errors: [2], messages: ['format_html escapes its arguments, not its format string: pass values as arguments, not formatted in.'] },
      { code: 'from django.utils.safestring import mark_safe\ndef render(comment):\n    return mark_safe(comment.text)', errors: [3], messages: [{ messageId: 'default' }] },
      { code: 'from django.utils.html import format_html\ndef cell(pattern, value):\n    return format_html(pattern % value)', errors: [3], messages: ['format_html escapes its arguments, not its format string: pass values as arguments, not formatted in.'] },
      { code: 'from django.utils.html import format_html\ndef cell(tpl, value):\n    return format_html(tpl.format(value=value))', errors: [3], messages: ['format_html escapes its arguments, not its format string: pass values as arguments, not formatted in.'] },
      { code: 'from django.utils.html import format_html\ndef link(url):\n    html = f"<a href=\'{url}\'>go</a>"\n    return format_html(html)', errors: [4], messages: ['format_html escapes its arguments, not its format string: pass values as arguments, not formatted in.'] },
      { code: 'from django.utils.safestring import SafeString\ndef badge(label):\n    return SafeString("<span>" + label + "</span>")', errors: [3], messages: [{ messageId: 'default' }] },
    ],
  },
};

export default rule;
