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
  /** `until=YYYY-MM-DD` at the end of the reason: the last day the comment holds. */
  until?: string;
}

/** `until=2027-01-31` ending a reason: the suppression lapses after that day (UTC). */
const UNTIL = /(?:^|\s)until=(\d{4}-\d{2}-\d{2})\s*$/;

/** A reason as written, split into the reason and its optional expiry date. */
export function splitExpiry(justification: string): { justification: string; until?: string } {
  const m = UNTIL.exec(justification);
  if (!m || Number.isNaN(Date.parse(`${m[1]}T00:00:00Z`))) return { justification };
  return { justification: justification.slice(0, m.index).trim(), until: m[1] };
}

/** Whether a suppression's `until` day is over: the finding is reported again, with a note. */
export function suppressionExpired(s: { until?: string }, now: Date = new Date()): boolean {
  return !!s.until && now.toISOString().slice(0, 10) > s.until;
}

/** The note an expired suppression adds to its finding's message, so the reader sees why it is back. */
export function expiredNote(s: { until?: string; justification: string }): string {
  return ` (suppression expired after ${s.until}${s.justification ? `: ${s.justification}` : ''})`;
}

/**
 * The reason part of a new suppression comment: one line, without anything that would end the
 * comment early (`*\/`, `-->`), then ` until=DATE` when an expiry is given.
 */
export function suppressionReasonText(reason: string, until?: string): string {
  const clean = reason.replace(/[\r\n\u2028\u2029]+/g, ' ').replace(/\*\/|-->|%>|#}/g, '').replace(/\s+/g, ' ').trim();
  return until ? `${clean} until=${until}` : clean;
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
    return { line, standalone, ids, kind: 'sitewarden-ignore', ...splitExpiry((sw[2] ?? '').trim()) };
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
