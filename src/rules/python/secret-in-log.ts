import type { Node } from 'web-tree-sitter';
import { OWASP, type Rule } from '../../core/rule';
import type { Semantics } from '../../core/semantics';

const LEVELS = /^(debug|info|warning|warn|error|exception|critical|fatal|log)$/;
/** Names whose value is a credential itself (not `password_reset_url`, not `token_type`). */
const SENSITIVE = /^(password|passwd|pwd|passphrase|secret|secret_key|client_secret|api_key|apikey|access_token|refresh_token|auth_token|token|private_key|credentials?|session_key)$/i;

/** The credential-looking names used in a log argument, not looking into calls (`len(token)`, `mask(pw)`). */
function sensitiveIn(sem: Semantics, n: Node, out: Node[] = []): Node[] {
  switch (n.type) {
    case 'call': {
      // "...".format(secret) formats it in; any other call transforms it (len, mask, hash).
      const fn = n.childForFieldName('function');
      const args = n.childForFieldName('arguments');
      if (fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'format' && fn.childForFieldName('object')?.type === 'string' && args) return sensitiveIn(sem, args, out);
      return out;
    }
    case 'lambda':
    case 'string_content':
      return out;
    case 'identifier':
      if (SENSITIVE.test(n.text)) out.push(n);
      return out;
    case 'attribute': {
      const attr = n.childForFieldName('attribute');
      if (attr && SENSITIVE.test(attr.text)) out.push(n);
      return out;
    }
    case 'subscript': {
      const key = n.childForFieldName('subscript');
      const name = key ? sem.stringValue(key) : undefined;
      if (name !== undefined && SENSITIVE.test(name)) out.push(n);
      return out;
    }
    case 'keyword_argument':
      return n.childForFieldName('value') ? sensitiveIn(sem, n.childForFieldName('value')!, out) : out;
    default:
      for (const c of n.namedChildren) if (c) sensitiveIn(sem, c, out);
      return out;
  }
}

const rule: Rule = {
  meta: {
    id: 'py-secret-in-log',
    title: 'Credential written to a log',
    language: 'python',
    family: 'secrets',
    checklist: ['authentication'],
    severity: 'medium',
    confidence: 'medium',
    cwe: ['CWE-532'],
    owasp: [OWASP.A09],
    message: 'A password, token or key is written to the log: logs are kept, shipped and read by many more people than the secret should be.',
    docs: {
      whatItDoes: 'Finds logging calls (`logging.*`, `getLogger()` loggers, Flask\'s `app.logger`) whose arguments include a variable, attribute or request field named like a credential (`password`, `token`, `api_key`, `client_secret`, …), directly, in an f-string, in `%` or `.format` arguments. Values passed through a call first (`len(token)`, `mask(password)`) are not flagged.',
      whyBad: 'Log files and log services keep data for months, are copied to backups and third parties, and are readable by operators who should never see user passwords or API tokens. A leaked log then leaks accounts.',
      example: 'logger.info(f"login attempt for {username} with password {password}")',
      useInstead: 'logger.info("login attempt for %s", username)\n# if a token must be traced, log a fingerprint: token[:4] + "…" or a hash',
      references: ['https://cwe.mitre.org/data/definitions/532.html', 'https://cheatsheetseries.owasp.org/cheatsheets/Logging_Cheat_Sheet.html#data-to-exclude'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    const isLogger = (call: Node): boolean => {
      const method = sem.methodName(call);
      if (!method || !LEVELS.test(method)) return false;
      const name = sem.calleeName(call) ?? '';
      if (/^logging\.[a-z]+$/.test(name) || /^logging\.getLogger\(\)\./.test(name)) return true;
      const recv = sem.receiver(call);
      return !!recv && /(^|\.|_)(log|logger|logging|_log|_logger)$/i.test(recv.text);
    };
    return {
      call(node: Node) {
        if (!isLogger(node)) return;
        const args = node.childForFieldName('arguments');
        if (!args) return;
        const hits = sensitiveIn(sem, args);
        if (hits.length) ctx.report({ node: hits[0], message: `${hits[0].text} is written to the log: leave it out, or log a masked fingerprint.` });
      },
    };
  },
  tests: {
    valid: [
      'import logging\nlogging.info("user %s logged in", username)',
      'import logging\nlog = logging.getLogger(__name__)\nlog.info("token length %d", len(token))',
      'import logging\nlogging.info("password reset link sent to %s", email)',
      'logger.debug("token type %s", token_type)',
      'print(password)',
      '# logger.info(password) would leak it\nx = 1',
    ],
    invalid: [
      { code: 'import logging\nlogger = logging.getLogger(__name__)\nlogger.info(f"login for {username} with password {password}")', errors: [3] },
      { code: 'import logging\nlogging.debug("auth header: %s", request.headers["token"])', errors: [2] },
      { code: 'app.logger.warning("bad key %s", settings.API_KEY)', errors: [1] },
      { code: 'import logging\nlog = logging.getLogger("x")\nlog.error("refresh failed: {}".format(user.refresh_token))', errors: [3] },
    ],
  },
};

export default rule;
