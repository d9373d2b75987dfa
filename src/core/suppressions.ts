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

/** Parses the text of one comment (without knowing the language's comment syntax beyond `#`, `//`, block). */
export function parseSuppression(commentText: string, line: number, standalone: boolean): SuppressionComment | undefined {
  const body = commentText.replace(/^\s*(#|\/\/|\/\*)\s?/, '').replace(/\*\/\s*$/, '').trim();
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
