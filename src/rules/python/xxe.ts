import type { Node } from 'web-tree-sitter';
import { OWASP, type Rule } from '../../core/rule';

const PARSERS = /^(xml\.etree\.(c?ElementTree|ElementTree)\.(parse|fromstring|XML|XMLParser|iterparse|fromstringlist)|xml\.dom\.(minidom|pulldom)\.(parse|parseString)|xml\.sax\.(parse|parseString|make_parser)|xml\.dom\.expatbuilder\.(parse|parseString)|xml\.sax\.expatreader\.create_parser|lxml\.etree\.(parse|fromstring|XML|XMLParser|iterparse)|xmlrpc\.client\.\w+|xmlrpclib\.\w+)$/;

/** lxml readers whose second positional argument is the parser. */
const LXML_TAKES_PARSER = /^lxml\.etree\.(parse|fromstring|XML)$/;

const rule: Rule = {
  meta: {
    id: 'py-xxe',
    title: 'XML parsed without defusedxml',
    language: 'python',
    family: 'injection',
    checklist: ['input-validation'],
    severity: 'medium',
    confidence: 'medium',
    cwe: ['CWE-611', 'CWE-776'],
    owasp: [OWASP.A05],
    bandit: ['B313', 'B314', 'B315', 'B316', 'B317', 'B318', 'B319', 'B320'],
    message: 'This XML parser accepts entity tricks (billion laughs, external entities): parse untrusted XML with defusedxml.',
    docs: {
      whatItDoes: 'Finds parsing with xml.etree, minidom, pulldom, sax, expatbuilder, lxml (unless `resolve_entities=False` / `no_network`) and xmlrpc, where defusedxml would be the safe choice. Higher confidence when the XML comes from the request.',
      whyBad: 'Entity expansion turns a few kilobytes into gigabytes of memory (billion laughs); lxml and older parsers resolve external entities, which reads local files or makes server-side requests.',
      example: 'import xml.etree.ElementTree as ET\nroot = ET.fromstring(request.data)',
      useInstead: 'import defusedxml.ElementTree as ET\nroot = ET.fromstring(request.data)\n# lxml: etree.XMLParser(resolve_entities=False, no_network=True)',
      references: ['https://cwe.mitre.org/data/definitions/611.html', 'https://docs.python.org/3/library/xml.html#xml-vulnerabilities', 'https://pypi.org/project/defusedxml/'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    /** `resolve_entities=False` written on this very call (lxml's XMLParser and iterparse take it). */
    const disablesEntities = (call: Node): boolean => sem.args(call).keywords.get('resolve_entities')?.type === 'false';
    /**
     * The `parser=` argument (or lxml's second positional one) is an XMLParser built with
     * `resolve_entities=False`, inline or through the assignment that reaches this call. Decided
     * from the tree only: a safe parser elsewhere in the file says nothing about this one.
     */
    const safeParserGiven = (call: Node, name: string): boolean => {
      const a = sem.args(call);
      const given = a.keywords.get('parser') ?? (LXML_TAKES_PARSER.test(name) ? a.positional[1] : undefined);
      if (!given) return false;
      const parser = sem.deref(given);
      return sem.dialect.isCall(parser) && sem.calleeName(parser) === 'lxml.etree.XMLParser' && disablesEntities(parser);
    };
    return {
      call(node: Node) {
        const name = sem.calleeName(node);
        if (!name || !PARSERS.test(name)) return;
        if (name.startsWith('lxml.') && (disablesEntities(node) || safeParserGiven(node, name))) return;
        const data = sem.args(node).positional[0];
        if (data && sem.isConstant(data)) return;
        const t = data ? sem.taint(data) : undefined;
        ctx.report({ node, taint: t, severity: t ? 'high' : undefined });
      },
    };
  },
  tests: {
    valid: [
      'import defusedxml.ElementTree as ET\nET.fromstring(body)',
      'from lxml import etree\nparser = etree.XMLParser(resolve_entities=False, no_network=True)\netree.fromstring(body, parser=parser)',
      'from lxml import etree\netree.fromstring(body, etree.XMLParser(resolve_entities=False))',
      'from lxml.etree import XMLParser, parse\np = XMLParser(resolve_entities=False)\nq = p\ntree = parse(path, parser=q)',
      'from lxml import etree\nfor ev, el in etree.iterparse(f, resolve_entities=False):\n    pass',
      'import xml.etree.ElementTree as ET\nET.fromstring("<a/>")',
      '# ET.parse(f) is risky\nx = "minidom.parseString(s)"',
    ],
    invalid: [
      { code: 'import xml.etree.ElementTree as ET\nfrom flask import request\nroot = ET.fromstring(request.data)', errors: [3], messages: [{ messageId: 'default' }] },
      { code: 'from xml.dom import minidom\ndoc = minidom.parse(upload)', errors: [2], messages: [{ messageId: 'default' }] },
      { code: 'from lxml import etree\ntree = etree.parse(path)', errors: [2], messages: [{ messageId: 'default' }] },
      { code: 'import xml.sax\nxml.sax.parseString(payload, handler)', errors: [2], messages: [{ messageId: 'default' }] },
      // A safe parser elsewhere in the file does not make this call safe (it silenced both before).
      { code: 'from lxml import etree\nsafe = etree.XMLParser(resolve_entities=False)\netree.fromstring(body, parser=etree.XMLParser())', errors: [3, 3], messages: [{ messageId: 'default' }, { messageId: 'default' }] },
      { code: 'from lxml import etree\nsafe = etree.XMLParser(resolve_entities=False)\nother_unsafe = etree.XMLParser(huge_tree=True)\netree.fromstring(body, parser=other_unsafe)', errors: [3, 4], messages: [{ messageId: 'default' }, { messageId: 'default' }] },
      // The assignment that reaches the call counts, not an earlier one.
      { code: 'from lxml import etree\np = etree.XMLParser(resolve_entities=False)\np = etree.XMLParser()\netree.parse(path, p)', errors: [3, 4], messages: [{ messageId: 'default' }, { messageId: 'default' }] },
      { code: 'from lxml import etree\netree.fromstring(body, parser=etree.XMLParser(resolve_entities=True))', errors: [2, 2], messages: [{ messageId: 'default' }, { messageId: 'default' }] },
      { code: 'from lxml import etree\ndef load(body, parser):\n    return etree.fromstring(body, parser=parser)', errors: [3], messages: [{ messageId: 'default' }] },
    ],
  },
};

export default rule;
