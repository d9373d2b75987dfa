import type { Finding } from '../core/types';
import type { CheckRecord } from './check-context';
import { evaluatePackage, type PackageFacts, type VersionScheme } from './evaluate';
import type { Dependency, TransitivePackage } from './types';

/** "via express › qs 6.5.2": the path from the direct dependency, as findings and rows name it. */
export function viaText(t: TransitivePackage): string {
  return t.path.length > 1 ? `via ${t.path.join(' › ')} ${t.version}` : `locked in ${t.lockfile.split(/[\\/]/).pop()} (which does not say what pulls it in)`;
}

/** The transitive package as a dependency to evaluate: on its anchor's line, without a spec to edit. */
export function transitiveDependency(t: TransitivePackage): Dependency {
  const a = t.anchor;
  return { ecosystem: a.ecosystem, name: t.name, spec: '', file: a.file, line: a.line, column: a.column, specStart: a.specStart, specEnd: a.specStart, installed: t.version, ...(t.dev ? { dev: true } : {}) };
}

/**
 * Records what the advisories say about one transitive package: a dep-vulnerable finding on the
 * line of the direct dependency that pulls it in (never an edit there: the manifest does not
 * name it; the fix is the lockfile's), and a table row for vulnerable ones. Outdated and
 * deprecated transitive packages are not reported (npm audit and pip-audit do not either).
 * `fixText` (npm): which bump of the direct dependency brings the fix (src/deps/transitive-fix.ts).
 */
export function recordTransitive(record: CheckRecord, t: TransitivePackage, facts: Omit<PackageFacts, 'dep' | 'version'>, scheme: VersionScheme, fixText?: string): void {
  const dep = transitiveDependency(t);
  let e;
  try {
    e = evaluatePackage({ ...facts, dep, version: t.version }, scheme);
  } catch (err) {
    record.report.problems.push({ file: t.anchor.file, message: `${t.name} ${t.version} (${viaText(t)}) not checked: ${(err as Error).message}` });
    return;
  }
  const vulnerable = e.findings.filter((f) => f.ruleId === 'dep-vulnerable');
  if (!vulnerable.length) return;
  const a = t.anchor;
  const width = Math.max(1, a.specEnd - a.specStart);
  for (const f of vulnerable as Finding[]) {
    f.message = `${viaText(t)}: ${f.message}${fixText ? ` ${fixText}` : t.path.length > 1 ? ` It comes with ${t.path[0]}: a lockfile update or a newer ${t.path[0]} brings the fix.` : ''}`;
    f.range = { start: { line: a.line, column: a.column }, end: { line: a.line, column: a.column + width } };
    delete f.fix;
  }
  record.evaluated({ findings: vulnerable, row: { ...e.row, declared: '', note: viaText(t), ...(fixText ? { viaFix: fixText } : {}) } });
}
