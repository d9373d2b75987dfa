import * as path from 'node:path';
import * as semver from 'semver';
import type { Severity } from '../core/types';
import { lookup } from '../core/lookup';
import { redactUrl } from '../core/redact';
import { hostOf, pool, tooManyVersions, type CheckOptions, type EcosystemContext } from './check-context';
import { evaluatePackage, type AdvisoryFact, type PackageFacts, type VersionScheme } from './evaluate';
import { fetchJson, type FetchOptions } from './http-cache';
import { ByteBudget, HttpClient } from './http-client';
import { readNpmSettings, registryFor } from './npmrc';
import { recordTransitive, transitiveDependency } from './transitive';
import { transitiveFix, transitiveFixText, type DependencyPackument } from './transitive-fix';
import type { Dependency, TransitivePackage } from './types';

export const NPM_VERSIONS: VersionScheme = {
  ecosystem: 'npm',
  valid: (v) => !!semver.valid(v),
  gt: (a, b) => semver.gt(a, b),
  gte: (a, b) => semver.gte(a, b),
  lt: (a, b) => semver.lt(a, b),
  compare: (a, b) => semver.compare(a, b),
  satisfies: (v, range) => semver.satisfies(v, range),
  sameMajor: (a, b) => semver.major(a) === semver.major(b),
  sameBranch: (v, fix) => semver.major(v) === semver.major(fix) && semver.minor(v) === semver.minor(fix),
  level: (from, to) => semver.diff(from, to) ?? 'newer',
  label: (name, version) => `${name}@${version}`,
  noFix: '. No fixed version is published.',
  registry: 'npm',
};

const NPM_SEVERITY: Record<string, Severity> = { info: 'low', low: 'low', moderate: 'medium', high: 'high', critical: 'critical' };

export interface Packument {
  'dist-tags'?: { latest?: string };
  versions?: Record<string, { deprecated?: string }>;
}

export interface NpmAdvisory {
  id: number;
  url?: string;
  title?: string;
  severity?: string;
  vulnerable_versions?: string;
  cwe?: string[];
}

type PackumentAnswer = { data?: Packument; failed?: string; stale?: string; notFound?: boolean };
type AdvisoryAnswer = { data?: Record<string, NpmAdvisory[]>; failed?: string; stale?: boolean };

/** The registry of one project directory (its .npmrc decides where each package is asked). */
class NpmRegistry {
  private readonly config: Record<string, string>;
  private readonly fetch: FetchOptions;
  constructor(dir: string, o: CheckOptions, contact: (origin: string) => void, budget: ByteBudget, root?: string) {
    const settings = readNpmSettings(dir, { env: o.env, home: o.home, mode: o.workspaceConfig ?? 'data', registryOverride: o.npmRegistry, root });
    this.config = settings.config;
    this.fetch = {
      cacheDir: path.join(o.cacheDir!, 'npm'),
      timeoutMs: o.timeoutMs,
      ttlMs: o.ttlMs,
      offline: o.offline,
      maxResponseBytes: o.maxResponseBytes,
      maxCacheBytes: o.maxCacheBytes,
      client: new HttpClient(settings.credentials, settings.connection, contact, budget),
    };
  }

  close(): Promise<void> {
    return this.fetch.client!.close();
  }

  registryHost(name: string): string {
    return hostOf(registryFor(name, this.config));
  }

  async packument(name: string): Promise<PackumentAnswer> {
    const spec = name.startsWith('@') ? name.replace('/', '%2f') : name;
    // Only the fields used here are kept (and cached): a full packument can be megabytes.
    const pick = (body: object): Packument => {
      const p = body as Packument;
      const versions = Object.fromEntries(Object.entries(p.versions && typeof p.versions === 'object' ? p.versions : {}).map(([v, m]) => [v, m?.deprecated ? { deprecated: String(m.deprecated) } : {}]));
      return { 'dist-tags': { latest: typeof p['dist-tags']?.latest === 'string' ? p['dist-tags'].latest : undefined }, versions };
    };
    const validate = (body: object) => tooManyVersions((body as Packument).versions);
    try {
      const r = await fetchJson<Packument>({ url: `${registryFor(name, this.config)}${spec}`, notFoundIsAnswer: true, validate, pick }, { ...this.fetch, headers: { accept: 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*' } });
      if (!r) return { failed: `${name} is not in the registry`, notFound: true };
      return { data: r.data, stale: r.stale ? (r.error ?? 'offline') : undefined };
    } catch (e) {
      return { failed: (e as Error).message.split('\n')[0] };
    }
  }

  /**
   * The packument's `dependencies` per release (for the transitive fix), cached apart from the
   * compact digest above so that the warm path of the common check stays small.
   */
  async dependencyPackument(name: string): Promise<DependencyPackument | undefined> {
    const spec = name.startsWith('@') ? name.replace('/', '%2f') : name;
    const url = `${registryFor(name, this.config)}${spec}`;
    const pick = (body: object): DependencyPackument => {
      const p = body as { versions?: Record<string, { dependencies?: unknown; deprecated?: unknown }> };
      const versions = Object.fromEntries(
        Object.entries(p.versions && typeof p.versions === 'object' ? p.versions : {}).map(([v, m]) => {
          const deps = m?.dependencies && typeof m.dependencies === 'object' ? Object.fromEntries(Object.entries(m.dependencies as Record<string, unknown>).filter(([, r]) => typeof r === 'string')) as Record<string, string> : undefined;
          return [v, { ...(deps ? { dependencies: deps } : {}), ...(m?.deprecated ? { deprecated: true } : {}) }];
        }),
      );
      return { versions };
    };
    try {
      const r = await fetchJson<DependencyPackument>({ url, key: `${redactUrl(url)} dependencies`, notFoundIsAnswer: true, validate: (body) => tooManyVersions((body as Packument).versions), pick }, this.fetch);
      return r?.data;
    } catch {
      return undefined; // the fix sentence falls back to the generic one
    }
  }

  async advisories(versions: Record<string, string[]>): Promise<AdvisoryAnswer> {
    if (Object.keys(versions).length === 0) return { data: {} };
    // The answer for exactly this request (the packages and versions asked about) is kept like a
    // packument: younger than the TTL it answers without asking (as PyPI's vulnerability data in
    // its JSON documents does), older it is the fallback when the registry fails (marked stale).
    // A warm re-check then costs no round trip; a changed version is a new request.
    const url = `${registryFor('x', this.config)}-/npm/v1/security/advisories/bulk`;
    const key = `POST ${redactUrl(url)} ${JSON.stringify(Object.keys(versions).sort().map((k) => [k, [...versions[k]].sort()]))}`;
    // Each value must be a list: `.filter` on anything else crashed the check.
    const validate = (data: object) => (Object.values(data).every(Array.isArray) ? undefined : 'the advisory endpoint answered with something other than an object of lists');
    try {
      const r = await fetchJson<Record<string, NpmAdvisory[]>>({ url, method: 'POST', body: versions, key, what: 'the advisory answer', useFresh: true, validate }, { ...this.fetch, cacheDir: path.join(path.dirname(this.fetch.cacheDir), 'npm-advisories') });
      if (!r) return { failed: 'no answer' };
      // Offline, cached data younger than the TTL is as good as fresh.
      return r.stale ? { data: r.data, stale: true, failed: r.error } : { data: r.data };
    } catch (e) {
      return { failed: (e as Error).message.split('\n')[0] };
    }
  }
}

/**
 * The version an npm dependency is checked at: the lockfile's, else the highest the spec admits
 * (`latest`: the dist-tag). Never throws: a spec semver cannot read gives undefined.
 */
function checkedVersion(d: Dependency, p: Packument | undefined): string | undefined {
  if (d.installed) return d.installed;
  if (d.spec.trim() === 'latest') return p?.['dist-tags']?.latest;
  const range = semver.validRange(d.spec.trim() || '*');
  if (!range) return undefined;
  return (p?.versions ? semver.maxSatisfying(Object.keys(p.versions), range) : null) ?? semver.minVersion(range)?.version ?? undefined;
}

/** How many releases above the checked one are asked about, to pick a fix that no advisory covers. */
const FIX_CANDIDATES = 50;

/**
 * The bulk endpoint answers with the advisories that affect the versions asked about: asking only
 * for the checked version could propose a fix that another advisory covers. Asking for the
 * releases above it too (not deprecated, stable) returns those advisories as well; the
 * evaluation reports only the ones whose range covers the checked version.
 */
function newerReleases(v: string, p: Packument | undefined): string[] {
  if (!p?.versions || !semver.valid(v)) return [];
  return Object.entries(p.versions)
    .filter(([x, m]) => semver.valid(x) && !semver.prerelease(x) && !m?.deprecated && semver.gt(x, v))
    .map(([x]) => x)
    .sort(semver.compare)
    .slice(0, FIX_CANDIDATES);
}

/**
 * For the vulnerable packages only, a second bulk request about the releases above the checked
 * version: its answer adds the advisories that cover a would-be fix, so that the fix proposed
 * fixes every advisory of the package (merged into the first answer; the evaluation reports only
 * the advisories whose range covers the checked version). When it fails, the fix is chosen from
 * the first answer alone.
 */
async function withFixAdvisories(npm: NpmRegistry, adv: AdvisoryAnswer, list: Dependency[], current: Map<Dependency, string | undefined>, packuments: Map<string, PackumentAnswer>): Promise<void> {
  if (!adv.data) return;
  const ask: Record<string, string[]> = {};
  for (const d of list) {
    const v = current.get(d);
    const found = adv.data[d.name];
    if (!v || !Array.isArray(found) || !found.some((a) => a.vulnerable_versions && semver.satisfies(v, a.vulnerable_versions))) continue;
    const newer = newerReleases(v, packuments.get(d.name)?.data);
    if (newer.length) ask[d.name] = [...new Set([...(ask[d.name] ?? []), ...newer])];
  }
  if (!Object.keys(ask).length) return;
  const more = await npm.advisories(ask);
  if (!more.data) return;
  for (const [name, list2] of Object.entries(more.data)) {
    const have = adv.data[name] ?? [];
    adv.data[name] = [...have, ...list2.filter((a) => !have.some((h) => h.id === a.id))];
  }
}

/** An npm bulk advisory as the shared evaluation reads it. */
function advisoryFact(a: NpmAdvisory): AdvisoryFact {
  const id = /GHSA-[\w-]+/.exec(a.url ?? '')?.[0] ?? `npm-${a.id}`;
  const severity = NPM_SEVERITY[a.severity ?? 'high'] ?? 'high';
  return { id, severity, summary: `${id} (${severity}) ${a.title ?? ''}`, range: a.vulnerable_versions };
}

/** The facts of one npm dependency from its packument and its project's bulk advisory answer. */
export function npmFacts(d: Dependency, version: string | undefined, packument: Packument, advisories: Record<string, NpmAdvisory[]> | undefined, stale: boolean): PackageFacts {
  const deprecated = new Map<string, string>();
  for (const [v, m] of Object.entries(packument.versions ?? {})) if (m?.deprecated) deprecated.set(v, m.deprecated);
  return {
    dep: d,
    version,
    latest: packument['dist-tags']?.latest,
    versions: Object.keys(packument.versions ?? {}).filter((x) => semver.valid(x) && !semver.prerelease(x)).sort(semver.compare),
    // Without a vulnerable range an advisory says nothing about the version in use.
    advisories: advisories ? (lookup(advisories, d.name) ?? []).filter((a) => a?.vulnerable_versions).map(advisoryFact) : undefined,
    deprecated,
    stale,
  };
}

/** npm: one packument per package, one bulk advisory call per project directory. */
export async function checkNpm(deps: Dependency[], ctx: EcosystemContext, transitive: TransitivePackage[] = []): Promise<void> {
  const { record, options: opts } = ctx;
  const byDir = new Map<string, Dependency[]>();
  for (const d of deps) {
    if (d.unchecked) {
      record.row(d, 'unchecked', { note: `not checked: ${d.unchecked}` });
      continue;
    }
    const dir = path.dirname(d.file);
    const same = byDir.get(dir);
    if (same) same.push(d);
    else byDir.set(dir, [d]);
  }
  // Transitive packages are asked about with their direct dependency's project (its registry).
  const pulled = new Map<string, TransitivePackage[]>();
  for (const t of transitive) {
    if (t.unchecked) continue;
    const dir = path.dirname(t.anchor.file);
    pulled.set(dir, [...(pulled.get(dir) ?? []), t]);
    if (!byDir.has(dir)) byDir.set(dir, []);
  }
  for (const [dir, list] of byDir) {
    const npm = new NpmRegistry(dir, opts, ctx.contact, ctx.budget, ctx.rootOf?.(list[0].file));
    const packuments = new Map<string, PackumentAnswer>();
    await pool([...new Set(list.map((d) => d.name))], opts.concurrency!, async (name) => {
      packuments.set(name, await npm.packument(name));
    });
    const current = new Map<Dependency, string | undefined>();
    const bulk: Record<string, string[]> = {};
    for (const d of list) {
      const v = checkedVersion(d, packuments.get(d.name)?.data);
      current.set(d, v);
      if (v) bulk[d.name] = [...new Set([...(bulk[d.name] ?? []), v])];
    }
    // npm audit's request: every locked name with every locked version.
    for (const t of pulled.get(dir) ?? []) bulk[t.name] = [...new Set([...(bulk[t.name] ?? []), t.version])];
    const adv = await npm.advisories(bulk);
    await checkNpmTransitive(pulled.get(dir) ?? [], adv, npm, ctx);
    await withFixAdvisories(npm, adv, list, current, packuments);
    await npm.close();
    const auditHost = npm.registryHost('x');
    for (const d of list) {
      const p = packuments.get(d.name)!;
      const host = npm.registryHost(d.name);
      if (p.failed || !p.data) {
        if (p.notFound) record.notFound(d, host, d.name);
        else {
          record.fail(host, p.failed ?? 'no data');
          record.row(d, 'unknown');
        }
        continue;
      }
      // Counted per package (not once per project) so that the notice's count is of packages.
      if (!adv.data) record.fail(auditHost, `advisories: ${adv.failed}`);
      if (p.stale) record.fail(host, `packument: ${p.stale}`, true);
      if (adv.stale) record.fail(auditHost, `advisories: ${adv.failed ?? 'offline'}`, true);
      try {
        record.evaluated(evaluatePackage({ ...npmFacts(d, current.get(d), p.data, adv.data, !!p.stale || !!adv.stale), ...ctx.project?.(d) }, NPM_VERSIONS));
      } catch (e) {
        // One package the versions library cannot read must not stop the check (nor `scan`).
        record.row(d, 'unchecked', { note: `not checked: ${(e as Error).message}` });
      }
    }
  }
}

/**
 * Transitive packages: the advisories of the bulk answer; the packument (for the fixed version)
 * only of the vulnerable ones, as npm audit does.
 */
async function checkNpmTransitive(list: TransitivePackage[], adv: AdvisoryAnswer, npm: NpmRegistry, ctx: EcosystemContext): Promise<void> {
  if (!list.length || !adv.data) return; // the failure is counted with the direct dependencies
  const hit = (t: TransitivePackage) => semver.valid(t.version) && (lookup(adv.data!, t.name) ?? []).some((a) => a?.vulnerable_versions && semver.satisfies(t.version, a.vulnerable_versions));
  const vulnerable = list.filter(hit);
  const packuments = new Map<string, PackumentAnswer>();
  await pool([...new Set(vulnerable.map((t) => t.name))], ctx.options.concurrency!, async (name) => {
    packuments.set(name, await npm.packument(name));
  });
  // `npm audit fix`'s question: which release of the direct dependency pulls a fixed version?
  // Answered from the `dependencies` of each package on the path (one packument per name).
  const chains = vulnerable.filter((t) => t.path.length > 1 && t.anchor.installed);
  const withDeps = new Map<string, DependencyPackument | undefined>();
  await pool([...new Set(chains.flatMap((t) => t.path.slice(0, -1)))], ctx.options.concurrency!, async (name) => {
    withDeps.set(name, await npm.dependencyPackument(name));
  });
  for (const t of vulnerable) {
    const p = packuments.get(t.name)?.data ?? {};
    const facts = npmFacts(transitiveDependency(t), t.version, p, adv.data, !!adv.stale);
    let text: string | undefined;
    if (chains.includes(t)) {
      const covered = (v: string) => (facts.advisories ?? []).some((a) => a.range && semver.satisfies(v, a.range));
      const fixed = facts.versions.filter((v) => !facts.deprecated?.has(v) && !covered(v));
      const fix = transitiveFix(t.path, { version: t.anchor.installed!, spec: t.anchor.spec }, fixed, (n) => withDeps.get(n));
      const above = fixed.filter((v) => semver.gt(v, t.version));
      if (fix) text = transitiveFixText(fix.kind === 'override' ? { ...fix, version: above[0] ?? fix.version } : fix, t.path, t.anchor.installed!, t.lockfile);
    }
    recordTransitive(ctx.record, t, { ...facts, latest: undefined }, NPM_VERSIONS, text);
  }
}
