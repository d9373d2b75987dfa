import * as path from 'node:path';
import * as pep440 from '@renovatebot/pep440';
import { hostOf, pool, tooManyVersions, type EcosystemContext } from './check-context';
import { evaluatePackage, type AdvisoryFact, type PackageFacts, type VersionScheme } from './evaluate';
import { fixCandidates } from './fix-version';
import { fetchJson, RegistryError, type FetchOptions } from './http-cache';
import { connectionFromEnv, HttpClient } from './http-client';
import { normalizeName } from './python-manifests';
import { recordTransitive, transitiveDependency } from './transitive';
import type { Dependency, TransitivePackage } from './types';

/**
 * The index knows `2.1.0`, not the local build `2.1.0+cpu` (PEP 440 local versions are never
 * uploaded): the public part is what is looked up.
 */
export function publicVersion(v: string): string {
  return v.replace(/\+.*$/, '');
}

const majorOf = (v: string) => pep440.explain(v)?.release[0];

export const PYPI_VERSIONS: VersionScheme = {
  ecosystem: 'pypi',
  valid: (v) => !!pep440.valid(v),
  gt: (a, b) => pep440.gt(a, b),
  gte: (a, b) => pep440.gte(a, b),
  lt: (a, b) => pep440.lt(a, b),
  compare: (a, b) => pep440.compare(a, b),
  satisfies: (v, range) => pep440.satisfies(v, range),
  sameMajor: (a, b) => majorOf(a) === majorOf(b),
  sameBranch: (v, fix) => {
    const f = pep440.explain(fix)?.release ?? [];
    const r = pep440.explain(v)?.release ?? [];
    for (let i = 0; i < f.length - 1; i++) if ((r[i] ?? 0) !== f[i]) return false;
    return true;
  },
  level: (from, to) => {
    const a = pep440.explain(from)?.release ?? [];
    const b = pep440.explain(to)?.release ?? [];
    return (a[0] ?? 0) !== (b[0] ?? 0) ? 'major' : (a[1] ?? 0) !== (b[1] ?? 0) ? 'minor' : 'patch';
  },
  label: (name, version) => `${name} ${version}`,
  noFix: '.',
  registry: 'PyPI',
};

/** The fields of a PyPI document that the check reads (cached instead of the whole document). */
export interface PypiProject {
  info?: { version?: string; yanked?: boolean; yanked_reason?: string };
  releases?: Record<string, { yanked?: boolean }[]>;
  vulnerabilities?: { id: string; aliases?: string[]; details?: string; summary?: string; fixed_in?: string[]; link?: string; withdrawn?: string | null }[];
}

function pickPypi(body: object): PypiProject {
  const d = body as PypiProject;
  const info = d.info && typeof d.info === 'object' ? { version: d.info.version, yanked: d.info.yanked, yanked_reason: d.info.yanked_reason } : undefined;
  const releases = d.releases && typeof d.releases === 'object' ? Object.fromEntries(Object.entries(d.releases).map(([v, files]) => [v, Array.isArray(files) ? files.map((f) => ({ yanked: !!f?.yanked })) : []])) : undefined;
  return { info, releases, vulnerabilities: Array.isArray(d.vulnerabilities) ? d.vulnerabilities : undefined };
}

const pypiRequest = (url: string) => ({ url, notFoundIsAnswer: true, validate: (b: object) => tooManyVersions((b as PypiProject).releases), pick: pickPypi });

/** Stable releases of a project document, ascending. */
function stableReleases(project: PypiProject): string[] {
  return Object.keys(project.releases ?? {}).filter((v) => pep440.valid(v) && !pep440.explain(v)?.is_prerelease).sort(pep440.compare);
}

/** Releases every file of which is yanked: pip skips them unless pinned with `==`/`===` (PEP 592). */
export function yankedReleases(project: PypiProject): Set<string> {
  return new Set(Object.entries(project.releases ?? {}).filter(([, files]) => files.length > 0 && files.every((f) => f.yanked)).map(([v]) => v));
}

/**
 * The version pip would install for a spec: the highest release it admits that is not yanked; a
 * yanked one only for an exact pin (or when nothing else matches: pip then refuses to install,
 * and the yanked release is what the spec names). Taking the highest match regardless hid the
 * vulnerability of the version pip actually installs behind a yanked release.
 */
export function resolvePypiVersion(spec: string, releases: string[], yanked: ReadonlySet<string>): string | undefined {
  const pinned = /^===?[^,]+$/.test(spec);
  return pep440.maxSatisfying(releases.filter((r) => pinned || !yanked.has(r)), spec) ?? pep440.maxSatisfying(releases, spec) ?? undefined;
}

type PypiVuln = NonNullable<PypiProject['vulnerabilities']>[number];

function advisoriesOf(version: PypiProject): AdvisoryFact[] {
  return (version.vulnerabilities ?? []).filter((x: PypiVuln) => !x.withdrawn).map((x) => ({ id: x.id, severity: 'high' as const, summary: [x.id, ...(x.aliases ?? [])].join(' / '), fixedIn: x.fixed_in ?? [], ...(x.aliases?.length ? { aliases: x.aliases } : {}) }));
}

/** The facts of one PyPI dependency at version `v` (`releases`: the project's stable ones, ascending). */
export function pypiFacts(d: Dependency, v: string, releases: string[], project: PypiProject, version: PypiProject, stale: boolean): PackageFacts {
  const yanked = version.info?.yanked || (project.releases?.[v]?.length ? project.releases[v].every((f) => f.yanked) : false);
  return {
    dep: d,
    version: v,
    latest: project.info?.version,
    versions: releases,
    // The version document lists the advisories of that version: no range to test.
    advisories: advisoriesOf(version),
    yanked: yanked ? { reason: version.info?.yanked_reason } : undefined,
    yankedVersions: yankedReleases(project),
    stale,
  };
}

/** How many release documents are read to confirm a fix (each one is a request). */
const FIX_CONFIRMATIONS = 4;

/**
 * A fix chosen from `fixed_in` alone is a guess (the lists name one release per branch, and a
 * later release may carry advisories of its own): the candidate's own document says whether it
 * is affected. Advisories found there join the set and the next candidate is tried.
 */
async function confirmFix(facts: PackageFacts, fetchRelease: (v: string) => Promise<PypiProject | undefined>): Promise<string | undefined> {
  const known = [...(facts.advisories ?? [])];
  for (let i = 0; i < FIX_CONFIRMATIONS; i++) {
    const candidate = fixCandidates(facts, known, PYPI_VERSIONS)[0];
    if (!candidate) return undefined;
    const doc = await fetchRelease(candidate);
    if (!doc) return undefined; // not confirmed: the evaluation's own choice stands
    const more = advisoriesOf(doc);
    if (!more.length) return candidate;
    // Still affected at the candidate: nothing at or below it is a fix.
    for (const a of more) known.push({ ...a, fixedIn: (a.fixedIn ?? []).filter((f) => pep440.valid(f) && pep440.gt(f, candidate)) });
  }
  return undefined;
}

/**
 * PyPI: the project document (latest, releases) and the version document (vulnerabilities, yanked),
 * from the index that routes the package (see python-sources.ts): each index of its route in
 * turn, the next only when one says "not here" — a failing private index never sends the name on.
 * Returns when every dependency is recorded and the client is closed.
 */
export async function checkPypi(deps: Dependency[], ctx: EcosystemContext, transitive: TransitivePackage[] = []): Promise<void> {
  const { record, options: opts } = ctx;
  const publicBase = defaultPypiBase(opts);
  // Credentials for PyPI only ever come from the user's index URL (its userinfo becomes a Basic
  // header for that origin, in the client); proxies from the user's environment.
  const fetchOpts: FetchOptions = {
    cacheDir: path.join(opts.cacheDir!, 'pypi'),
    timeoutMs: opts.timeoutMs,
    ttlMs: opts.ttlMs,
    offline: opts.offline,
    maxResponseBytes: opts.maxResponseBytes,
    maxCacheBytes: opts.maxCacheBytes,
    client: new HttpClient([], connectionFromEnv(opts.env ?? process.env), ctx.contact, ctx.budget),
  };
  await pool(deps, opts.concurrency!, async (d) => {
    if (d.unchecked) return void record.row(d, 'unchecked', { note: `not checked: ${d.unchecked}` });
    const route = ctx.pypiRoute?.(d) ?? { indexes: [publicBase] };
    if ('unchecked' in route) return void record.row(d, 'unchecked', { note: route.unchecked });
    const name = normalizeName(d.name);
    let project;
    let base = route.indexes[0];
    try {
      for (base of route.indexes) {
        project = await fetchJson<PypiProject>(pypiRequest(`${base}/${name}/json`), fetchOpts);
        if (project) break;
      }
    } catch (e) {
      record.fail(e instanceof RegistryError ? e.host : hostOf(base), (e as Error).message);
      return void record.row(d, 'unknown');
    }
    const pypiHost = hostOf(base);
    // 404 used to give a bare 'unknown' row with nothing saying why.
    if (!project) return void record.notFound(d, route.indexes.map(hostOf).join(', '), d.name);
    const releases = stableReleases(project.data);
    const latest = project.data.info?.version;
    const v = d.installed ?? (d.spec ? resolvePypiVersion(d.spec, releases, yankedReleases(project.data)) : latest);
    if (!v) return void record.row(d, 'unknown', { latest });
    let version;
    try {
      version = await fetchJson<PypiProject>(pypiRequest(`${base}/${name}/${publicVersion(v)}/json`), fetchOpts);
    } catch (e) {
      record.fail(e instanceof RegistryError ? e.host : pypiHost, (e as Error).message);
      return void record.row(d, 'unknown', { latest });
    }
    // No version document (e.g. a lockfile pin the index does not have) means no vulnerability
    // data: it was reported 'ok'.
    if (!version) return void record.notFound(d, pypiHost, `${d.name} ${v}`);
    // Either document from a stale cache makes the result stale (only the project's was looked at).
    for (const doc of [project, version]) if (doc.stale) record.fail(pypiHost, doc.error ?? 'offline', true);
    const facts: PackageFacts = { ...pypiFacts(d, v, releases, project.data, version.data, !!(project.stale || version.stale)), ...ctx.project?.(d) };
    if (facts.advisories?.length) {
      facts.fixVersion = await confirmFix(facts, async (x) => {
        try {
          return (await fetchJson<PypiProject>(pypiRequest(`${base}/${name}/${x}/json`), fetchOpts))?.data;
        } catch {
          return undefined;
        }
      });
    }
    try {
      record.evaluated(evaluatePackage(facts, PYPI_VERSIONS));
    } catch (e) {
      // One package the versions library cannot read must not stop the check (nor `scan`).
      record.row(d, 'unchecked', { note: `not checked: ${(e as Error).message}` });
    }
  });
  // Transitive packages from the lockfile: the version document alone (its advisories and their
  // fixed-in releases), one per locked name and version, asked of the indexes that route the
  // direct dependency pulling it in (a private package's dependencies are not sent elsewhere first).
  const seen = new Set<string>();
  await pool(transitive.filter((t) => !t.unchecked && pep440.valid(t.version)), opts.concurrency!, async (t) => {
    const key = `${t.anchor.file}\0${normalizeName(t.name)}\0${t.version}`;
    if (seen.has(key)) return;
    seen.add(key);
    const route = ctx.pypiRoute?.(t.anchor) ?? { indexes: [publicBase] };
    if ('unchecked' in route) return;
    let version;
    let base = route.indexes[0];
    try {
      for (base of route.indexes) {
        version = await fetchJson<PypiProject>(pypiRequest(`${base}/${normalizeName(t.name)}/${publicVersion(t.version)}/json`), fetchOpts);
        if (version) break;
      }
    } catch (e) {
      return void record.fail(e instanceof RegistryError ? e.host : hostOf(base), (e as Error).message);
    }
    if (!version) return; // not on these indexes (a local build): nothing to say about it
    if (version.stale) record.fail(hostOf(base), version.error ?? 'offline', true);
    const facts = pypiFacts(transitiveDependency(t), t.version, [], {}, version.data, !!version.stale);
    recordTransitive(record, t, { ...facts, latest: undefined }, PYPI_VERSIONS);
  });
  await fetchOpts.client!.close();
}

/** The user's own index for packages nothing else routes: --pypi-index, PIP_INDEX_URL, else pypi.org. */
export function defaultPypiBase(opts: { pypiIndex?: string; env?: NodeJS.ProcessEnv }): string {
  // An empty PIP_INDEX_URL (common in CI templates) means "not set", as pip reads it.
  return (opts.pypiIndex || jsonApiBase(opts.env?.PIP_INDEX_URL || '') || 'https://pypi.org/pypi').replace(/\/$/, '');
}

/** The JSON API base of a simple-index URL (`…/simple/` → `…/pypi`), as PyPI and its mirrors lay it out. */
export function jsonApiBase(indexUrl: string): string {
  return indexUrl.trim().replace(/\/simple\/?$/, '/pypi').replace(/\/$/, '');
}
