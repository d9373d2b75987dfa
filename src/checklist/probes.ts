import type { Node } from 'web-tree-sitter';
import type { Rule, RuleContext, Visitors } from '../core/rule';
import { perRuleSet, ruleSet, type CodeRuleLanguage } from '../core/language-registry';
import { generatedHelperVisitors, helperImportVisitors } from './helper-use';

/**
 * Evidence probes: positive facts in the code (a CSRF middleware, a password-hashing library, a
 * security log line). They run in the same traversal as the rules but produce facts for the
 * checklist, never problems; their ids start with `ev-`.
 */
export type EvidenceKind =
  | 'password-hashing'
  | 'headers-library'
  | 'hsts'
  | 'encryption-helper'
  | 'csrf-protection'
  | 'orm'
  | 'fingerprint-analysis'
  | 'fingerprint-collector'
  | 'security-logging'
  | 'traceback-response'
  | 'jwt-verified'
  // bookkeeping for src/checklist/helper-use.ts: a generated helper, and an import naming one
  | 'generated-helper'
  | 'helper-use';

export const PROBE_PREFIX = 'ev-';

function probe(kind: EvidenceKind, language: CodeRuleLanguage, title: string, create: (ctx: RuleContext) => Visitors): Rule {
  return {
    meta: {
      id: `${PROBE_PREFIX}${kind}-${ruleSet(language).shortId}`,
      title,
      language,
      family: 'misc',
      // facts, not problems: the evaluators read them by evidence kind
      checklist: [],
      severity: 'low',
      confidence: 'high',
      cwe: [],
      owasp: [],
      message: title,
      docs: { whatItDoes: title, whyBad: '', example: '', useInstead: '', references: [] },
    },
    create,
    tests: { valid: [], invalid: [] },
  };
}

/** The kind of evidence a fact (a finding of a probe) stands for. */
export function evidenceKindOf(ruleId: string): EvidenceKind | undefined {
  if (!ruleId.startsWith(PROBE_PREFIX)) return undefined;
  return ruleId.slice(PROBE_PREFIX.length).replace(/-(py|js)$/, '') as EvidenceKind;
}

const PY_CALLS: [EvidenceKind, RegExp][] = [
  ['password-hashing', /^(bcrypt\.(hashpw|gensalt|checkpw)|argon2\.PasswordHasher|argon2\.hash_password|passlib\..*|werkzeug\.security\.(generate_password_hash|check_password_hash)|django\.contrib\.auth\.hashers\.(make_password|check_password)|hashlib\.(scrypt|pbkdf2_hmac)|flask_bcrypt\..*)$/],
  ['headers-library', /^(flask_talisman\.Talisman|secure\.Secure(\.with_default_headers)?|secure\.Secure\(\)\..*)$/],
  ['hsts', /^(flask_talisman\.Talisman|secure\.StrictTransportSecurity|secure\.Secure(\.with_default_headers)?)$/],
  ['encryption-helper', /^cryptography\.(fernet\.(Fernet|MultiFernet)|hazmat\.primitives\.ciphers\.aead\.(AESGCM|ChaCha20Poly1305|AESCCM|AESGCMSIV))(\.generate_key)?$|^nacl\.secret\.SecretBox$/],
  ['csrf-protection', /^flask_wtf(\.csrf)?\.CSRFProtect$/],
  ['jwt-verified', /^jwt\.decode$/],
];

const JS_CALLS: [EvidenceKind, RegExp][] = [
  ['password-hashing', /^(bcrypt|bcryptjs|argon2)\.(hash|hashSync|verify|compare|compareSync|genSalt)$|^crypto\.(scrypt|scryptSync|pbkdf2|pbkdf2Sync)$/],
  ['headers-library', /^helmet(\.\w+)?$/],
  ['hsts', /^helmet(\.hsts|\.strictTransportSecurity)?$/],
  ['csrf-protection', /^(csurf|csrf-csrf\.doubleCsrf|lusca\.csrf|lusca|tiny-csrf|@dr\.pogodin\/csurf)$/],
  ['jwt-verified', /^jsonwebtoken\.verify$/],
];

const PY_ORM = /^(sqlalchemy|flask_sqlalchemy|django\.db|peewee|tortoise|sqlmodel|pony)(\.|$)/;
const JS_ORM = /^(sequelize|typeorm|@prisma\/client|knex|mongoose|objection|drizzle-orm|@mikro-orm\/core)(\.|$)/;
const FINGERPRINT_NAME = /(fingerprint|visitor|device_?id|bot)/i;
const SECURITY_EVENT = /\b(log(ged)?[ _-]?in|sign(ed)?[ _-]?in|login|logout|authenticat\w*|unauthori[sz]ed|forbidden|permission|access denied|denied|failed (login|password|attempt)|invalid (password|token|credentials)|security|fingerprint|locked out|brute)/i;
const LOG_METHODS = new Set(['info', 'warning', 'warn', 'error', 'critical', 'exception', 'debug', 'log', 'notice', 'alert', 'audit']);

function stringsIn(node: Node, out: string[] = []): string[] {
  if (node.type === 'string' || node.type === 'template_string' || node.type === 'string_content' || node.type === 'string_fragment') out.push(node.text);
  for (const c of node.namedChildren) if (c) stringsIn(c, out);
  return out;
}

function usesParams(fn: Node, body: Node, sem: RuleContext['sem']): boolean {
  const names = new Set<string>();
  const params = fn.childForFieldName('parameters');
  for (const p of params?.namedChildren ?? []) {
    if (!p) continue;
    const stack: Node[] = [p];
    while (stack.length) {
      const n = stack.pop()!;
      if (n.type === 'identifier' && n.text !== 'self') names.add(n.text);
      else for (const c of n.namedChildren) if (c && c.type !== 'type_annotation' && c.type !== 'type') stack.push(c);
    }
  }
  void sem;
  const stack: Node[] = [body];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'identifier' && names.has(n.text)) return true;
    for (const c of n.namedChildren) if (c) stack.push(c);
  }
  return false;
}

function callProbes(language: CodeRuleLanguage, table: [EvidenceKind, RegExp][]): Rule[] {
  return table.map(([kind, re]) =>
    probe(kind, language, `evidence: ${kind}`, (ctx): Visitors => {
      const visit = (node: Node) => {
        const name = ctx.sem.calleeName(node);
        if (!name || !re.test(name)) return;
        if (kind === 'jwt-verified') {
          // Only a decode / verify that pins the algorithms counts as verified.
          const a = ctx.sem.args(node);
          const pinned = perRuleSet(language, {
            python: () => a.keywords.has('algorithms'),
            javascript: () => a.positional.slice(2).some((o) => /\balgorithms\s*:/.test(o.text)),
          })();
          const unverified = /verify_signature["']?\s*:\s*False/.test(node.text);
          if (!pinned || unverified) return;
        }
        ctx.report({ node, message: `${kind}: ${name}` });
      };
      return perRuleSet<Visitors>(language, { python: { call: visit }, javascript: { call_expression: visit, new_expression: visit } });
    }),
  );
}

function importProbe(language: CodeRuleLanguage, kind: EvidenceKind, re: RegExp): Rule {
  return probe(kind, language, `evidence: ${kind}`, (ctx): Visitors => {
    let reported = false;
    const check = (node: Node, name: string | undefined) => {
      if (reported || !name || !re.test(name)) return;
      reported = true;
      ctx.report({ node, message: `${kind}: ${name}` });
    };
    return perRuleSet<Visitors>(language, {
      python: {
        import_statement: (n: Node) => n.namedChildren.forEach((c) => c && check(n, (c.childForFieldName('name') ?? c).text)),
        import_from_statement: (n: Node) => check(n, n.childForFieldName('module_name')?.text),
      },
      javascript: {
        import_statement: (n: Node) => check(n, n.childForFieldName('source')?.text.slice(1, -1)),
        call_expression: (n: Node) => {
          if (n.childForFieldName('function')?.text !== 'require') return;
          const arg = n.childForFieldName('arguments')?.namedChildren[0];
          check(n, arg ? ctx.sem.stringValue(arg) : undefined);
        },
      },
    });
  });
}

function pythonSpecific(): Rule[] {
  return [
    probe('csrf-protection', 'python', 'evidence: Django CSRF middleware', (ctx) => ({
      string(node: Node) {
        const v = ctx.sem.stringValue(node);
        if (v === 'django.middleware.csrf.CsrfViewMiddleware') ctx.report({ node, message: 'csrf-protection: CsrfViewMiddleware' });
      },
    })),
    probe('headers-library', 'python', 'evidence: Django SecurityMiddleware', (ctx) => ({
      string(node: Node) {
        if (ctx.sem.stringValue(node) === 'django.middleware.security.SecurityMiddleware') ctx.report({ node, message: 'headers-library: SecurityMiddleware' });
      },
    })),
    probe('hsts', 'python', 'evidence: Django HSTS setting', (ctx) => ({
      assignment(node: Node) {
        const left = node.childForFieldName('left');
        const right = node.childForFieldName('right');
        if (left?.text !== 'SECURE_HSTS_SECONDS' || !right) return;
        if (right.type === 'integer' && Number(right.text.replace(/_/g, '')) <= 0) return;
        ctx.report({ node, message: 'hsts: SECURE_HSTS_SECONDS' });
      },
    })),
    probe('fingerprint-analysis', 'python', 'evidence: fingerprint analysis', (ctx) => ({
      function_definition(node: Node) {
        const name = node.childForFieldName('name')?.text ?? '';
        const body = node.childForFieldName('body');
        if (!FINGERPRINT_NAME.test(name) || !body) return;
        if (usesParams(node, body, ctx.sem)) ctx.report({ node: node.childForFieldName('name')!, message: `fingerprint-analysis: ${name}` });
      },
    })),
    probe('traceback-response', 'python', 'evidence: traceback returned to the client', (ctx) => ({
      call(node: Node) {
        const name = ctx.sem.calleeName(node);
        if (name !== 'traceback.format_exc' && name !== 'traceback.format_exception') return;
        for (let p = node.parent; p && p.type !== 'function_definition'; p = p.parent) {
          if (p.type === 'return_statement') return ctx.report({ node, message: 'traceback-response: traceback returned' });
        }
      },
    })),
  ];
}

function jsSpecific(): Rule[] {
  return [
    probe('fingerprint-analysis', 'javascript', 'evidence: fingerprint analysis', (ctx) => {
      const visit = (node: Node) => {
        let name = node.childForFieldName('name')?.text ?? '';
        if (!name && node.parent?.type === 'variable_declarator') name = node.parent.childForFieldName('name')?.text ?? '';
        const body = node.childForFieldName('body');
        if (!FINGERPRINT_NAME.test(name) || !body) return;
        if (usesParams(node, body, ctx.sem)) ctx.report({ node, message: `fingerprint-analysis: ${name}` });
      };
      return { function_declaration: visit, arrow_function: visit, function_expression: visit, method_definition: visit };
    }),
    probe('traceback-response', 'javascript', 'evidence: stack trace sent to the client', (ctx) => ({
      call_expression(node: Node) {
        const m = ctx.sem.methodName(node);
        if (m !== 'send' && m !== 'json' && m !== 'end' && m !== 'write') return;
        const args = ctx.sem.args(node).positional;
        if (args.some((a) => /\.stack\b/.test(a.text))) ctx.report({ node, message: 'traceback-response: err.stack sent' });
      },
    })),
  ];
}

function loggingProbe(language: CodeRuleLanguage): Rule {
  return probe('security-logging', language, 'evidence: security event logged', (ctx): Visitors => {
    const visit = (node: Node) => {
      // The generated security-event logger (src/fixes/templates/incident-response.ts), called from app code.
      if (/^(.*\.)?(log_security_event|logSecurityEvent)$/.test(ctx.sem.calleeName(node) ?? '')) {
        const args = node.childForFieldName('arguments');
        if (args && stringsIn(args).some((s) => SECURITY_EVENT.test(s))) ctx.report({ node, message: 'security-logging' });
        return;
      }
      const m = ctx.sem.methodName(node);
      if (!m || !LOG_METHODS.has(m)) return;
      const recv = ctx.sem.receiver(node);
      if (!recv || !/log|audit|security/i.test(recv.text) || /^console$/.test(recv.text)) return;
      const args = node.childForFieldName('arguments');
      if (!args) return;
      if (stringsIn(args).some((s) => SECURITY_EVENT.test(s))) ctx.report({ node, message: 'security-logging' });
    };
    return perRuleSet<Visitors>(language, { python: { call: visit }, javascript: { call_expression: visit } });
  });
}

function helperProbes(language: CodeRuleLanguage): Rule[] {
  return [
    probe('generated-helper', language, 'evidence: a helper generated by SiteWarden', (ctx) => generatedHelperVisitors(language, ctx)),
    probe('helper-use', language, 'evidence: an import of a generated helper', (ctx) => helperImportVisitors(language, ctx)),
  ];
}

export const probeRules: readonly Rule[] = [
  ...callProbes('python', PY_CALLS),
  ...callProbes('javascript', JS_CALLS),
  importProbe('python', 'orm', PY_ORM),
  importProbe('javascript', 'orm', JS_ORM),
  importProbe('javascript', 'fingerprint-collector', /^(@fingerprintjs\/fingerprintjs|fingerprintjs2|@thumbmarkjs\/thumbmarkjs|clientjs)$/),
  ...pythonSpecific(),
  ...jsSpecific(),
  loggingProbe('python'),
  loggingProbe('javascript'),
  ...helperProbes('python'),
  ...helperProbes('javascript'),
];
