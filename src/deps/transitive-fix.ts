import * as path from 'node:path';
import * as semver from 'semver';

/** What a packument says about each release's dependencies: all that the walk below needs. */
export interface DependencyPackument {
  versions: Record<string, { dependencies?: Record<string, string>; deprecated?: boolean }>;
}

/**
 * How a vulnerable transitive package gets fixed, as `npm audit fix` would decide it:
 * - `update`: the locked direct dependency's own ranges (down the path) already admit a fixed
 *   version: a lockfile update brings it (`npm audit fix`);
 * - `bump`: the smallest newer release of the direct dependency that pulls a fixed version;
 *   `inRange` when the manifest's spec admits it (`npm audit fix`), else `npm audit fix --force`;
 * - `override`: no release of the direct dependency does: only an `overrides` entry fixes it.
 */
export type TransitiveFix =
  | { kind: 'update' }
  | { kind: 'bump'; version: string; major: boolean; inRange: boolean }
  | { kind: 'override'; version: string };

/** How far down a path the walk goes, and how many releases of the direct dependency it tries. */
const MAX_PATH = 8;
const MAX_CANDIDATES = 500;

/**
 * `chain`: the names from the direct dependency to the vulnerable package, both ends included.
 * `fixed`: the vulnerable package's releases no known advisory covers, ascending. Each release
 * down the path resolves to the highest version its range admits, as npm's resolver picks it.
 * `undefined` when the packuments do not tell (missing, or a range semver cannot read).
 */
export function transitiveFix(chain: string[], direct: { version: string; spec: string }, fixed: string[], packumentOf: (name: string) => DependencyPackument | undefined): TransitiveFix | undefined {
  if (chain.length < 2 || chain.length > MAX_PATH || !fixed.length || !semver.valid(direct.version)) return undefined;
  const last = chain.length - 1;
  // Whether chain[j] at `version` pulls only fixed releases of chain[last] along this path.
  const pullsFix = (j: number, version: string): boolean | undefined => {
    const release = packumentOf(chain[j])?.versions?.[version];
    if (!release) return undefined;
    const range = release.dependencies && Object.prototype.hasOwnProperty.call(release.dependencies, chain[j + 1]) ? release.dependencies[chain[j + 1]] : undefined;
    if (range === undefined) return true; // the path is gone: the package is no longer pulled in this way
    if (typeof range !== 'string' || !semver.validRange(range)) return undefined;
    if (j + 1 === last) return fixed.some((v) => semver.satisfies(v, range));
    const next = packumentOf(chain[j + 1]);
    const pick = next ? semver.maxSatisfying(Object.keys(next.versions ?? {}).filter((v) => semver.valid(v) && !semver.prerelease(v)), range) : null;
    return pick ? pullsFix(j + 1, pick) : undefined;
  };
  const now = pullsFix(0, direct.version);
  if (now === undefined) return undefined;
  if (now) return { kind: 'update' };
  const releases = packumentOf(chain[0])?.versions ?? {};
  const candidates = Object.keys(releases)
    .filter((v) => semver.valid(v) && !semver.prerelease(v) && !releases[v]?.deprecated && semver.gt(v, direct.version))
    .sort(semver.compare)
    .slice(0, MAX_CANDIDATES);
  for (const v of candidates) {
    if (pullsFix(0, v) !== true) continue;
    const range = semver.validRange(direct.spec.trim() || '*');
    return { kind: 'bump', version: v, major: semver.major(v) !== semver.major(direct.version) || (semver.major(v) === 0 && semver.minor(v) !== semver.minor(direct.version)), inRange: !!range && semver.satisfies(v, range) };
  }
  return { kind: 'override', version: fixed[0] };
}

/** The lockfile's own name for an override: npm's `overrides`, yarn's `resolutions`, pnpm's `pnpm.overrides`. */
function overrideField(lockfile: string): string {
  const base = path.basename(lockfile);
  return base === 'yarn.lock' ? 'resolutions' : base === 'pnpm-lock.yaml' ? 'pnpm.overrides' : 'overrides';
}

/** npm's fix commands only for npm's lockfiles: yarn and pnpm have their own ways. */
function isNpmLock(lockfile: string): boolean {
  const base = path.basename(lockfile);
  return base === 'package-lock.json' || base === 'npm-shrinkwrap.json';
}

/** The sentence for the finding and the table: what brings `name` to a fixed version. */
export function transitiveFixText(fix: TransitiveFix, chain: string[], directVersion: string, lockfile: string): string {
  const [direct, name] = [chain[0], chain[chain.length - 1]];
  const npm = isNpmLock(lockfile);
  switch (fix.kind) {
    case 'update':
      return `The ranges of ${direct} ${directVersion} already admit a fixed ${name}: a lockfile update brings it${npm ? ' (`npm audit fix`)' : ''}.`;
    case 'bump':
      return `${direct} ${fix.version} is the first release that pulls a fixed ${name}${fix.major ? ' (a major update)' : ''}: ${fix.inRange ? `the declared range admits it, a lockfile update brings it${npm ? ' (`npm audit fix`)' : ''}` : `update ${direct} to ${fix.version}${npm ? ' (`npm audit fix --force`)' : ''}`}.`;
    case 'override':
      return `No release of ${direct} pulls a fixed ${name}${npm ? ' (`npm audit fix --force` cannot fix it)' : ''}: add "${overrideField(lockfile)}": { "${name}": "${fix.version}" } to package.json.`;
  }
}
