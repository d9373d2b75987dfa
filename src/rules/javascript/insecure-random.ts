import type { Node } from 'web-tree-sitter';
import { OWASP, type Rule } from '../../core/rule';

const SECRET_NAME = /(token|secret|passw|pwd|nonce|salt|otp|one.?time|csrf|xsrf|session|sid$|api.?key|reset|verif|auth|credential|key$|^key|activation|invite|code$|pin$|uuid|guid|id$)/i;
const NOT_SECRET = /(color|colour|delay|jitter|index|idx|position|offset|width|height|^[xyz]$|angle|speed|duration|timeout|retry|sample|shuffle|random$|animation|opacity|size|count|grid|valid)/i;

const rule: Rule = {
  meta: {
    id: 'js-insecure-random',
    title: 'Math.random used to make a secret',
    language: 'javascript',
    family: 'randomness',
    checklist: ['crypto-library'],
    severity: 'medium',
    confidence: 'high',
    cwe: ['CWE-330', 'CWE-338'],
    owasp: [OWASP.A02],
    message: 'Math.random is predictable: make tokens and ids with crypto.randomBytes or crypto.randomUUID.',
    docs: {
      whatItDoes: 'Finds `Math.random()` whose result becomes a token, password, key, salt, nonce, session or one-time code, judged by the variable, property or function it goes into. Animation, jitter and sampling are left alone.',
      whyBad: 'V8\'s Math.random is xorshift128+: a few outputs reveal its state and every later value, so "random" reset tokens and session ids can be predicted.',
      example: 'const token = Math.random().toString(36).slice(2);',
      useInstead: "const token = crypto.randomBytes(32).toString('base64url');\nconst id = crypto.randomUUID();\nconst code = crypto.randomInt(0, 1_000_000);",
      references: ['https://cwe.mitre.org/data/definitions/338.html', 'https://nodejs.org/api/crypto.html#cryptorandombytessize-callback'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    const destination = (node: Node): string | undefined => {
      for (let n: Node | null = node.parent, hops = 0; n && hops < 10; n = n.parent, hops++) {
        if (n.type === 'variable_declarator') return n.childForFieldName('name')?.text;
        if (n.type === 'assignment_expression') return n.childForFieldName('left')?.text;
        if (n.type === 'pair') return n.childForFieldName('key')?.text;
        if (n.type === 'return_statement' || n.type === 'arrow_function') {
          const fn = sem.enclosingFunction(node);
          return fn?.childForFieldName('name')?.text ?? (fn?.parent?.type === 'variable_declarator' ? fn.parent.childForFieldName('name')?.text : undefined);
        }
        if (n.type === 'expression_statement' || n.type === 'statement_block') return undefined;
      }
      return undefined;
    };
    return {
      call_expression(node: Node) {
        if (sem.calleeName(node) !== 'Math.random') return;
        const dest = destination(node) ?? '';
        const fn = sem.enclosingFunction(node);
        const fnName = fn?.childForFieldName('name')?.text ?? (fn?.parent?.type === 'variable_declarator' ? fn.parent.childForFieldName('name')?.text ?? '' : '');
        const judged = dest || fnName;
        if (!SECRET_NAME.test(judged) || NOT_SECRET.test(judged)) return;
        ctx.report({ node, message: `Math.random makes ${judged}: it is predictable. Use crypto.randomBytes / crypto.randomUUID.` });
      },
    };
  },
  tests: {
    valid: [
      'const delay = Math.random() * 1000;',
      'const color = COLORS[Math.floor(Math.random() * COLORS.length)];',
      "const token = crypto.randomBytes(32).toString('hex');",
      'function shuffle(a) { return a.sort(() => Math.random() - 0.5); }',
    ],
    invalid: [
      { code: 'const token = Math.random().toString(36).slice(2);', errors: [1] },
      { code: 'function generateResetCode() {\n  return Math.floor(Math.random() * 1000000);\n}', errors: [2] },
      { code: 'req.session.csrfToken = Math.random().toString(16);', errors: [1] },
      { code: 'const user = { apiKey: Math.random().toString(36).substring(2) };', errors: [1] },
    ],
  },
};

export default rule;
