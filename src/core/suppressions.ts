import type { CommentSyntax } from './language-registry';
import type { Suppression } from './types';

/**
 * One suppression comment: `sitewarden-ignore[ID, ID2]: reason`, or Bandit's `nosec` (with or
 * without test ids). `ids` empty means every rule.
 */
export interface SuppressionComment {
  line: number;
  /** The comment is alone on its line: it then covers the statement that follows. */
  standalone: boolean;
  ids: string[];
  /** Bandit ids (B602) given to `nosec`: matched against a rule's `bandit` aliases. */
  kind: Suppression['kind'];
  justification: string;
}

const SITEWARDEN = /sitewarden-ignore(?:\[([^\]]*)\])?\s*(?::\s*(.*))?$/;
const NOSEC = /(?:^|[\s#])nosec\b(?::?\s*([A-Za-z0-9_,\s-]*))?/;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** The comment's text without its delimiters: those of `syntax` (the language's, from the registry), else `#`, `//`, `/* *\/`. */
function commentBody(commentText: string, syntax: CommentSyntax | undefined): string {
  const openers = syntax ? [syntax.line, syntax.block?.[0]].filter((x): x is string => !!x) : ['#', '//', '/*'];
  const closer = syntax ? syntax.block?.[1] : '*/';
  let body = commentText.replace(new RegExp(`^\\s*(${openers.map(escapeRegExp).join('|')})\\s?`), '');
  if (closer) body = body.replace(new RegExp(`${escapeRegExp(closer)}\\s*$`), '');
  return body.trim();
}

/** Parses the text of one comment; `syntax` is the comment syntax of the file's language. */
export function parseSuppression(commentText: string, line: number, standalone: boolean, syntax?: CommentSyntax): SuppressionComment | undefined {
  const body = commentBody(commentText, syntax);
  const sw = SITEWARDEN.exec(body);
  if (sw) {
    const ids = (sw[1] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    return { line, standalone, ids, kind: 'sitewarden-ignore', justification: (sw[2] ?? '').trim() };
  }
  const ns = NOSEC.exec(body);
  if (ns) {
    const ids = (ns[1] ?? '').split(/[\s,]+/).map((s) => s.trim()).filter((s) => /^B\d{3}$/.test(s));
    return { line, standalone, ids, kind: 'nosec', justification: '' };
  }
  return undefined;
}

/** Whether a comment applies to a rule: by its id, or by a Bandit id for `nosec`. */
export function suppressionMatches(s: SuppressionComment, ruleId: string, banditIds: readonly string[] = []): boolean {
  if (s.ids.length === 0) return true;
  return s.ids.some((id) => id === ruleId || banditIds.includes(id));
}
