import { createHash } from 'node:crypto';
import type { Finding } from '../types';

/**
 * Fingerprints that survive unrelated edits: rule, file and the flagged line's normalised text,
 * plus an occurrence counter for identical lines, but no line number.
 */
export function stableFingerprints(findings: readonly Finding[], relPath: (f: Finding) => string): string[] {
  const counts = new Map<string, number>();
  return findings.map((f) => {
    const base = `${f.ruleId}\0${relPath(f)}\0${f.snippet.replace(/\s+/g, ' ')}`;
    const n = counts.get(base) ?? 0;
    counts.set(base, n + 1);
    return createHash('sha256').update(`${base}\0${n}`).digest('hex').slice(0, 32);
  });
}
