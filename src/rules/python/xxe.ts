import type { Node } from 'web-tree-sitter';
import { OWASP, type Rule } from '../../core/rule';

const PARSERS = /^(xml\.etree\.(c?ElementTree|ElementTree)\.(parse|fromstring|XML|XMLParser|iterparse|fromstringlist)|xml\.dom\.(minidom|pulldom)\.(parse|parseString)|xml\.sax\.(parse|parseString|make_parser)|xml\.dom\.expatbuilder\.(parse|parseString)|xml\.sax\.expatreader\.create_parser|lxml\.etree\.(parse|fromstring|XML|XMLParser|iterparse)|xmlrpc\.client\.\w+|xmlrpclib\.\w+)$/;

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
    return {
      call(node: Node) {
        const name = sem.calleeName(node);
        if (!name || !PARSERS.test(name)) return;
        const a = sem.args(node);
        if (name.startsWith('lxml') && /resolve_entities\s*=\s*False/.test(node.text)) return;
        if (name.startsWith('lxml') && a.keywords.has('parser') && /XMLParser\([^)]*resolve_entities\s*=\s*False/.test(ctx.source)) return;
        const data = a.positional[0];
        if (data && sem.isConstant(data)) return;
        const t = data ? sem.taint(data) : undefined;
        ctx.report({ node, source: t?.source, severity: t ? 'high' : undefined });
      },
    };
  },
  tests: {
    valid: [
      'import defusedxml.ElementTree as ET\nET.fromstring(body)',
      'from lxml import etree\nparser = etree.XMLParser(resolve_entities=False, no_network=True)\netree.fromstring(body, parser=parser)',
      'import xml.etree.ElementTree as ET\nET.fromstring("<a/>")',
      '# ET.parse(f) is risky\nx = "minidom.parseString(s)"',
    ],
    invalid: [
      { code: 'import xml.etree.ElementTree as ET\nfrom flask import request\nroot = ET.fromstring(request.data)', errors: [3], messages: [{ messageId: 'default' }] },
      { code: 'from xml.dom import minidom\ndoc = minidom.parse(upload)', errors: [2], messages: [{ messageId: 'default' }] },
      { code: 'from lxml import etree\ntree = etree.parse(path)', errors: [2], messages: [{ messageId: 'default' }] },
      { code: 'import xml.sax\nxml.sax.parseString(payload, handler)', errors: [2], messages: [{ messageId: 'default' }] },
    ],
  },
};

export default rule;
