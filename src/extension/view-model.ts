/**
 * What the sidebar rows say and in which order, free of `vscode` so plain tests hold it.
 */
import type { PackageRow } from '../deps/check';
import type { Finding, Severity } from '../core/types';

/** A row of the Findings view: "title — file:line" (the message goes in the tooltip: it is long). */
export function findingLabel(f: Finding, fileName: string): string {
  return `${f.title} — ${fileName}:${f.range.start.line + 1}`;
}

/** What the Findings view is narrowed to; empty lists mean everything. */
export interface FindingsFilter {
  severities: Severity[];
  rules: string[];
}

export const NO_FILTER: FindingsFilter = { severities: [], rules: [] };

export function applyFilter(findings: readonly Finding[], f: FindingsFilter): Finding[] {
  return findings.filter((x) => (!f.severities.length || f.severities.includes(x.severity)) && (!f.rules.length || f.rules.includes(x.ruleId)));
}

export function describeFilter(f: FindingsFilter): string | undefined {
  const parts = [f.severities.length ? f.severities.join(', ') : '', f.rules.length ? f.rules.join(', ') : ''].filter(Boolean);
  return parts.length ? `filtered: ${parts.join(' · ')}` : undefined;
}

/** The Dependencies view's order: the worst first (vulnerable → deprecated/yanked → outdated → unknown), then by name. */
const STATUS_RANK: Record<PackageRow['status'], number> = { vulnerable: 0, yanked: 1, deprecated: 2, outdated: 3, unknown: 4, unchecked: 5, ok: 6 };

export function dependencyOrder(rows: readonly PackageRow[]): PackageRow[] {
  return [...rows].sort((a, b) => STATUS_RANK[a.status] - STATUS_RANK[b.status] || a.name.localeCompare(b.name) || a.file.localeCompare(b.file));
}

/**
 * A transitive package's row (src/deps/transitive.ts): no declared spec, and the note saying what
 * pulls it in; it sits on the line of the direct dependency that does.
 */
export function isTransitiveRow(r: PackageRow): boolean {
  return r.declared === '' && !!r.note;
}

export interface DependencyNode {
  row: PackageRow;
  /** The transitive packages this direct dependency pulls in, worst first. */
  children: PackageRow[];
}

/**
 * The Dependencies view as a tree: each direct dependency with a problem, or pulling in a
 * transitive package with one, and under it those transitive packages (matched by the manifest
 * line they are reported on). A transitive package whose direct dependency is not known (a flat
 * lockfile) is a top-level row. Worst first, a parent ranked by its worst child.
 */
export function dependencyTree(rows: readonly PackageRow[]): DependencyNode[] {
  const key = (r: PackageRow) => `${r.ecosystem}\0${r.file}\0${r.line}`;
  const direct = new Map<string, DependencyNode>();
  for (const r of rows) if (!isTransitiveRow(r) && !direct.has(key(r))) direct.set(key(r), { row: r, children: [] });
  const top: DependencyNode[] = [];
  for (const r of rows) {
    if (!isTransitiveRow(r) || r.status === 'ok') continue;
    const parent = direct.get(key(r));
    if (parent) parent.children.push(r);
    else top.push({ row: r, children: [] });
  }
  for (const n of direct.values()) if (n.row.status !== 'ok' || n.children.length) top.push(n);
  const rank = (n: DependencyNode) => Math.min(STATUS_RANK[n.row.status], ...n.children.map((c) => STATUS_RANK[c.status]));
  for (const n of top) n.children = dependencyOrder(n.children);
  return top.sort((a, b) => rank(a) - rank(b) || a.row.name.localeCompare(b.row.name) || a.row.file.localeCompare(b.row.file));
}

/**
 * The Suppressions view's "age": the comment carries no date, so the age is counted from when
 * the editor first saw the suppression (kept in the workspace state), in whole days.
 */
export function suppressionKey(f: Finding): string {
  return `${f.ruleId}\0${f.file}\0${f.suppression?.justification ?? ''}`;
}

export function ageInDays(firstSeen: string | undefined, now: Date): number | undefined {
  const t = firstSeen ? Date.parse(firstSeen) : NaN;
  return Number.isNaN(t) ? undefined : Math.max(0, Math.floor((now.getTime() - t) / 86_400_000));
}

/** A row of the Suppressions view: rule — file:line, then the reason, the expiry and the age. */
export function suppressionRow(f: Finding, fileName: string, age: number | undefined): { label: string; description: string } {
  const s = f.suppression!;
  const parts = [s.justification || 'no reason given', s.until ? `until ${s.until}` : '', age === undefined ? '' : age === 0 ? 'seen today' : `seen for ${age} d`];
  return { label: `${f.ruleId} — ${fileName}:${f.range.start.line + 1}`, description: parts.filter(Boolean).join(' · ') };
}
