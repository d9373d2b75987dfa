import * as path from 'node:path';
import * as pep440 from '@renovatebot/pep440';
import { hostOf, pool, tooManyVersions, type EcosystemContext } from './check-context';
import { evaluatePackage, type PackageFacts, type VersionScheme } from './evaluate';
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

/** The facts of one PyPI dependency at version `v` (`releases`: the project's stable ones, ascending). */
export function pypiFacts(d: Dependency, v: string, releases: string[], project: PypiProject, version: PypiProject, stale: boolean): PackageFacts {
  const yanked = version.info?.yanked || (project.releases?.[v]?.length ? project.releases[v].every((f) => f.yanked) : false);
  return {
    dep: d,
    version: v,
    latest: project.info?.version,
    versions: releases,
    // The version document lists the advisories of that version: no range to test.
    advisories: (version.vulnerabilities ?? []).filter((x) => !x.withdrawn).map((x) => ({ id: x.id, severity: 'high', summary: [x.id, ...(x.aliases ?? [])].join(' / '), fixedIn: x.fixed_in ?? [] })),
    yanked: yanked ? { reason: version.info?.yanked_reason } : undefined,
    stale,
  };
}

/**
 * PyPI: the project document (latest, releases) and the version document (vulnerabilities, yanked).
 * Returns when every dependency is recorded and the client is closed.
 */
export async function checkPypi(deps: Dependency[], ctx: EcosystemContext, transitive: TransitivePackage[] = []): Promise<void> {
  const { record, options: opts } = ctx;
  // An empty PIP_INDEX_URL (common in CI templates) means "not set", as pip reads it.
  const pypiBase = (opts.pypiIndex || opts.env?.PIP_INDEX_URL?.replace(/\/simple\/?$/, '/pypi') || 'https://pypi.org/pypi').replace(/\/$/, '');
  const pypiHost = hostOf(pypiBase);
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
    const name = normalizeName(d.name);
    let project;
    try {
      project = await fetchJson<PypiProject>(pypiRequest(`${pypiBase}/${name}/json`), fetchOpts);
    } catch (e) {
      record.fail(e instanceof RegistryError ? e.host : pypiHost, (e as Error).message);
      return void record.row(d, 'unknown');
    }
    // 404 used to give a bare 'unknown' row with nothing saying why.
    if (!project) return void record.notFound(d, pypiHost, d.name);
    const releases = stableReleases(project.data);
    const latest = project.data.info?.version;
    const v = d.installed ?? (d.spec ? pep440.maxSatisfying(releases, d.spec) ?? undefined : latest);
    if (!v) return void record.row(d, 'unknown', { latest });
    let version;
    try {
      version = await fetchJson<PypiProject>(pypiRequest(`${pypiBase}/${name}/${publicVersion(v)}/json`), fetchOpts);
    } catch (e) {
      record.fail(e instanceof RegistryError ? e.host : pypiHost, (e as Error).message);
      return void record.row(d, 'unknown', { latest });
    }
    // No version document (e.g. a lockfile pin the index does not have) means no vulnerability
    // data: it was reported 'ok'.
    if (!version) return void record.notFound(d, pypiHost, `${d.name} ${v}`);
    // Either document from a stale cache makes the result stale (only the project's was looked at).
    for (const doc of [project, version]) if (doc.stale) record.fail(pypiHost, doc.error ?? 'offline', true);
    try {
      record.evaluated(evaluatePackage(pypiFacts(d, v, releases, project.data, version.data, !!(project.stale || version.stale)), PYPI_VERSIONS));
    } catch (e) {
      record.row(d, 'unchecked', { note: `not checked: ${(e as Error).message}` });
    }
  });
  // Transitive packages from the lockfile: the version document alone (its advisories and their
  // fixed-in releases), one per locked name and version.
  const seen = new Set<string>();
  await pool(transitive.filter((t) => !t.unchecked && pep440.valid(t.version)), opts.concurrency!, async (t) => {
    const key = `${t.anchor.file}\0${normalizeName(t.name)}\0${t.version}`;
    if (seen.has(key)) return;
    seen.add(key);
    let version;
    try {
      version = await fetchJson<PypiProject>(pypiRequest(`${pypiBase}/${normalizeName(t.name)}/${publicVersion(t.version)}/json`), fetchOpts);
    } catch (e) {
      return void record.fail(e instanceof RegistryError ? e.host : pypiHost, (e as Error).message);
    }
    if (!version) return; // not on this index (a private or local build): nothing to say about it
    if (version.stale) record.fail(pypiHost, version.error ?? 'offline', true);
    const facts = pypiFacts(transitiveDependency(t), t.version, [], {}, version.data, !!version.stale);
    recordTransitive(record, t, { ...facts, latest: undefined }, PYPI_VERSIONS);
  });
  await fetchOpts.client!.close();
}
