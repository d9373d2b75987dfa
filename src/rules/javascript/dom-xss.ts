import type { Node } from 'web-tree-sitter';
import { OWASP, type Rule } from '../../core/rule';

const HTML_PROPS = new Set(['innerHTML', 'outerHTML']);
const SANITIZED = /DOMPurify\.sanitize|sanitizeHtml|sanitize\(|xss\(|escapeHtml|escape\(/;
/** Angular's DomSanitizer methods that mark a value trusted, so Angular no longer sanitises it. */
const ANGULAR_BYPASS = /^bypassSecurityTrust(Html|Script|Style|Url|ResourceUrl)$/;
/** Vue render functions: h(tag, { innerHTML }) (Vue 3), createElement(tag, { domProps: { innerHTML } }) (Vue 2). */
const VUE_RENDER = /^(vue\.)?(h|createElement|createVNode)$/;

const rule: Rule = {
  meta: {
    id: 'js-dom-xss',
    title: 'Non-constant HTML written into the page (innerHTML, document.write, dangerouslySetInnerHTML)',
    language: 'javascript',
    family: 'xss',
    checklist: ['input-validation'],
    severity: 'high',
    confidence: 'medium',
    cwe: ['CWE-79'],
    owasp: [OWASP.A03],
    message: 'Non-constant HTML is written into the page: use textContent, or sanitise with DOMPurify.',
    docs: {
      whatItDoes: 'Finds assignments to `innerHTML`/`outerHTML`, `insertAdjacentHTML`, `document.write`/`writeln`, jQuery `.html()` with request or URL data, React `dangerouslySetInnerHTML`, Vue render functions setting `innerHTML` (`h(tag, { innerHTML })`, `domProps: { innerHTML }`) and Angular `DomSanitizer.bypassSecurityTrustHtml/Script/Style/Url/ResourceUrl`, when the HTML is not a constant and is not passed through a sanitiser. Vue `v-html` and Svelte `{@html}` in `.vue` / `.svelte` files are `tpl-unescaped-output`\'s.',
      whyBad: 'HTML assigned this way is parsed and its event handlers run: `<img src=x onerror=...>` in a name or a URL fragment executes script in the user\'s session (DOM-based XSS).',
      example: "el.innerHTML = '<b>' + location.hash.slice(1) + '</b>';",
      useInstead: "el.textContent = location.hash.slice(1);\n// when HTML is really needed: el.innerHTML = DOMPurify.sanitize(html);",
      references: ['https://cwe.mitre.org/data/definitions/79.html', 'https://cheatsheetseries.owasp.org/cheatsheets/DOM_based_XSS_Prevention_Cheat_Sheet.html'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    /**
     * Whether `el` belongs to a document this code created (`const document =
     * options.createDocument()`, `new JSDOM(html).window.document`, `parser.parseFromString(...)`)
     * rather than the page's global `document`: the element was made by `D.createElement(...)`
     * (or found in D) where D is a name bound here to a call or `new` expression.
     */
    const inDetachedDocument = (el: Node | null, depth = 0): boolean => {
      if (!el || depth > 4) return false;
      const v = sem.dialect.unwrap(el);
      if (v.type === 'identifier') {
        const values = sem.reachingValues(v).filter((x) => x.id !== v.id);
        return values.length > 0 && values.every((x) => inDetachedDocument(x, depth + 1));
      }
      if (v.type === 'call_expression' && /^(createElement|createElementNS|getElementById|querySelector|createDocumentFragment)$/.test(sem.methodName(v) ?? '')) return madeHere(sem.receiver(v));
      if (v.type === 'member_expression' && /^(body|documentElement|head)$/.test(v.childForFieldName('property')?.text ?? '')) return madeHere(v.childForFieldName('object'));
      return false;
    };
    const madeHere = (doc: Node | null | undefined): boolean => {
      if (!doc) return false;
      const d = sem.dialect.unwrap(doc);
      if (d.type === 'call_expression' || d.type === 'new_expression') return true;
      // `new JSDOM(html).window.document`: the chain starts at a made object; `window.document` does not.
      if (d.type === 'member_expression') return madeHere(d.childForFieldName('object'));
      if (d.type !== 'identifier') return false;
      // A parameter that shadows the page's `document` is a document handed in by the caller
      // (`function render(node, document)`), except in the `(function (window, document) {...})(window, document)` wrapper.
      const b = sem.resolve(d);
      if (b?.kind === 'param' && d.text === 'document' && b.fn && !immediatelyCalled(b.fn)) return true;
      const values = sem.reachingValues(d).filter((x) => x.id !== d.id);
      // `const doc = window.document` is still the page.
      return values.length > 0 && values.every((x) => x.type === 'call_expression' || x.type === 'new_expression' || (x.type === 'member_expression' && madeHere(x)));
    };
    const immediatelyCalled = (fn: Node): boolean => {
      let n: Node = fn;
      while (n.parent?.type === 'parenthesized_expression') n = n.parent;
      return n.parent?.type === 'call_expression' && n.parent.childForFieldName('function')?.id === n.id;
    };
    const risky = (v: Node): boolean => !sem.isConstant(v) && !SANITIZED.test(v.text) && !SANITIZED.test(sem.deref(v).text);
    return {
      assignment_expression(node: Node) {
        const left = node.childForFieldName('left');
        const right = node.childForFieldName('right');
        if (left?.type !== 'member_expression' || !right) return;
        const prop = left.childForFieldName('property')?.text;
        if (!prop || !HTML_PROPS.has(prop) || !risky(right)) return;
        const t = sem.taint(right);
        const plainValue = sem.dialect.unwrap(right);
        // A variable of unknown origin (a template rendered elsewhere) is only reported when it is built here.
        if (!t && !sem.isBuiltStringDeep(right) && plainValue.type !== 'member_expression' && plainValue.type !== 'call_expression') return;
        // HTML of the program's own data written into a document it made itself (server-side
        // rendering with JSDOM, an email body) runs in nobody's browser session here.
        if (!t && inDetachedDocument(left.childForFieldName('object'))) return;
        ctx.report({ node, taint: t });
      },
      call_expression(node: Node) {
        const m = sem.methodName(node);
        if (m && ANGULAR_BYPASS.test(m)) {
          const arg = sem.arg(node, 0);
          if (!arg || !risky(arg)) return;
          const kind = m.slice('bypassSecurityTrust'.length);
          ctx.report({ node, taint: sem.taint(arg), severity: kind === 'Style' || kind === 'Url' ? 'medium' : undefined, message: `${m} turns Angular's sanitiser off for non-constant content: bind the value and let Angular sanitise it, or sanitise it first (DOMPurify).` });
          return;
        }
        // Sink methods first: the argument is read only for calls that can write HTML.
        if (m !== 'write' && m !== 'writeln' && m !== 'insertAdjacentHTML' && m !== 'html' && m !== 'append' && m !== 'prepend' && m !== 'after' && m !== 'before') return;
        const name = sem.calleeName(node) ?? '';
        const arg = m === 'insertAdjacentHTML' ? sem.arg(node, 1) : sem.arg(node, 0);
        if (!arg) return;
        if (name === 'document.write' || name === 'document.writeln' || m === 'insertAdjacentHTML') {
          if (risky(arg)) ctx.report({ node, taint: sem.taint(arg) });
          return;
        }
        if ((m === 'html' || m === 'append' || m === 'prepend' || m === 'after' || m === 'before') && /^\$|^jQuery/.test(sem.receiver(node)?.text ?? '')) {
          const t = sem.taint(arg);
          if (t && risky(arg)) ctx.report({ node, taint: t, message: 'URL or request data is inserted as HTML with jQuery: use .text() or sanitise it.' });
        }
      },
      pair(node: Node) {
        if (node.childForFieldName('key')?.text.replace(/['"]/g, '') !== 'innerHTML') return;
        const obj = node.parent;
        const holder = obj?.parent;
        const vue2 = holder?.type === 'pair' && holder.childForFieldName('key')?.text.replace(/['"]/g, '') === 'domProps';
        const call = holder?.type === 'arguments' ? holder.parent : undefined;
        const vue3 = call?.type === 'call_expression' && VUE_RENDER.test(sem.calleeName(call) ?? '');
        const value = node.childForFieldName('value');
        if ((!vue2 && !vue3) || !value || !risky(value)) return;
        const t = sem.taint(value);
        const plainValue = sem.dialect.unwrap(value);
        // As for assignments: a name of unknown origin is reported only when the HTML is built here.
        if (!t && !sem.isBuiltStringDeep(value) && plainValue.type !== 'member_expression' && plainValue.type !== 'call_expression') return;
        ctx.report({ node, taint: t, message: 'innerHTML in a Vue render function with non-constant content: render text, or sanitise it with DOMPurify.' });
      },
      jsx_attribute(node: Node) {
        if (node.namedChildren[0]?.text !== 'dangerouslySetInnerHTML') return;
        const value = node.namedChildren[1];
        const m = value && /__html\s*:\s*([\s\S]*?)\s*\}\s*\}?$/.exec(value.text);
        if (!m || SANITIZED.test(m[1]) || /^(['"])[^'"]*\1$/.test(m[1].trim())) return;
        const pair = value ? value.descendantsOfType('pair').find((p) => p?.childForFieldName('key')?.text === '__html') : undefined;
        const v = pair?.childForFieldName('value');
        if (v && sem.isConstant(v)) return;
        ctx.report({ node, taint: v ? sem.taint(v) : undefined, message: 'dangerouslySetInnerHTML with unsanitised content: render text, or pass it through DOMPurify.sanitize.' });
      },
    };
  },
  tests: {
    valid: [
      "el.textContent = location.hash;",
      "el.innerHTML = '<b>static</b>';",
      "el.innerHTML = DOMPurify.sanitize(userHtml);",
      "// el.innerHTML = x is dangerous\nconst s = 'innerHTML';",
      { code: 'const A = () => <div dangerouslySetInnerHTML={{ __html: DOMPurify.sanitize(html) }} />;', filename: 'a.tsx' },
      "el.innerHTML = rendered;",
      // Server-side rendering into a document the code made (JSDOM, an email template).
      "function render(node, options) {\n  const document = options.createDocument();\n  const figure = document.createElement('figure');\n  figure.innerHTML = node.caption;\n  return figure;\n}",
      "function frontendTemplate(node, document) {\n  const el = document.createElement('div');\n  el.innerHTML = html.trim();\n  return el;\n}",
      "const { JSDOM } = require('jsdom');\nconst emailDoc = new JSDOM('').window.document;\nconst div = emailDoc.createElement('div');\ndiv.innerHTML = template(data).trim();",
    ],
    invalid: [
      { code: "el.innerHTML = '<b>' + location.hash.slice(1) + '</b>';", errors: [1], messages: [{ messageId: 'default' }] },
      { code: 'list.innerHTML = `<li>${item.name}</li>`;', errors: [1], messages: [{ messageId: 'default' }] },
      { code: "document.write('<p>' + document.referrer + '</p>');", errors: [1], messages: [{ messageId: 'default' }] },
      { code: "el.insertAdjacentHTML('beforeend', `<span>${msg}</span>`);", errors: [1], messages: [{ messageId: 'default' }] },
      { code: 'const C = ({ bio }) => <div dangerouslySetInnerHTML={{ __html: bio }} />;', filename: 'c.tsx', errors: [1], messages: ['dangerouslySetInnerHTML with unsanitised content: render text, or pass it through DOMPurify.sanitize.'] },
      { code: "$('#out').html(new URLSearchParams(location.search).get('q'));", filename: 'x.js', errors: [1], messages: ['URL or request data is inserted as HTML with jQuery: use .text() or sanitise it.'] },
      // The page's own document, also through an alias, is not detached.
      { code: "const doc = window.document;\nconst box = doc.createElement('div');\nbox.innerHTML = `<p>${comment.body}</p>`;", errors: [3] },
      { code: "const box = document.createElement('div');\nbox.innerHTML = render(item);", errors: [2] },
      { code: "(function (window, document) {\n  const el = document.createElement('div');\n  el.innerHTML = `<b>${window.name}</b>`;\n})(window, document);", errors: [3] },
      // Request data is reported wherever it is written.
      { code: "const document = options.createDocument();\nconst p = document.createElement('p');\np.innerHTML = location.hash.slice(1);", errors: [3] },
    ],
  },
};

export default rule;
