import type { Node } from 'web-tree-sitter';
import { importerFor } from '../../core/importer';
import { lookup } from '../../core/lookup';
import { OWASP, type Rule } from '../../core/rule';

const RANDOM_FUNCS = new Set(['random.random', 'random.randint', 'random.randrange', 'random.choice', 'random.choices', 'random.getrandbits', 'random.sample', 'random.uniform', 'random.shuffle']);
/** Names that say the value is a secret. */
export const SECRET_NAME = /(token|secret|passw|pwd|nonce|salt|otp|one_?time|csrf|session|api_?key|reset|verif|auth|credential|key$|^key|activation|invite|code$|pin$)/i;
const REPLACEMENT: Record<string, string> = { 'random.choice': 'secrets.choice', 'random.getrandbits': 'secrets.randbits', 'random.randrange': 'secrets.randbelow' };

const rule: Rule = {
  meta: {
    id: 'py-insecure-random',
    title: 'The random module used to make a secret',
    language: 'python',
    family: 'randomness',
    checklist: ['crypto-library'],
    severity: 'medium',
    confidence: 'high',
    cwe: ['CWE-330', 'CWE-338'],
    owasp: [OWASP.A02],
    bandit: ['B311'],
    message: 'random is predictable: make tokens, passwords and keys with the secrets module.',
    docs: {
      whatItDoes: 'Finds `random` functions whose result becomes a token, password, key, salt, nonce, one-time code or session id: judged by the name of the variable, attribute, argument or function it goes into. Random numbers for games, sampling or jitter are left alone.',
      whyBad: 'The `random` module is a Mersenne Twister: after seeing about 600 outputs an attacker can predict every future one, and so guess the next password-reset token.',
      example: 'reset_token = "".join(random.choice(ALPHABET) for _ in range(32))',
      useInstead: 'import secrets\nreset_token = secrets.token_urlsafe(32)\ncode = secrets.randbelow(1_000_000)',
      references: ['https://cwe.mitre.org/data/definitions/338.html', 'https://docs.python.org/3/library/secrets.html'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    /** The name the value ends up in: assignment target, keyword, dict key, return of a named function. */
    const destination = (node: Node): string | undefined => {
      for (let n: Node | null = node.parent, hops = 0; n && hops < 8; n = n.parent, hops++) {
        if (n.type === 'assignment') return n.childForFieldName('left')?.text;
        if (n.type === 'keyword_argument') return n.childForFieldName('name')?.text;
        if (n.type === 'pair') return n.childForFieldName('key')?.text;
        if (n.type === 'return_statement') return sem.enclosingFunction(n)?.childForFieldName('name')?.text;
        if (n.type === 'expression_statement' || n.type === 'block') return undefined;
      }
      return undefined;
    };
    return {
      call(node: Node) {
        const name = sem.calleeName(node);
        if (!name || !RANDOM_FUNCS.has(name)) return;
        const dest = destination(node);
        const fnName = sem.enclosingFunction(node)?.childForFieldName('name')?.text ?? '';
        if (!(dest && SECRET_NAME.test(dest)) && !SECRET_NAME.test(fnName)) return;
        const callee = sem.dialect.callee(node)!;
        const repl = lookup(REPLACEMENT, name);
        const secrets = repl && callee.type === 'attribute' && callee.text === name
          ? importerFor(ctx.file, ctx.language, ctx.source, ctx.tree.rootNode, sem).use({ module: 'secrets', member: repl.slice('secrets.'.length) }, node.startIndex)
          : undefined;
        const fix = secrets && { title: `Use ${repl}`, safe: true, edits: [ctx.replace(callee, secrets.name), ...secrets.edits] };
        ctx.report({ node, fix });
      },
    };
  },
  tests: {
    valid: [
      'import random\ndelay = random.uniform(0.5, 1.5)',
      'import random\nrandom.shuffle(cards)',
      'import secrets\ntoken = secrets.token_urlsafe(32)',
      'import random\ndef pick_color():\n    return random.choice(COLORS)',
    ],
    invalid: [
      { code: 'import random\nreset_token = "".join(random.choice(ALPHABET) for _ in range(32))', errors: [2], output: 'import random\nimport secrets\nreset_token = "".join(secrets.choice(ALPHABET) for _ in range(32))' },
      { code: 'import random\ndef make_otp():\n    return str(random.randint(100000, 999999))', errors: [3] },
      { code: 'from random import getrandbits\nuser.api_key = hex(getrandbits(128))', errors: [2] },
      { code: 'import random as r\nsession_id = r.random()', errors: [2] },
      { code: 'import random\nfrom secrets import choice\nreset_token = random.choice(ALPHABET)', errors: [3], output: 'import random\nfrom secrets import choice\nreset_token = choice(ALPHABET)' },
    ],
  },
};

export default rule;
