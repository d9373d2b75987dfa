import { normalizeName } from './python-manifests';
import type { ManifestResult } from './types';

/** What the check covered of the dependency tree, for the "N direct, M transitive checked" line. */
export interface TreeCoverage {
  /** Direct dependencies checked (declared, and not reported as not checked; not a compiled file's `# via` pins). */
  direct: number;
  /** Distinct locked transitive packages (name and version, per lockfile) checked. */
  transitive: number;
  /** Lockfiles read, with their format. */
  lockfiles: { file: string; format: string }[];
  /** Manifests without a lockfile (a requirements file: with lines that pin nothing): transitive packages not checked. */
  unlocked: string[];
}

/** `omitDev`: `--omit dev` left dev dependencies, and what only they pull in, out of the check. */
export function treeCoverage(manifests: ManifestResult[], omitDev = false): TreeCoverage {
  const lockfiles = new Map<string, string>();
  const transitive = new Set<string>();
  const unlocked: string[] = [];
  let direct = 0;
  for (const m of manifests) {
    for (const d of m.dependencies) {
      if (d.unchecked || (omitDev && d.dev)) continue;
      // A compiled requirements file pins the whole tree: its `# via flask` lines are transitive.
      if (d.pulledBy) transitive.add(`${d.file}\0${normalizeName(d.name)}\0${d.installed ?? d.spec}`);
      else direct++;
    }
    if (m.lock) lockfiles.set(m.lock.file, m.lock.format);
    // A requirements file pinning every line (pip-compile's output) is its own lockfile.
    else if (m.dependencies.length && (m.lockable || m.dependencies.some((d) => !d.unchecked && !d.installed))) unlocked.push(m.dependencies[0].file);
    for (const t of m.transitive ?? []) if (!t.unchecked && !(omitDev && t.dev)) transitive.add(`${t.lockfile}\0${t.name}\0${t.version}`);
  }
  return { direct, transitive: transitive.size, lockfiles: [...lockfiles].map(([file, format]) => ({ file, format })), unlocked };
}

/** One line for people: "12 direct, 340 transitive checked (package-lock v3: package-lock.json)". */
export function coverageLine(c: TreeCoverage, rel: (file: string) => string): string[] {
  const lines = [`${c.direct} direct, ${c.transitive} transitive checked${c.lockfiles.length ? ` (${c.lockfiles.map((l) => `${l.format}: ${rel(l.file)}`).join(', ')})` : ''}`];
  for (const f of c.unlocked) lines.push(`${rel(f)}: no lockfile, transitive packages were not checked`);
  return lines;
}
