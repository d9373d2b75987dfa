import type { Node } from 'web-tree-sitter';
import { OWASP, type Rule } from '../../core/rule';
import { FINGERPRINT_ANALYSER, JUDGING_VERB } from '../python/fingerprint-stub';

const FUNCTIONS = ['function_declaration', 'function_expression', 'arrow_function', 'method_definition'];

function paramNames(fn: Node): Set<string> {
  const out = new Set<string>();
  const params = fn.childForFieldName('parameters') ?? fn.childForFieldName('parameter');
  const stack: Node[] = params ? [params] : [];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'identifier' || n.type === 'shorthand_property_identifier_pattern') out.add(n.text);
    else for (const c of n.namedChildren) if (c && c.type !== 'type_annotation') stack.push(c);
  }
  return out;
}

const rule: Rule = {
  meta: {
    id: 'js-fingerprint-stub',
    title: 'Browser-fingerprint analyser is a stub that returns a constant',
    language: 'javascript',
    family: 'fingerprinting',
    checklist: ['fingerprint-check'],
    severity: 'medium',
    confidence: 'high',
    cwe: ['CWE-1188', 'CWE-693'],
    owasp: [OWASP.A04, OWASP.A07],
    skipInTests: true,
    message: 'This fingerprint analyser ignores its input and always returns the same answer, so it never detects anything.',
    docs: {
      whatItDoes: 'Finds functions named like a fingerprint or visitor check (`analyzeFingerprint`, `scoreVisitor`, `isBot`) that take parameters, ignore them and only return a constant.',
      whyBad: 'Callers believe visitors are checked; bot, fraud and account-takeover defences built on the result silently do nothing.',
      example: 'function analyzeFingerprint(data) {\n  // TODO\n  return false;\n}',
      useInstead: 'Score real signals (automation flags, headless user agents, platform inconsistencies, failed logins and request rate per visitor) and return a decision with reasons. "SiteWarden: Add Browser Fingerprint Check" generates it.',
      references: ['https://owasp.org/www-project-automated-threats-to-web-applications/', 'https://cwe.mitre.org/data/definitions/693.html'],
    },
  },
  create(ctx) {
    const visit = (node: Node) => {
      let nameNode = node.childForFieldName('name');
      if (!nameNode && node.parent?.type === 'variable_declarator') nameNode = node.parent.childForFieldName('name');
      if (!nameNode && node.parent?.type === 'pair') nameNode = node.parent.childForFieldName('key');
      const name = nameNode?.text ?? '';
      if (!FINGERPRINT_ANALYSER.test(name) || !JUDGING_VERB.test(name.replace(/^is(?=[A-Z])/, 'is_'))) return;
      const params = paramNames(node);
      if (params.size === 0) return;
      const body = node.childForFieldName('body');
      if (!body) return;
      let returned: Node[];
      if (body.type === 'statement_block') {
        const stmts = body.namedChildren.filter((s): s is Node => !!s && s.type !== 'comment' && s.type !== 'empty_statement');
        if (stmts.length === 0 || !stmts.every((s) => s.type === 'return_statement')) return;
        returned = stmts.map((s) => s.namedChildren[0]).filter((x): x is Node => !!x);
      } else returned = [body];
      const stack = [body];
      while (stack.length) {
        const n = stack.pop()!;
        if (n.type === 'identifier' && params.has(n.text)) return;
        for (const c of n.namedChildren) if (c) stack.push(c);
      }
      if (!returned.every((r) => ctx.sem.isConstant(r))) return;
      ctx.report({ node: nameNode ?? node, message: `${name}() ignores its input and always returns ${returned[0]?.text ?? 'undefined'}: the fingerprint is never analysed.` });
    };
    return Object.fromEntries(FUNCTIONS.map((t) => [t, visit]));
  },
  tests: {
    valid: [
      'function analyzeFingerprint(data) {\n  return data.webdriver === true;\n}',
      'function getConfig(x) { return false; }',
      'const isBot = (fp) => /Headless/.test(fp.userAgent);',
      { code: 'function analyzeFingerprint(d) { return false; }', filename: 'test/fp.test.js' },
    ],
    invalid: [
      { code: 'function analyzeFingerprint(data) {\n  // TODO: real analysis\n  return false;\n}', errors: [1] },
      { code: 'const scoreVisitor = (visitor) => 0;', errors: [1] },
      { code: 'class Guard {\n  isBot(fingerprint: unknown): boolean {\n    return false;\n  }\n}', errors: [2] },
    ],
  },
};

export default rule;
