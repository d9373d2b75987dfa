/**
 * The last audit, kept in the workspace's state (VS Code's per-workspace storage, not a file of
 * the repository) so that a window reload does not empty the Problems panel and the views.
 * Free of `vscode`: the extension hands in its Memento.
 */
import { SEVERITY_ORDER, type Finding } from '../core/types';

export const AUDIT_STATE_KEY = 'sitewarden.lastAudit.v1';

/** More than this is not kept: the state is read at every activation. */
export const MAX_KEPT_FINDINGS = 5000;

export interface Memento {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void>;
}

interface Stored {
  savedAt: string;
  findings: Finding[];
}

/**
 * Fixes are not kept: their offsets are those of the text audited, which may have changed by the
 * next session. A file opened again is re-checked and gets its fixes back.
 */
export function toStored(findings: readonly Finding[], now = new Date()): Stored {
  return { savedAt: now.toISOString(), findings: findings.slice(0, MAX_KEPT_FINDINGS).map(({ fix: _fix, ...rest }) => rest) };
}

const isPos = (p: unknown): boolean => !!p && typeof (p as { line?: unknown }).line === 'number' && typeof (p as { column?: unknown }).column === 'number';

/** Only well-formed findings come back (the state may be from another version, or damaged). */
export function fromStored(value: unknown): Finding[] | undefined {
  if (!value || typeof value !== 'object' || !Array.isArray((value as Stored).findings)) return undefined;
  return (value as Stored).findings.filter(
    (f) =>
      !!f &&
      typeof f.ruleId === 'string' &&
      typeof f.file === 'string' &&
      typeof f.message === 'string' &&
      SEVERITY_ORDER.includes(f.severity) &&
      !!f.range &&
      isPos(f.range.start) &&
      isPos(f.range.end),
  );
}

export function saveAudit(m: Memento, findings: readonly Finding[]): Thenable<void> {
  return m.update(AUDIT_STATE_KEY, toStored(findings));
}

/** The kept audit, without the files that are gone since (`exists` asks once per file). */
export function restoreAudit(m: Memento, exists: (file: string) => boolean): Finding[] | undefined {
  const found = fromStored(m.get(AUDIT_STATE_KEY));
  if (!found) return undefined;
  const present = new Map<string, boolean>();
  return found.filter((f) => present.get(f.file) ?? (present.set(f.file, exists(f.file)), present.get(f.file)!));
}
