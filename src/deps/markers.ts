import * as pep440 from '@renovatebot/pep440';

/**
 * The environment PEP 508 markers are evaluated for: CPython 3.12 on 64-bit Linux, the most
 * common deployment target of the Flask and Django apps SiteWarden checks. A requirement whose
 * marker is false there is reported as not checked, with the marker.
 */
export const DEFAULT_MARKER_ENV: Readonly<Record<string, string>> = {
  python_version: '3.12',
  python_full_version: '3.12.0',
  implementation_name: 'cpython',
  implementation_version: '3.12.0',
  platform_python_implementation: 'CPython',
  os_name: 'posix',
  sys_platform: 'linux',
  platform_system: 'Linux',
  platform_machine: 'x86_64',
  platform_release: '',
  platform_version: '',
  extra: '',
};

export const DEFAULT_MARKER_ENV_NAME = 'CPython 3.12 on Linux x86_64';

const VERSION_VARS = new Set(['python_version', 'python_full_version', 'implementation_version']);

type Token = { kind: 'str' | 'var' | 'op' | '(' | ')' | 'and' | 'or'; text: string };

function tokens(marker: string): Token[] | undefined {
  const out: Token[] = [];
  // Sticky, and whitespace is skipped by hand: a leading `\s*` would be retried over a long run
  // of spaces at every position.
  const re = /(?:("[^"]*"|'[^']*')|(===|==|!=|~=|<=|>=|<|>|not[ \t]+in\b|in\b)|(\()|(\))|(and\b|or\b)|([A-Za-z_][A-Za-z0-9_.]*))/y;
  let i = 0;
  for (;;) {
    while (i < marker.length && /\s/.test(marker[i])) i++;
    if (i >= marker.length) break;
    re.lastIndex = i;
    const m = re.exec(marker);
    if (!m) return undefined;
    i = re.lastIndex;
    if (m[1]) out.push({ kind: 'str', text: m[1].slice(1, -1) });
    else if (m[2]) out.push({ kind: 'op', text: m[2].replace(/\s+/, ' ') });
    else if (m[3]) out.push({ kind: '(', text: '(' });
    else if (m[4]) out.push({ kind: ')', text: ')' });
    else if (m[5]) out.push({ kind: m[5] as 'and' | 'or', text: m[5] });
    else out.push({ kind: 'var', text: m[6] });
  }
  return out;
}

function compare(left: Token, op: string, right: Token, env: Readonly<Record<string, string>>): boolean | undefined {
  const value = (t: Token) => (t.kind === 'str' ? t.text : Object.prototype.hasOwnProperty.call(env, t.text) ? env[t.text] : undefined);
  const l = value(left);
  const r = value(right);
  if (l === undefined || r === undefined) return undefined;
  if (op === 'in') return r.includes(l);
  if (op === 'not in') return !r.includes(l);
  const versions = (left.kind === 'var' && VERSION_VARS.has(left.text)) || (right.kind === 'var' && VERSION_VARS.has(right.text));
  if (versions && pep440.valid(l) && (pep440.valid(r) || /\*$/.test(r))) {
    if (op === '===') return l === r;
    return pep440.satisfies(l, `${op}${r}`);
  }
  if (op === '==' || op === '===') return l === r;
  if (op === '!=') return l !== r;
  return undefined;
}

/**
 * Whether a PEP 508 marker (`python_version < "3.8" and sys_platform == "win32"`) holds in `env`.
 * undefined when it cannot be read: the requirement is then checked (a false "not checked" would
 * hide a vulnerable package). One pass over the tokens, no backtracking.
 */
export function evaluateMarker(marker: string, env: Readonly<Record<string, string>> = DEFAULT_MARKER_ENV): boolean | undefined {
  const ts = tokens(marker);
  if (!ts || !ts.length) return undefined;
  let i = 0;
  let unreadable = false;
  // or-expression of and-expressions of atoms; an unknown comparison counts as true.
  const atom = (): boolean => {
    const t = ts[i];
    if (t?.kind === '(') {
      i++;
      const v = orExpr();
      if (ts[i]?.kind !== ')') unreadable = true;
      i++;
      return v;
    }
    const [l, op, r] = [ts[i], ts[i + 1], ts[i + 2]];
    i += 3;
    if (!l || !op || !r || op.kind !== 'op' || (l.kind !== 'str' && l.kind !== 'var') || (r.kind !== 'str' && r.kind !== 'var')) {
      unreadable = true;
      return true;
    }
    const v = compare(l, op.text, r, env);
    if (v === undefined) unreadable = true;
    return v ?? true;
  };
  const andExpr = (): boolean => {
    let v = atom();
    while (!unreadable && ts[i]?.kind === 'and') {
      i++;
      v = atom() && v;
    }
    return v;
  };
  const orExpr = (): boolean => {
    let v = andExpr();
    while (!unreadable && ts[i]?.kind === 'or') {
      i++;
      v = andExpr() || v;
    }
    return v;
  };
  try {
    const v = orExpr();
    return unreadable || i !== ts.length ? undefined : v;
  } catch {
    return undefined; // thousands of nested parentheses: not a real marker
  }
}
