import { createHash } from 'node:crypto';

/** What a fingerprint is made of: a finding, or a finding read back from a JSON report. */
export interface Fingerprinted {
  ruleId: string;
  snippet: string;
}

/**
 * Fingerprints that survive unrelated edits: rule, file and the flagged line's normalised text,
 * plus an occurrence counter for identical lines, but no line number. The order of `items` is the
 * order findings are reported in (the counter depends on it), so every writer and the baseline
 * reader compute them over the same list.
 */
export function stableFingerprints<T extends Fingerprinted>(items: readonly T[], relPath: (f: T) => string): string[] {
  const counts = new Map<string, number>();
  return items.map((f) => {
    const base = `${f.ruleId}\0${relPath(f)}\0${f.snippet.replace(/\s+/g, ' ')}`;
    const n = counts.get(base) ?? 0;
    counts.set(base, n + 1);
    return createHash('sha256').update(`${base}\0${n}`).digest('hex').slice(0, 32);
  });
}

/** The key of our fingerprint in SARIF `partialFingerprints`. */
export const FINGERPRINT_KEY = 'sitewarden/v1';
