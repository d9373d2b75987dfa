import type { Node } from 'web-tree-sitter';
import { OWASP, type Rule } from '../../core/rule';

/** Names of functions that claim to judge a browser fingerprint or a visitor. */
export const FINGERPRINT_ANALYSER = /(fingerprint|fingerprinting|visitor|device_?id|bot)/i;
export const JUDGING_VERB = /(analy[sz]e|check|score|assess|evaluate|detect|is_|classify|verify|inspect|judge|validate)/i;

function usesAnyParam(body: Node, params: Set<string>): boolean {
  const stack: Node[] = [body];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'identifier' && params.has(n.text)) return true;
    for (const c of n.namedChildren) if (c) stack.push(c);
  }
  return false;
}

const rule: Rule = {
  meta: {
    id: 'py-fingerprint-stub',
    title: 'Browser-fingerprint analyser is a stub that returns a constant',
    language: 'python',
    family: 'fingerprinting',
    checklist: ['fingerprint-check'],
    severity: 'medium',
    confidence: 'high',
    cwe: ['CWE-1188', 'CWE-693'],
    owasp: [OWASP.A04, OWASP.A07],
    skipInTests: true,
    message: 'This fingerprint analyser ignores its input and always returns the same answer, so it never detects anything.',
    docs: {
      whatItDoes: 'Finds functions named like a fingerprint or visitor check (`analyze_fingerprint`, `score_visitor`, `is_bot`) that ignore their parameters and only return a constant.',
      whyBad: 'Code that calls the analyser believes fingerprints are checked: fraud, bot and account-takeover defences built on it silently do nothing. A placeholder like `return False` copied from a tutorial is easy to ship by mistake.',
      example: 'def analyze_fingerprint(data):\n    # Implement your analysis here\n    return False',
      useInstead: 'Score real signals and return a decision with reasons: automation flags (navigator.webdriver, headless user agents), inconsistencies between claimed and observed platform, many accounts or failed logins per visitor id, request rate per visitor. Run "SiteWarden: Add Browser Fingerprint Check" to generate such an endpoint.',
      references: ['https://owasp.org/www-project-automated-threats-to-web-applications/', 'https://cwe.mitre.org/data/definitions/693.html'],
    },
  },
  create(ctx) {
    return {
      function_definition(node: Node) {
        const name = node.childForFieldName('name')?.text ?? '';
        if (!FINGERPRINT_ANALYSER.test(name) || !JUDGING_VERB.test(name)) return;
        const params = new Set<string>();
        for (const p of node.childForFieldName('parameters')?.namedChildren ?? []) {
          if (!p) continue;
          const id = p.type === 'identifier' ? p : p.namedChildren.find((c) => c?.type === 'identifier') ?? p.childForFieldName('name');
          if (id && id.text !== 'self' && id.text !== 'cls') params.add(id.text);
        }
        if (params.size === 0) return;
        const body = node.childForFieldName('body');
        if (!body) return;
        const statements = body.namedChildren.filter((s): s is Node => !!s && s.type !== 'comment');
        // A leading docstring is documentation, not logic.
        if (statements[0]?.type === 'expression_statement' && statements[0].namedChildren[0]?.type === 'string') statements.shift();
        const returns = statements.filter((s) => s.type === 'return_statement');
        const rest = statements.filter((s) => s.type !== 'return_statement' && s.type !== 'pass_statement');
        if (returns.length === 0 || rest.length > 0) return;
        if (usesAnyParam(body, params)) return;
        if (!returns.every((r) => { const v = r.namedChildren[0]; return !v || ctx.sem.isConstant(v); })) return;
        ctx.report({ node: node.childForFieldName('name')!, message: `${name}() ignores its input and always returns ${returns[0].namedChildren[0]?.text ?? 'None'}: the fingerprint is never analysed.` });
      },
    };
  },
  tests: {
    valid: [
      'def analyze_fingerprint(data):\n    return data.get("webdriver") is True',
      'def analyze_fingerprint(data):\n    score = 0\n    if data["ua"].startswith("Headless"):\n        score += 1\n    return score > 0',
      'def get_config():\n    return False',
      { code: 'def analyze_fingerprint(data):\n    return False', filename: 'tests/test_fp.py' },
    ],
    invalid: [
      { code: 'def analyze_fingerprint(data):\n    # Implement your fingerprint analysis logic here\n    # Return True if malicious\n    return False', errors: [1] },
      { code: 'def is_bot(fingerprint, ip):\n    """Decide."""\n    return None', errors: [1] },
      { code: 'def score_visitor(visitor):\n    pass\n    return 0', errors: [1] },
    ],
  },
};

export default rule;
