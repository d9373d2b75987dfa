import type { Node } from 'web-tree-sitter';
import { lookup } from '../../core/lookup';
import { OWASP, type Rule } from '../../core/rule';

/**
 * Template-engine calls that take options, the option that turns escaping off and the value that
 * does: swig and nunjucks escape unless `autoescape: false`; Handlebars unless `noEscape: true`.
 */
const ESCAPE_OPTION: Record<string, { key: string; off: 'true' | 'false' }> = {
  'swig.setDefaults': { key: 'autoescape', off: 'false' },
  'swig.Swig': { key: 'autoescape', off: 'false' },
  'swig.compile': { key: 'autoescape', off: 'false' },
  'swig.render': { key: 'autoescape', off: 'false' },
  'swig.compileFile': { key: 'autoescape', off: 'false' },
  'swig.renderFile': { key: 'autoescape', off: 'false' },
  'nunjucks.configure': { key: 'autoescape', off: 'false' },
  'nunjucks.Environment': { key: 'autoescape', off: 'false' },
  'handlebars.compile': { key: 'noEscape', off: 'true' },
  'handlebars.precompile': { key: 'noEscape', off: 'true' },
  'handlebars.create().compile': { key: 'noEscape', off: 'true' },
  // express-handlebars passes compilerOptions on to Handlebars.compile
  'express-handlebars.create': { key: 'noEscape', off: 'true' },
  'express-handlebars.engine': { key: 'noEscape', off: 'true' },
  'express-handlebars': { key: 'noEscape', off: 'true' },
  'express-handlebars.ExpressHandlebars': { key: 'noEscape', off: 'true' },
};
/** `{{{ x }}}` and `{{& x }}` print x as raw HTML; `body` is a layout's slot for the rendered page. */
const TRIPLE_STASH = /\{\{\{\s*([^{}]{1,200}?)\s*\}\}\}|\{\{&\s*([^{}]{1,200}?)\s*\}\}/g;
const LAYOUT_SLOT = /^(body|content|yield)$/;

const rule: Rule = {
  meta: {
    id: 'js-template-autoescape-off',
    title: 'Template engine with HTML escaping switched off (swig, nunjucks, Handlebars, Mustache)',
    language: 'javascript',
    family: 'xss',
    checklist: ['input-validation'],
    severity: 'high',
    confidence: 'medium',
    cwe: ['CWE-79', 'CWE-116'],
    owasp: [OWASP.A03],
    message: 'Escaping is switched off for every template this engine renders: any user value printed becomes markup (XSS).',
    docs: {
      whatItDoes: 'Finds swig (`setDefaults`, `new Swig`, `compile`/`render`) and nunjucks (`configure`, `new Environment`) with `autoescape: false`, Handlebars `compile`/`precompile` and express-handlebars `compilerOptions` with `noEscape: true` (options bound once to a name included), `Mustache.escape` replaced by a function that returns its input, and a Handlebars template written in the code with `{{{ x }}}` / `{{& x }}` (except a layout\'s `{{{body}}}`) rendered with request data.',
      whyBad: 'These engines escape `<`, `>`, `&` and quotes in every printed value unless told not to. With escaping off, a name such as `<img src=x onerror=alert(1)>` runs as script in every page that prints it.',
      example: "const nunjucks = require('nunjucks');\nnunjucks.configure('views', { autoescape: false, express: app });",
      useInstead: "const nunjucks = require('nunjucks');\nnunjucks.configure('views', { autoescape: true, express: app });\n// mark only HTML you built safely: {{ html | safe }}",
      references: ['https://cwe.mitre.org/data/definitions/79.html', 'https://mozilla.github.io/nunjucks/api.html#configure', 'https://handlebarsjs.com/api-reference/compilation.html'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    /** The `key` pair in an options object, or in its `compilerOptions` (express-handlebars). */
    const optionPair = (obj: Node, key: string, depth = 0): Node | undefined => {
      for (const p of obj.namedChildren) {
        if (p?.type !== 'pair') continue;
        const k = p.childForFieldName('key')?.text.replace(/['"]/g, '');
        const v = p.childForFieldName('value');
        if (k === key) return p;
        if (k === 'compilerOptions' && v && depth === 0) {
          const inner = sem.literalOf(v);
          if (inner.type === 'object') return optionPair(inner, key, 1);
        }
      }
      return undefined;
    };
    const checkOptions = (node: Node) => {
      const name = sem.calleeName(node) ?? '';
      const spec = lookup(ESCAPE_OPTION, name);
      if (!spec) return;
      for (const a of sem.args(node).positional) {
        const opts = sem.literalOf(a);
        if (opts.type !== 'object') continue;
        const pair = optionPair(opts, spec.key);
        const value = pair?.childForFieldName('value');
        if (!value || value.type !== spec.off) continue;
        const inCall = value.startIndex >= node.startIndex && value.endIndex <= node.endIndex;
        ctx.report({
          node,
          message: `${spec.key}: ${spec.off} switches HTML escaping off for every template ${name.split('.')[0]} renders: any user value printed becomes markup (XSS).`,
          fix: inCall ? { title: `Escape output (${spec.key}: ${spec.off === 'false' ? 'true' : 'false'})`, safe: false, edits: [ctx.replace(value, spec.off === 'false' ? 'true' : 'false')] } : undefined,
        });
        return;
      }
    };
    /** `Handlebars.compile('…{{{x}}}…')(req.query)`, or through `const tpl = Handlebars.compile(…)`. */
    const checkRender = (node: Node) => {
      const callee = node.childForFieldName('function');
      if (!callee) return;
      const compiled = sem.literalOf(callee);
      if (compiled.type !== 'call_expression' || sem.calleeName(compiled) !== 'handlebars.compile') return;
      const data = sem.arg(node, 0);
      const t = data ? sem.taint(data) : undefined;
      const template = sem.stringValue(sem.arg(compiled, 0));
      if (!t || template === undefined) return;
      for (const m of template.matchAll(TRIPLE_STASH)) {
        const expr = (m[1] ?? m[2] ?? '').trim();
        if (LAYOUT_SLOT.test(expr)) continue;
        ctx.report({ node, taint: t, message: `The template prints ${m[0]} unescaped, with request data: use {{ ${expr} }}.` });
        return;
      }
    };
    return {
      call_expression(node: Node) {
        checkOptions(node);
        checkRender(node);
      },
      new_expression(node: Node) {
        checkOptions(node);
      },
      assignment_expression(node: Node) {
        // Mustache.escape = (text) => text: every {{ }} of every template prints raw HTML.
        const left = node.childForFieldName('left');
        if (left?.type !== 'member_expression' || left.childForFieldName('property')?.text !== 'escape') return;
        if (sem.qualifiedName(left.childForFieldName('object')) !== 'mustache') return;
        const fn = node.childForFieldName('right');
        if (!fn || (fn.type !== 'arrow_function' && fn.type !== 'function_expression')) return;
        const params = fn.childForFieldName('parameters')?.namedChildren ?? [];
        const param = fn.childForFieldName('parameter')?.text ?? params[0]?.text.split(':')[0].trim();
        const body = fn.childForFieldName('body');
        const returned = body?.type === 'statement_block' ? body.descendantsOfType('return_statement')[0]?.namedChildren[0] : body;
        if (param && returned && returned.text === param) ctx.report({ node, message: 'Mustache.escape is replaced by a function that returns its input: every {{ }} prints raw HTML.' });
      },
    };
  },
  tests: {
    valid: [
      "const nunjucks = require('nunjucks');\nnunjucks.configure('views', { autoescape: true, express: app });",
      "const nunjucks = require('nunjucks');\nnunjucks.configure('views');",
      "const Handlebars = require('handlebars');\nconst tpl = Handlebars.compile(source);",
      "const Handlebars = require('handlebars');\nconst html = Handlebars.compile('<p>{{name}}</p>')(req.query);",
      "const Handlebars = require('handlebars');\nconst layout = Handlebars.compile('<main>{{{body}}}</main>');\nres.send(layout(req.query));",
      "const Handlebars = require('handlebars');\nconst card = Handlebars.compile('<div>{{{icon}}}</div>');\nconst html = card({ icon: ICONS.star });",
      "const other = require('my-templates');\nother.configure({ autoescape: false });",
      "const Mustache = require('mustache');\nMustache.escape = (text) => escapeHtml(text);",
      "// nunjucks.configure({ autoescape: false })\nconst s = 1;",
    ],
    invalid: [
      { code: "const nunjucks = require('nunjucks');\nnunjucks.configure('views', { autoescape: false, express: app });", errors: [2], messages: ['autoescape: false switches HTML escaping off for every template nunjucks renders: any user value printed becomes markup (XSS).'], output: "const nunjucks = require('nunjucks');\nnunjucks.configure('views', { autoescape: true, express: app });" },
      { code: "const swig = require('swig');\nswig.setDefaults({ cache: false, autoescape: false });", errors: [2], messages: ['autoescape: false switches HTML escaping off for every template swig renders: any user value printed becomes markup (XSS).'] },
      { code: "import Handlebars from 'handlebars';\nconst tpl = Handlebars.compile(source, { noEscape: true });", errors: [2], messages: ['noEscape: true switches HTML escaping off for every template handlebars renders: any user value printed becomes markup (XSS).'], output: "import Handlebars from 'handlebars';\nconst tpl = Handlebars.compile(source, { noEscape: false });" },
      { code: "const { engine } = require('express-handlebars');\nconst hbsOptions = { extname: '.hbs', compilerOptions: { noEscape: true } };\napp.engine('hbs', engine(hbsOptions));", errors: [3] },
      { code: "const nunjucks = require('nunjucks');\nconst env = new nunjucks.Environment(new nunjucks.FileSystemLoader('views'), { autoescape: false });", errors: [2] },
      { code: "const Handlebars = require('handlebars');\nconst tpl = Handlebars.compile('<h1>Hello {{{name}}}</h1>');\napp.get('/', (req, res) => res.send(tpl(req.query)));", errors: [3], messages: ['The template prints {{{name}}} unescaped, with request data: use {{ name }}.'] },
      { code: "const Mustache = require('mustache');\nMustache.escape = function (text) { return text; };", errors: [2], messages: ['Mustache.escape is replaced by a function that returns its input: every {{ }} prints raw HTML.'] },
    ],
  },
};

export default rule;
