import { lineLocator } from '../../core/line-locator';
import { OWASP, type Rule } from '../../core/rule';

const JINJA_FILE = /\.(html?|jinja2?|j2|djhtml|jinja|txt|xml)$/i;
const JINJA_DIR = /(^|\/)templates?\//i;

interface Pattern {
  re: RegExp;
  message: (m: RegExpExecArray) => string;
  /** The printed expression, when it is not the first group. */
  value?: (m: RegExpExecArray) => string | undefined;
  /** Expressions that are not data: a layout's slot for the page (`<%- body %>`), a partial. */
  skip?: RegExp;
}

type Kind = 'jinja' | 'ejs' | 'pug' | 'hbs' | 'vue' | 'svelte';

/**
 * Blanks (keeps offsets) every span from an opener to the next closer. Openers and closers are
 * found with separate scans, so a file full of unclosed openers costs one pass, not a pass
 * per opener as `open[\s\S]*?close` would.
 */
function blankSpans(s: string, open: RegExp, close: RegExp): string {
  const o = new RegExp(open.source, 'g' + open.flags.replace('g', ''));
  const c = new RegExp(close.source, 'g' + close.flags.replace('g', ''));
  let out = '';
  let last = 0;
  for (let m = o.exec(s); m; m = o.exec(s)) {
    c.lastIndex = m.index + m[0].length;
    const end = c.exec(s);
    if (!end) break; // unclosed: the rest is not a comment the engine would skip either
    const stop = end.index + end[0].length;
    out += s.slice(last, m.index) + s.slice(m.index, stop).replace(/[^\n]/g, ' ');
    last = stop;
    o.lastIndex = stop;
  }
  return out + s.slice(last);
}

/** Template text with comments blanked out (keeps offsets), so commented code is not flagged. */
function stripComments(text: string, kind: Kind): string {
  if (kind === 'jinja') return blankSpans(blankSpans(text, /\{#/, /#\}/), /\{%-?[ \t]*comment[ \t]*-?%\}/, /\{%-?[ \t]*endcomment[ \t]*-?%\}/);
  if (kind === 'ejs') return blankSpans(text, /<%#/, /%>/);
  if (kind === 'hbs') return blankSpans(blankSpans(text, /\{\{!--/, /--\}\}/), /\{\{!/, /\}\}/);
  if (kind === 'vue' || kind === 'svelte') return blankSpans(text, /<!--/, /-->/);
  return text.replace(/^([ \t]*)\/\/.*$/gm, (m) => m.replace(/[^\n]/g, ' '));
}

// Every repeated part is bounded or stops at the delimiters that start another match, so each
// pattern runs in linear time on any input (the fuzz suite probes them with repeated openers).
const PATTERNS: Record<Kind, Pattern[]> = {
  jinja: [
    { re: /\{\{-?([^{}|]{0,500})\|[ \t]*(safe|safeseq)\b[^{}]{0,200}\}\}/g, message: (m) => `{{ ${m[1].trim()} | ${m[2]} }} turns escaping off for this value: drop | ${m[2]} unless the HTML is built safely in code.` },
    { re: /\{%-?[ \t]*autoescape[ \t]+(false|off)[ \t]*-?%\}/gi, message: () => 'autoescape is switched off for this block: every variable in it is inserted as raw HTML.' },
  ],
  ejs: [{
    re: /<%-(?![ \t]*include\b)((?:[^%<]|%(?!>)|<(?!%)){0,2000})%>/g,
    message: (m) => `<%- ${m[1].trim().replace(/-$/, '').trim().slice(0, 40)} %> outputs raw HTML: use <%= %> unless the value is trusted markup.`,
    // express-ejs-layouts and ejs-mate: the rendered page and the sections views define
    skip: /^\s*(body|script|style|meta|(defineContent|contentFor|block|partial|include)\s*\([^()]*\)(\.toString\(\))?)\s*;?\s*-?\s*$/,
  }],
  pug: [
    { re: /!\{([^{}\n]{1,500})\}/g, message: (m) => `!{${m[1]}} inserts raw HTML: use #{} to escape.` },
    { re: /^[ \t]*[\w.#-]{0,200}(\([^()\n]{0,500}\))?!=[ \t]*(\S.*)$/gm, message: () => '!= outputs unescaped code: use = to escape.' },
  ],
  // {{{body}}}: the layout's slot for the page the view rendered (express-handlebars, Ghost themes)
  hbs: [{ re: /\{\{\{([^{}]{1,500})\}\}\}/g, message: (m) => `{{{ ${m[1].trim()} }}} outputs raw HTML: use {{ }} to escape.`, skip: /^\s*body\s*$/ }],
  vue: [{
    re: /\bv-html[ \t]*=[ \t]*(?:"([^"]{0,500})"|'([^']{0,500})')/g,
    value: (m) => m[1] ?? m[2],
    message: (m) => `v-html="${(m[1] ?? m[2] ?? '').trim().slice(0, 40)}" inserts raw HTML: render it with {{ }} (escaped), or sanitise it first (DOMPurify).`,
  }],
  svelte: [{ re: /\{@html[ \t]+([^{}\n]{1,500})\}/g, message: (m) => `{@html ${m[1].trim().slice(0, 40)}} inserts raw HTML: use {${m[1].trim().slice(0, 40)}} (escaped), or sanitise it first (DOMPurify).` }],
};

function kindOf(relPath: string): Kind | undefined {
  if (/\.ejs$/i.test(relPath)) return 'ejs';
  if (/\.vue$/i.test(relPath)) return 'vue';
  if (/\.svelte$/i.test(relPath)) return 'svelte';
  if (/\.(pug|jade)$/i.test(relPath)) return 'pug';
  if (/\.(hbs|handlebars|mustache)$/i.test(relPath)) return 'hbs';
  if (/\.(jinja2?|j2|djhtml|jinja)$/i.test(relPath) || (JINJA_FILE.test(relPath) && JINJA_DIR.test(relPath))) return 'jinja';
  return undefined;
}

const rule: Rule = {
  meta: {
    id: 'tpl-unescaped-output',
    title: 'Template output with escaping switched off',
    language: 'text',
    family: 'xss',
    checklist: ['input-validation'],
    severity: 'medium',
    confidence: 'medium',
    cwe: ['CWE-79', 'CWE-116'],
    owasp: [OWASP.A03],
    message: 'This template prints a value without HTML escaping.',
    docs: {
      whatItDoes: 'Reads templates: Jinja2 / Django `|safe`, `|safeseq` and `{% autoescape off %}`, EJS `<%- %>` (except `include` and the layout slots of express-ejs-layouts / ejs-mate: `body`, `script`, `style`, `defineContent()`, `block()`, `partial()`), Pug `!{}` and `!=`, Handlebars / Mustache `{{{ }}}` (except a layout\'s `{{{body}}}`), Vue `v-html` in `.vue` files and Svelte `{@html}` in `.svelte` files. Comments in the template are ignored; a quoted literal is not reported.',
      whyBad: 'Template engines escape output so that user data cannot become markup. Each of these constructs turns that off: any user-controlled value printed there is stored or reflected XSS.',
      exampleFile: 'templates/profile.html',
      example: '<div class="bio">{{ user.bio | safe }}</div>\n{% autoescape false %}{{ comment.text }}{% endautoescape %}',
      useInstead: '<div class="bio">{{ user.bio }}</div>\n<p>{{ comment.text }}</p>\n<!-- EJS: <%= x %> rather than <%- x %>; if HTML is needed, sanitise it in code (bleach, DOMPurify) and mark only that result safe -->',
      references: ['https://cwe.mitre.org/data/definitions/79.html', 'https://jinja.palletsprojects.com/en/stable/templates/#html-escaping', 'https://ejs.co/#docs'],
    },
  },
  create: () => ({}),
  appliesTo: (relPath) => kindOf(relPath) !== undefined,
  checkText(ctx) {
    const kind = kindOf(ctx.file.replace(/\\/g, '/'));
    if (!kind) return;
    const text = stripComments(ctx.text, kind);
    const at = lineLocator(text);
    for (const p of PATTERNS[kind]) {
      p.re.lastIndex = 0;
      for (let m = p.re.exec(text); m; m = p.re.exec(text)) {
        if (m[0].length === 0) p.re.lastIndex++;
        const value = p.value ? p.value(m) : m[1];
        if (value && /^(['"`])[^'"`]*\1$/.test(value.trim())) continue; // a literal marked safe is not user data
        if (value !== undefined && p.skip?.test(value)) continue;
        if (kind === 'jinja' && p === PATTERNS.jinja[0] && !/[A-Za-z_]/.test(m[1])) continue; // `{{ 1|safe }}`: no value
        const start = at(m.index + (m[0].length - m[0].trimStart().length));
        ctx.report({ line: start.line, column: start.column, endColumn: start.column + m[0].trim().split('\n')[0].length, message: p.message(m) });
      }
    }
  },
  tests: {
    valid: [
      { code: '<p>{{ user.bio }}</p>', filename: 'templates/profile.html' },
      { code: '{# {{ user.bio|safe }} #}\n<p>{{ name }}</p>', filename: 'templates/a.html' },
      { code: "<%- include('header') %>\n<p><%= name %></p>", filename: 'views/page.ejs' },
      { code: 'p #{name}', filename: 'views/page.pug' },
      { code: '{{ "<b>static</b>"|safe }}', filename: 'templates/x.html' },
      { code: 'README says {{ x|safe }} is bad', filename: 'docs/notes.md' },
    ],
    invalid: [
      { code: '<div>\n  {{ user.bio|safe }}\n</div>', filename: 'templates/profile.html', errors: [2], messages: ['{{ user.bio | safe }} turns escaping off for this value: drop | safe unless the HTML is built safely in code.'] },
      { code: '{% autoescape off %}\n{{ body }}\n{% endautoescape %}', filename: 'app/templates/mail.html', errors: [1], messages: ['autoescape is switched off for this block: every variable in it is inserted as raw HTML.'] },
      { code: '<p><%- comment.text %></p>', filename: 'views/c.ejs', errors: [1], messages: ['<%- comment.text %> outputs raw HTML: use <%= %> unless the value is trusted markup.'] },
      { code: 'div\n  p!= user.bio\n  p !{user.name}', filename: 'views/u.pug', errors: [2, 3], messages: ['!= outputs unescaped code: use = to escape.', '!{user.name} inserts raw HTML: use #{} to escape.'] },
      { code: '<p>{{{ message }}}</p>', filename: 'views/m.hbs', errors: [1], messages: ['{{{ message }}} outputs raw HTML: use {{ }} to escape.'] },
    ],
  },
};

export default rule;
