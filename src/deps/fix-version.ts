import type { AdvisoryFact, PackageFacts, VersionScheme } from './evaluate';

/**
 * Whether version `x` is still affected by an advisory that states its fixes as a list of
 * releases (PyPI/OSV `fixed_in`). Each fixed release closes its own branch: with
 * `fixed_in = [2.2.5, 2.3.2]`, 2.2.6 is fixed (on the 2.2 branch, after 2.2.5) but 2.3.1 is not —
 * the next fix above it, 2.3.2, is on its own branch. Taking "any fix below" as the answer told
 * Flask 2.3.0 to move to 2.3.1, which is still vulnerable.
 */
export function affectedByFixedIn(x: string, fixedIn: readonly string[], scheme: VersionScheme): boolean {
  const fixes = fixedIn.filter((f) => scheme.valid(f)).sort(scheme.compare);
  if (!fixes.some((f) => scheme.gte(x, f))) return true;
  const next = fixes.find((f) => scheme.gt(f, x));
  return next !== undefined && scheme.sameBranch(x, next);
}

/** Whether `x` is affected by the advisory, by its range (npm) or its fixed releases (PyPI). */
export function affectedBy(x: string, a: AdvisoryFact, scheme: VersionScheme): boolean {
  return a.range !== undefined ? scheme.satisfies(x, a.range) : affectedByFixedIn(x, a.fixedIn ?? [], scheme);
}

export interface FixChoice {
  version: string;
  /** A major update away from the checked version (breaking changes are likely). */
  major: boolean;
  /** Constraints elsewhere in the file that the fix does not satisfy (when none that does exists). */
  conflicts: string[];
}

/**
 * Releases above the checked version that no advisory of the package covers, that are neither
 * yanked nor deprecated, ascending. Those satisfying the other constraints come first.
 */
export function fixCandidates(facts: PackageFacts, advisories: readonly AdvisoryFact[], scheme: VersionScheme): string[] {
  const v = facts.version!;
  const all = facts.versions.filter((x) => scheme.gt(x, v) && !facts.yankedVersions?.has(x) && !facts.deprecated?.get(x) && advisories.every((a) => !affectedBy(x, a, scheme)));
  const fits = (x: string) => (facts.constraints ?? []).every((c) => scheme.satisfies(x, c));
  return [...all.filter(fits), ...all.filter((x) => !fits(x))];
}

/**
 * The smallest release that fixes every advisory of the package: from the registry's own
 * confirmation when the check asked it (`facts.fixVersion`), else the first candidate above.
 */
export function chooseFix(facts: PackageFacts, advisories: readonly AdvisoryFact[], scheme: VersionScheme): FixChoice | undefined {
  const version = facts.fixVersion ?? fixCandidates(facts, advisories, scheme)[0];
  if (!version) return undefined;
  const conflicts = (facts.constraints ?? []).filter((c) => !scheme.satisfies(version, c));
  return { version, major: scheme.level(facts.version!, version).endsWith('major'), conflicts };
}
