import type { Node } from 'web-tree-sitter';
import { OWASP, type Rule } from '../../core/rule';

const DEEP_MERGE = /^(lodash|lodash\.merge|lodash\.mergewith|lodash\.defaultsdeep|lodash\.set|lodash\.setwith|deepmerge|merge|merge-deep|mixin-deep|defaults-deep|set-value|dot-prop\.set|jquery\.extend|\$\.extend|_\.merge|_\.mergeWith|_\.defaultsDeep|_\.set|_\.setWith)(\.(merge|mergeWith|defaultsDeep|set|setWith|extend))?$/;
const GUARD = /__proto__|constructor|prototype|hasOwnProperty|Object\.create\(null\)|Map\(/;

const rule: Rule = {
  meta: {
    id: 'js-prototype-pollution',
    title: 'Request data merged or assigned by key into objects (prototype pollution)',
    language: 'javascript',
    family: 'injection',
    checklist: ['input-validation'],
    severity: 'high',
    confidence: 'medium',
    cwe: ['CWE-1321'],
    owasp: [OWASP.A08],
    message: 'Request data can write __proto__ here and change every object in the process: validate keys or use a Map / Object.create(null).',
    docs: {
      whatItDoes: 'Finds deep merges (`_.merge`, `_.defaultsDeep`, `_.set`, `$.extend(true, …)`, deepmerge, merge-deep) and nested bracket assignments `obj[a][b] = v` where request data supplies the source or the keys. Plain `obj[key]` reads are not flagged.',
      whyBad: 'A key `__proto__` or `constructor.prototype` writes to Object.prototype: every object suddenly has `isAdmin: true`, or a gadget in a library turns it into code execution.',
      example: "_.merge(settings, req.body);\nconfig[req.body.section][req.body.key] = req.body.value;",
      useInstead: "const { theme, lang } = schema.parse(req.body);   // pick known fields\nconst store = new Map();                        // or Object.create(null)",
      references: ['https://cwe.mitre.org/data/definitions/1321.html', 'https://portswigger.net/web-security/prototype-pollution'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    const guarded = (n: Node) => GUARD.test((sem.enclosingFunction(n) ?? ctx.tree.rootNode).text);
    return {
      call_expression(node: Node) {
        const name = sem.calleeName(node) ?? '';
        const text = sem.dialect.callee(node)?.text ?? '';
        if (!DEEP_MERGE.test(name) && !/\.(merge|mergeWith|defaultsDeep|set|setWith|extend)$/.test(text)) return;
        const args = sem.args(node).positional;
        let sources: Node[] = [];
        if (DEEP_MERGE.test(name) || /^(_|lodash)\.(merge|mergeWith|defaultsDeep|set|setWith)$/.test(text)) sources = name.endsWith('set') || name.endsWith('setWith') || /\.(set|setWith)$/.test(text) ? args.slice(1, 2) : args.slice(1);
        else if (/^(\$|jQuery)\.extend$/.test(text) && args[0]?.type === 'true') sources = args.slice(2);
        else if (name === 'Object.assign') {
          // Shallow Object.assign copies __proto__ only as an own key; flag it only when nested data is assigned into nested targets.
          return;
        }
        for (const s of sources) {
          const t = sem.taint(s);
          if (t && !guarded(node)) return ctx.report({ node, taint: t });
        }
      },
      assignment_expression(node: Node) {
        const left = node.childForFieldName('left');
        if (left?.type !== 'subscript_expression') return;
        const inner = left.childForFieldName('object');
        if (inner?.type !== 'subscript_expression') return;
        const k1 = inner.childForFieldName('index');
        const k2 = left.childForFieldName('index');
        if (!k1 || !k2) return;
        const t = sem.taint(k1);
        if (!t || sem.isConstant(k2) || guarded(node)) return;
        ctx.report({ node, taint: t });
      },
    };
  },
  tests: {
    valid: [
      "_.merge(defaults, userConfigFromFile);",
      "app.post('/s', (req, res) => { const { theme } = req.body; settings.theme = String(theme); });",
      "app.post('/k', (req, res) => { counts[req.body.key] = 1; });",
      "app.post('/g', (req, res) => {\n  if (['__proto__', 'constructor', 'prototype'].includes(req.body.a)) return;\n  cfg[req.body.a][req.body.b] = req.body.v;\n});",
    ],
    invalid: [
      { code: "const _ = require('lodash');\napp.post('/prefs', (req, res) => {\n  _.merge(prefs, req.body);\n});", errors: [3], messages: [{ messageId: 'default' }] },
      { code: "app.put('/cfg', (req, res) => {\n  config[req.body.section][req.body.key] = req.body.value;\n});", errors: [2], messages: [{ messageId: 'default' }] },
      { code: "app.post('/e', (req, res) => { $.extend(true, target, req.body.data); });", errors: [1], messages: [{ messageId: 'default' }] },
      { code: "const merge = require('deepmerge');\nrouter.post('/m', (req, res) => res.json(merge(base, req.body)));", errors: [2], messages: [{ messageId: 'default' }] },
    ],
  },
};

export default rule;
