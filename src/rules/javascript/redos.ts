import type { Node } from 'web-tree-sitter';
import { OWASP, type Rule } from '../../core/rule';

/**
 * Whether a pattern nests unbounded repetition: a group that contains `+`, `*` or `{n,}` and is
 * itself repeated without bound, or a repeated group whose alternatives are the same. Those are
 * the shapes that make backtracking engines take exponential time on a near-miss.
 */
export function nestedQuantifier(pattern: string): string | undefined {
  interface Frame { start: number; unbounded: boolean; branches: string[]; branchStart: number; atoms: string[] }
  const stack: Frame[] = [{ start: 0, unbounded: false, branches: [], branchStart: 0, atoms: [] }];
  /** `(?:\.[a-z]+)*`: each repetition must start with a literal the inner repetition cannot eat. */
  const delimited = (g: Frame, body: string): boolean => {
    if (g.branches.length !== 1) return false;
    const m = /^(\\[^dswDSWbB]|[^\\[(.*+?{|^$])(?![*+?{])/.exec(body);
    if (!m) return false;
    const lit = m[1].length === 2 ? m[1][1] : m[1];
    return g.atoms.every((a) => {
      try {
        return !new RegExp(`^${a}$`).test(lit);
      } catch {
        return false;
      }
    });
  };
  let i = 0;
  const quantAt = (j: number): { unbounded: boolean; len: number } | undefined => {
    const c = pattern[j];
    if (c === '*' || c === '+') return { unbounded: true, len: pattern[j + 1] === '?' || pattern[j + 1] === '+' ? 2 : 1 };
    if (c === '?') return { unbounded: false, len: 1 };
    if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}\??/.exec(pattern.slice(j));
      if (m) return { unbounded: m[2] !== undefined && m[3] === '', len: m[0].length };
    }
    return undefined;
  };
  while (i < pattern.length) {
    const c = pattern[i];
    const top = stack[stack.length - 1];
    if (c === '\\') {
      const atom = pattern.slice(i, i + 2);
      i += 2;
      const q = quantAt(i);
      if (q) { if (q.unbounded) { top.unbounded = true; top.atoms.push(atom); } i += q.len; }
      continue;
    }
    if (c === '[') {
      let j = i + 1;
      if (pattern[j] === '^') j++;
      if (pattern[j] === ']') j++;
      while (j < pattern.length && pattern[j] !== ']') j += pattern[j] === '\\' ? 2 : 1;
      const atom = pattern.slice(i, j + 1);
      i = j + 1;
      const q = quantAt(i);
      if (q) { if (q.unbounded) { top.unbounded = true; top.atoms.push(atom); } i += q.len; }
      continue;
    }
    if (c === '(') {
      let skip = 1;
      if (pattern[i + 1] === '?') {
        const m = /^\(\?(:|=|!|<=|<!|<[A-Za-z_]\w*>)/.exec(pattern.slice(i));
        skip = m ? m[0].length : 2;
      }
      stack.push({ start: i, unbounded: false, branches: [], branchStart: i + skip, atoms: [] });
      i += skip;
      continue;
    }
    if (c === '|') {
      top.branches.push(pattern.slice(top.branchStart, i));
      top.branchStart = i + 1;
      i++;
      continue;
    }
    if (c === ')' && stack.length > 1) {
      const g = stack.pop()!;
      g.branches.push(pattern.slice(g.branchStart, i));
      const body = pattern.slice(g.start, i + 1);
      i++;
      const q = quantAt(i);
      const parent = stack[stack.length - 1];
      if (q) {
        i += q.len;
        if (q.unbounded && g.unbounded && !delimited(g, g.branches[0])) return body;
        if (q.unbounded && new Set(g.branches).size < g.branches.length) return body;
        if (q.unbounded || g.unbounded) parent.unbounded = true;
        parent.atoms.push(...g.atoms);
      } else if (g.unbounded) {
        parent.unbounded = true;
        parent.atoms.push(...g.atoms);
      }
      continue;
    }
    i++;
    const q = quantAt(i);
    if (q) { if (q.unbounded) { top.unbounded = true; top.atoms.push(c === '.' ? '[\\s\\S]' : c.replace(/[-/\\^$*+?.()|[\]{}]/g, '\\$&')); } i += q.len; }
  }
  return undefined;
}

const rule: Rule = {
  meta: {
    id: 'js-redos',
    title: 'Regular expression prone to catastrophic backtracking (ReDoS), or built from request data',
    language: 'javascript',
    family: 'misc',
    checklist: [],
    severity: 'medium',
    confidence: 'medium',
    cwe: ['CWE-1333', 'CWE-400'],
    owasp: [OWASP.A04],
    message: 'This regular expression nests unbounded repetition: a crafted string can take the event loop for minutes.',
    docs: {
      whatItDoes: 'Finds regular expression literals with nested unbounded repetition (`(a+)+`, `(\\w+\\s?)*`, `(.*)*`) or repeated groups with duplicate alternatives, and `new RegExp(...)` built from request data.',
      whyBad: 'Node runs on one thread: one request that makes a regex backtrack exponentially blocks every other request. A pattern from the client can be made slow on purpose.',
      example: "const EMAIL = /^([a-zA-Z0-9]+\\.?)+@example\\.com$/;",
      useInstead: "const EMAIL = /^[a-zA-Z0-9]+(?:\\.[a-zA-Z0-9]+)*@example\\.com$/;   // no nested +\n// for user patterns: escape them, or use the re2 package",
      references: ['https://cwe.mitre.org/data/definitions/1333.html', 'https://owasp.org/www-community/attacks/Regular_expression_Denial_of_Service_-_ReDoS'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    return {
      regex(node: Node) {
        const pattern = node.childForFieldName('pattern')?.text ?? '';
        const bad = pattern.length < 2000 ? nestedQuantifier(pattern) : undefined;
        if (bad) ctx.report({ node, message: `${bad} repeats something that repeats: a near-miss input makes matching exponential. Rewrite without nested quantifiers.` });
      },
      new_expression(node: Node) {
        if (sem.calleeName(node) !== 'RegExp') return;
        const p = sem.arg(node, 0);
        const t = p && sem.taint(p);
        if (t && !/escape/i.test(p!.text)) ctx.report({ node, taint: t, message: 'A regular expression built from request data can be made to backtrack for minutes: escape it or use a fixed pattern.' });
      },
    };
  },
  tests: {
    valid: ['const ID = /^[a-z0-9-]+$/;', 'const WORDS = /(?:\\w+\\s)*/;'.replace('*', '{0,5}'), 'const EMAIL = /^[a-zA-Z0-9]+(?:\\.[a-zA-Z0-9]+)*@example\\.com$/;', "// /(a+)+/ is bad\nconst s = '(a+)+';", 'const r = new RegExp(escapeRegExp(req.query.q));'],
    invalid: [
      { code: 'const EMAIL = /^([a-zA-Z0-9]+\\.?)+@example\\.com$/;', errors: [1], messages: ['([a-zA-Z0-9]+\\.?) repeats something that repeats: a near-miss input makes matching exponential. Rewrite without nested quantifiers.'] },
      { code: 'const r = /(\\w+\\s?)*$/;', errors: [1], messages: ['(\\w+\\s?) repeats something that repeats: a near-miss input makes matching exponential. Rewrite without nested quantifiers.'] },
      { code: 'if (/^(a|a)+$/.test(s)) {}', errors: [1], messages: ['(a|a) repeats something that repeats: a near-miss input makes matching exponential. Rewrite without nested quantifiers.'] },
      { code: "app.get('/s', (req, res) => res.json(items.filter((i) => new RegExp(req.query.q).test(i))));", errors: [1], messages: ['A regular expression built from request data can be made to backtrack for minutes: escape it or use a fixed pattern.'] },
    ],
  },
};

export default rule;
