import type { Node } from 'web-tree-sitter';
import { lookup } from '../../core/lookup';
import { OWASP, type Rule } from '../../core/rule';

/** libxml2 bindings whose parse functions take libxml2's parser options. */
const LIBXML_PARSE = /^(libxmljs2?|@?libxmljs2?)\.(parseXml|parseXmlString|parseXmlAsync|Document\.fromXml)$/;
/**
 * libxml2 options that reach outside the document: `noent` substitutes entities (external ones
 * are fetched from files and URLs), `dtdload` / `dtdvalid` fetch the external DTD.
 * Not listed on purpose: xml2js (sax, no DTD processing), fast-xml-parser (expands only the
 * document's own internal entities, never fetches), @xmldom/xmldom (no external entities).
 */
const RISKY_OPTIONS: Record<string, 'high' | 'medium'> = { noent: 'high', dtdload: 'medium', dtdvalid: 'medium' };

const rule: Rule = {
  meta: {
    id: 'js-xxe',
    title: 'XML parsed with external entities or DTDs enabled (libxmljs)',
    language: 'javascript',
    family: 'injection',
    checklist: ['input-validation'],
    severity: 'high',
    confidence: 'medium',
    cwe: ['CWE-611', 'CWE-776'],
    owasp: [OWASP.A05],
    message: 'This parser substitutes external entities: a document can read local files or reach internal hosts.',
    docs: {
      whatItDoes: 'Finds `libxmljs` / `libxmljs2` `parseXml`, `parseXmlString`, `parseXmlAsync` and `Document.fromXml` with `noent: true` (entity substitution, high) or `dtdload` / `dtdvalid: true` (the external DTD is fetched, medium), options bound once to a name included. xml2js, fast-xml-parser and @xmldom/xmldom are not reported: none of them fetches external entities.',
      whyBad: 'With entity substitution on, `<!ENTITY x SYSTEM "file:///etc/passwd">` puts the file into the parsed document, and `SYSTEM "http://169.254.169.254/..."` makes the server fetch internal URLs (XXE, SSRF); nested entities can also exhaust memory.',
      example: "const libxmljs = require('libxmljs');\nconst doc = libxmljs.parseXml(req.body, { noent: true });",
      useInstead: "const libxmljs = require('libxmljs');\nconst doc = libxmljs.parseXml(req.body, { noent: false, nonet: true });",
      references: ['https://cwe.mitre.org/data/definitions/611.html', 'https://cheatsheetseries.owasp.org/cheatsheets/XML_External_Entity_Prevention_Cheat_Sheet.html', 'https://github.com/libxmljs/libxmljs/wiki'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    return {
      call_expression(node: Node) {
        if (!LIBXML_PARSE.test(sem.calleeName(node) ?? '')) return;
        const arg = sem.arg(node, 1);
        const opts = arg ? sem.literalOf(arg) : undefined;
        if (opts?.type !== 'object') return;
        const input = sem.arg(node, 0);
        const source = input ? sem.taint(input)?.source : undefined;
        for (const p of opts.namedChildren) {
          if (p?.type !== 'pair') continue;
          const key = p.childForFieldName('key')?.text.replace(/['"]/g, '') ?? '';
          const value = p.childForFieldName('value');
          const level = lookup(RISKY_OPTIONS, key);
          if (!level || value?.type !== 'true') continue;
          const inCall = value.startIndex >= node.startIndex && value.endIndex <= node.endIndex;
          ctx.report({
            node,
            source,
            severity: level,
            message: key === 'noent' ? undefined : `${key}: true makes the parser fetch the document's external DTD (files, internal URLs): leave it off for untrusted XML.`,
            fix: key === 'noent' && inCall ? { title: 'Turn entity substitution off (noent: false)', safe: false, edits: [ctx.replace(value, 'false')] } : undefined,
          });
        }
      },
    };
  },
  tests: {
    valid: [
      "const libxmljs = require('libxmljs');\nconst doc = libxmljs.parseXml(xml);",
      "const libxmljs = require('libxmljs2');\nconst doc = libxmljs.parseXml(xml, { noent: false, nonet: true });",
      "const xml2js = require('xml2js');\nxml2js.parseString(req.body, (err, r) => use(r));",
      "const { XMLParser } = require('fast-xml-parser');\nconst obj = new XMLParser({ processEntities: true }).parse(req.body);",
      "// libxmljs.parseXml(s, { noent: true })\nconst s = 1;",
      "const other = require('some-xml');\nother.parseXml(s, { noent: true });",
    ],
    invalid: [
      { code: "const libxmljs = require('libxmljs');\nconst doc = libxmljs.parseXml(req.body, { noent: true });", errors: [2], messages: [{ messageId: 'default' }], output: "const libxmljs = require('libxmljs');\nconst doc = libxmljs.parseXml(req.body, { noent: false });" },
      { code: "import { parseXmlString } from 'libxmljs2';\nconst doc = parseXmlString(body, { dtdload: true });", errors: [2], messages: ["dtdload: true makes the parser fetch the document's external DTD (files, internal URLs): leave it off for untrusted XML."] },
      { code: "const libxml = require('libxmljs2');\nconst XML_OPTIONS = { noent: true, nocdata: true };\nfunction parse(s) { return libxml.parseXml(s, XML_OPTIONS); }", errors: [3] },
    ],
  },
};

export default rule;
