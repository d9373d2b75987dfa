import { lineLocator } from '../../core/line-locator';
import { OWASP, type Rule } from '../../core/rule';

const JINJA_FILE = /\.(html?|jinja2?|j2|djhtml|jinja|txt|xml)$/i;
const JINJA_DIR = /(^|\/)templates?\//i;

interface Pattern {
  re: RegExp;
  message: (m: RegExpExecArray) => string;
}

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
function stripComments(text: string, kind: 'jinja' | 'ejs' | 'pug' | 'hbs'): string {
  if (kind === 'jinja') return blankSpans(blankSpans(text, /\{#/, /#\}/), /\{%-?[ \t]*comment[ \t]*-?%\}/, /\{%-?[ \t]*endcomment[ \t]*-?%\}/);
  if (kind === 'ejs') return blankSpans(text, /<%#/, /%>/);
  if (kind === 'hbs') return blankSpans(blankSpans(text, /\{\{!--/, /--\}\}/), /\{\{!/, /\}\}/);
  return text.replace(/^([ \t]*)\/\/.*$/gm, (m) => m.replace(/[^\n]/g, ' '));
}

// Every repeated part is bounded or stops at the delimiters that start another match, so each
// pattern runs in linear time on any input (the fuzz suite probes them with repeated openers).
const PATTERNS: Record<'jinja' | 'ejs' | 'pug' | 'hbs', Pattern[]> = {
  jinja: [
    { re: /\{\{-?([^{}|]{0,500})\|[ \t]*(safe|safeseq)\b[^{}]{0,200}\}\}/g, message: (m) => `{{ ${m[1].trim()} | ${m[2]} }} turns escaping off for this value: drop | ${m[2]} unless the HTML is built safely in code.` },
    { re: /\{%-?[ \t]*autoescape[ \t]+(false|off)[ \t]*-?%\}/gi, message: () => 'autoescape is switched off for this block: every variable in it is inserted as raw HTML.' },
  ],
  ejs: [{ re: /<%-(?![ \t]*include\b)((?:[^%<]|%(?!>)|<(?!%)){0,2000})%>/g, message: (m) => `<%- ${m[1].trim().replace(/-$/, '').trim().slice(0, 40)} %> outputs raw HTML: use <%= %> unless the value is trusted markup.` }],
  pug: [
    { re: /!\{([^{}\n]{1,500})\}/g, message: (m) => `!{${m[1]}} inserts raw HTML: use #{} to escape.` },
    { re: /^[ \t]*[\w.#-]{0,200}(\([^()\n]{0,500}\))?!=[ \t]*(\S.*)$/gm, message: () => '!= outputs unescaped code: use = to escape.' },
  ],
  hbs: [{ re: /\{\{\{([^{}]{1,500})\}\}\}/g, message: (m) => `{{{ ${m[1].trim()} }}} outputs raw HTML: use {{ }} to escape.` }],
};

function kindOf(relPath: string): 'jinja' | 'ejs' | 'pug' | 'hbs' | undefined {
  if (/\.ejs$/i.test(relPath)) return 'ejs';
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
      whatItDoes: 'Reads templates: Jinja2 / Django `|safe`, `|safeseq` and `{% autoescape off %}`, EJS `<%- %>` (except `include`), Pug `!{}` and `!=`, Handlebars / Mustache `{{{ }}}`. Comments in the template are ignored.',
      whyBad: 'Template engines escape output so that user data cannot become markup. Each of these constructs turns that off: any user-controlled value printed there is stored or reflected XSS.',
      example: '<div class="bio">{{ user.bio | safe }}</div>\n<p><%- comment.text %></p>',
      useInstead: '<div class="bio">{{ user.bio }}</div>\n<p><%= comment.text %></p>\n<!-- if HTML is needed: sanitise it in code (bleach, DOMPurify) and mark only that result safe -->',
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
        if (m[1] && /^(['"])[^'"]*\1$/.test(m[1].trim())) continue; // a literal marked safe is not user data
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
      { code: '<div>\n  {{ user.bio|safe }}\n</div>', filename: 'templates/profile.html', errors: [2] },
      { code: '{% autoescape off %}\n{{ body }}\n{% endautoescape %}', filename: 'app/templates/mail.html', errors: [1] },
      { code: '<p><%- comment.text %></p>', filename: 'views/c.ejs', errors: [1] },
      { code: 'div\n  p!= user.bio\n  p !{user.name}', filename: 'views/u.pug', errors: [2, 3] },
      { code: '<p>{{{ message }}}</p>', filename: 'views/m.hbs', errors: [1] },
    ],
  },
};

export default rule;
