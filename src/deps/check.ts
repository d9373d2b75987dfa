import * as os from 'node:os';
import * as fs from 'node:fs';
import * as path from 'node:path';
import npmFetch from 'npm-registry-fetch';
import * as semver from 'semver';
import * as pep440 from '@renovatebot/pep440';
import { discoverFiles } from '../core/discovery';
import type { Finding, Severity } from '../core/types';
import { getJson, readCached, RegistryError, writeCached } from './http-cache';
import { readPackageJson } from './npm-manifests';
import { readNpmrc, registryFor, type WorkspaceConfigMode } from './npmrc';
import { normalizeName, readPipfile, readPyproject, readRequirements } from './python-manifests';
import { DEPENDENCY_RULES } from './rules';
import { originOf } from '../core/redact';
import type { Dependency, ManifestResult } from './types';

export interface CheckOptions {
  /** Overrides the registry from .npmrc. */
  npmRegistry?: string;
  /** Base of the PyPI JSON API (default https://pypi.org/pypi). */
  pypiIndex?: string;
  offline?: boolean;
  cacheDir?: string;
  timeoutMs?: number;
  /** How long cached registry answers are used without asking (default 1 h). */
  ttlMs?: number;
  concurrency?: number;
  env?: NodeJS.ProcessEnv;
  home?: string;
  /**
   * What the scanned workspace's configuration (.npmrc, index URLs in its manifests) may do:
   * 'data' (default) only routes look-ups, 'trusted' is npm's/pip's full meaning
   * (`--trust-workspace-config`), 'ignored' reads none of it (the editor's Restricted Mode).
   */
  workspaceConfig?: WorkspaceConfigMode;
}

export type { WorkspaceConfigMode } from './npmrc';

export interface Notice {
  host: string;
  message: string;
  /** Cached data older than the TTL was used instead. */
  stale: boolean;
}

export type PackageStatus = 'ok' | 'outdated' | 'vulnerable' | 'deprecated' | 'yanked' | 'unchecked' | 'unknown';

export interface PackageRow {
  ecosystem: 'npm' | 'pypi';
  name: string;
  declared: string;
  installed?: string;
  latest?: string;
  status: PackageStatus;
  advisories: string[];
  file: string;
  line: number;
  /** Checked against out-of-date cached registry data (the registry failed, or offline). */
  stale?: boolean;
  /** Why the status is what it is, when the table alone does not say (e.g. not found on the registry). */
  note?: string;
}

/** A finding made from cached data after the registry failed carries `stale` (and says so in its message). */
export type DependencyFinding = Finding & { stale?: boolean };

export interface DependencyReport {
  findings: DependencyFinding[];
  notices: Notice[];
  packages: PackageRow[];
  problems: { file: string; message: string }[];
  /** Some dependency could not be checked because a registry failed: not a clean result. */
  incomplete: boolean;
  /** Origins (scheme://host:port, credentials removed) that the check sent requests to, sorted. */
  hostsContacted: string[];
}

interface Advisory {
  id: string;
  aliases: string[];
  title: string;
  severity: Severity;
  url?: string;
  fixedIn?: string;
  /** npm: the vulnerable semver range. */
  range?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `Retry-After` (seconds) from an npm-registry-fetch error, whose headers are `raw()` arrays. */
function retryAfterMs(e: unknown): number | undefined {
  const h = (e as { headers?: Record<string, string | string[]> }).headers?.['retry-after'];
  const s = Number(Array.isArray(h) ? h[0] : h);
  return Number.isFinite(s) && s > 0 ? Math.min(5000, s * 1000) : undefined;
}

const NPM_SEVERITY: Record<string, Severity> = { info: 'low', low: 'low', moderate: 'medium', high: 'high', critical: 'critical' };

async function pool<T>(items: T[], n: number, f: (t: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (i < items.length) await f(items[i++]);
  }));
}

/** Keeps the operator style of the declared spec: `^1.2.3` → `^1.4.0`, `==2.0` → `==2.1`. */
export function bumpSpec(spec: string, to: string, ecosystem: 'npm' | 'pypi'): string {
  if (ecosystem === 'npm') {
    const m = /^(\^|~|>=|=|v)?\s*\d/.exec(spec.trim());
    return `${m?.[1] === 'v' ? '' : m?.[1] ?? ''}${to}`;
  }
  const parts = spec.split(',').map((x) => x.trim()).filter(Boolean);
  const first = /^(===|==|~=|>=|>)\s*/.exec(parts[0] ?? '');
  if (!first) return `>=${to}`;
  // Keep upper bounds that still admit the new version; drop the ones that would exclude it.
  const rest = parts.slice(1).filter((x) => {
    const m = /^(<=?)\s*(.+)$/.exec(x);
    if (!m) return !/^>/.test(x);
    return pep440.valid(m[2]) ? (m[1] === '<' ? pep440.lt(to, m[2]) : pep440.lte(to, m[2])) : true;
  });
  return [`${first[1] === '>' ? '>=' : first[1]}${to}`, ...rest].join(',');
}

function finding(dep: Dependency, ruleId: string, severity: Severity, message: string, fixTo?: string): Finding {
  const rule = DEPENDENCY_RULES.find((r) => r.meta.id === ruleId)!;
  const f: Finding = {
    ruleId,
    title: rule.meta.title,
    message,
    severity,
    confidence: 'high',
    cwe: rule.meta.cwe,
    owasp: rule.meta.owasp,
    file: dep.file,
    range: { start: { line: dep.line, column: dep.column }, end: { line: dep.line, column: dep.column + Math.max(1, dep.specEnd - dep.specStart) } },
    snippet: `${dep.name} ${dep.spec}`.trim(),
    docsUrl: `https://github.com/sitewarden/sitewarden/blob/main/docs/rules/${ruleId}.md`,
  };
  if (fixTo && dep.specEnd > dep.specStart) {
    f.fix = { title: `Update ${dep.name} to ${fixTo}`, safe: false, edits: [{ start: dep.specStart, end: dep.specEnd, newText: bumpSpec(dep.spec, fixTo, dep.ecosystem) }] };
  }
  return f;
}

function level(from: string, to: string, ecosystem: 'npm' | 'pypi'): string {
  if (ecosystem === 'npm') return semver.diff(from, to) ?? 'newer';
  const a = pep440.explain(from)?.release ?? [];
  const b = pep440.explain(to)?.release ?? [];
  return (a[0] ?? 0) !== (b[0] ?? 0) ? 'major' : (a[1] ?? 0) !== (b[1] ?? 0) ? 'minor' : 'patch';
}

function manifestFiles(roots: string[]): string[] {
  const out: string[] = [];
  const d = discoverFiles(roots);
  for (const f of d.otherFiles) {
    const base = path.basename(f.path);
    if (base === 'package.json' || /^requirements.*\.txt$/i.test(base) || base === 'pyproject.toml' || base === 'Pipfile') out.push(f.path);
  }
  // requirements files included by others are read through their includes, not twice.
  return out.sort();
}

class NpmChecker {
  private readonly config: Record<string, string>;
  constructor(
    dir: string,
    private readonly o: CheckOptions,
    private readonly contact: (url: string) => void,
  ) {
    this.config = readNpmrc(dir, o.env, o.home, o.workspaceConfig ?? 'data');
    if (o.npmRegistry) this.config.registry = o.npmRegistry;
  }

  private opts(name?: string): Record<string, unknown> {
    const config = this.config;
    return {
      ...config,
      ...(name ? { spec: name } : {}),
      cache: path.join(this.o.cacheDir!, 'npm'),
      timeout: this.o.timeoutMs ?? 5000,
      retry: { retries: 2, factor: 2, minTimeout: 100, maxTimeout: 2000 },
      offline: this.o.offline,
      headers: { 'user-agent': 'sitewarden' },
    };
  }

  registryHost(name: string): string {
    return hostOf(registryFor(name, this.config));
  }

  /**
   * One npm-registry-fetch call with two bounds it lacks on its own:
   * - an overall deadline: its `timeout` is per read, so a registry dribbling bytes just fast
   *   enough kept a check waiting for as long as the body lasted;
   * - `Retry-After`: make-fetch-happen retries a 429 after its own short backoff (and never
   *   retries a POST), so the registry's wait is honoured here once, up to 5 s, as getJson does.
   */
  private async call<T>(f: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const t = this.o.timeoutMs ?? 5000;
    for (let attempt = 0; ; attempt++) {
      // Three attempts of `timeout` each plus make-fetch-happen's backoff (100 + 200 ms).
      const signal = AbortSignal.timeout(3 * t + 300);
      try {
        return await f(signal);
      } catch (e) {
        if (signal.aborted) throw new Error(`no complete answer within ${3 * t + 300} ms`);
        const wait = (e as { statusCode?: number }).statusCode === 429 ? retryAfterMs(e) : undefined;
        if (wait === undefined || attempt >= 1) throw e;
        await sleep(wait);
      }
    }
  }

  async packument(name: string): Promise<{ data?: Packument; failed?: string; stale?: string; notFound?: boolean }> {
    const spec = name.startsWith('@') ? `/${name.replace('/', '%2f')}` : `/${name}`;
    const accept = 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*';
    // make-fetch-happen stores any 200, so an HTML error page or broken JSON served with 200
    // replaced its good copy and left nothing to fall back to: keep the last good answer (only the
    // fields used here) apart.
    const lastGood = { dir: path.join(this.o.cacheDir!, 'npm-packuments'), key: `${registryFor(name, this.config)}${spec.slice(1)}` };
    try {
      return await this.call(async (signal) => {
        this.contact(registryFor(name, this.config));
        const res = await npmFetch(spec, { ...this.opts(name), signal, headers: { accept, 'user-agent': 'sitewarden' } });
        const data = (await res.json()) as Packument;
        if (!data || typeof data !== 'object' || Array.isArray(data)) throw new Error('the registry answered with something other than a packument');
        const versions = Object.fromEntries(Object.entries(data.versions ?? {}).map(([v, m]) => [v, m?.deprecated ? { deprecated: m.deprecated } : {}]));
        writeCached(lastGood.dir, lastGood.key, { 'dist-tags': { latest: data['dist-tags']?.latest }, versions });
        // make-fetch-happen answers from its cache on its own when revalidation hits a network
        // error, and only says so in this header: without it, stale data passed as fresh.
        return { data, stale: res.headers.get('x-local-cache-status') === 'stale' ? 'a network error (answered by the npm cache)' : undefined };
      });
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode === 404) return { failed: `${name} is not in the registry`, notFound: true };
      const failed = (e as Error).message.split('\n')[0];
      const good = readCached<Packument>(lastGood.dir, lastGood.key);
      if (good) return { data: good.data, stale: failed };
      try {
        // The registry failed: fall back to what the cache holds, marked stale.
        const data = (await npmFetch.json(spec, { ...this.opts(name), offline: true, headers: { accept } })) as unknown as Packument;
        if (!data || typeof data !== 'object' || Array.isArray(data)) throw new Error('not a packument');
        return { data, stale: failed };
      } catch {
        return { failed };
      }
    }
  }

  async advisories(versions: Record<string, string[]>): Promise<{ data?: Record<string, NpmAdvisory[]>; failed?: string; stale?: boolean }> {
    if (Object.keys(versions).length === 0) return { data: {} };
    // The POST is not cached by npm-registry-fetch: keep the last good answer for exactly this
    // request, so that a failing registry falls back to it (marked stale) instead of to nothing.
    const cacheDir = path.join(this.o.cacheDir!, 'npm-advisories');
    const key = `POST ${registryFor('x', this.config)}-/npm/v1/security/advisories/bulk ${JSON.stringify(Object.keys(versions).sort().map((k) => [k, [...versions[k]].sort()]))}`;
    const cached = readCached<Record<string, NpmAdvisory[]>>(cacheDir, key);
    if (this.o.offline) {
      // Offline used to skip advisories silently, leaving vulnerable packages 'ok'.
      if (!cached) return { failed: 'offline and the advisories are not cached' };
      return { data: cached.data, stale: Date.now() - cached.fetchedAt >= (this.o.ttlMs ?? 3_600_000) };
    }
    try {
      this.contact(registryFor('x', this.config));
      const data = await this.call((signal) => npmFetch.json('/-/npm/v1/security/advisories/bulk', { ...this.opts(), signal, method: 'POST', gzip: true, body: versions, offline: false, cache: undefined }) as unknown as Promise<Record<string, NpmAdvisory[]>>);
      // Each value must be a list: `.filter` on anything else crashed the check.
      if (!data || typeof data !== 'object' || Array.isArray(data) || !Object.values(data).every(Array.isArray)) throw new Error('the advisory endpoint answered with something other than an object of lists');
      writeCached(cacheDir, key, data);
      return { data };
    } catch (e) {
      const failed = (e as Error).message.split('\n')[0];
      return cached ? { data: cached.data, stale: true, failed } : { failed };
    }
  }
}

interface Packument {
  'dist-tags'?: { latest?: string };
  versions?: Record<string, { deprecated?: string }>;
}

interface NpmAdvisory {
  id: number;
  url?: string;
  title?: string;
  severity?: string;
  vulnerable_versions?: string;
  cwe?: string[];
}

interface PypiProject {
  info?: { version?: string; yanked?: boolean; yanked_reason?: string };
  releases?: Record<string, { yanked?: boolean }[]>;
  vulnerabilities?: { id: string; aliases?: string[]; details?: string; summary?: string; fixed_in?: string[]; link?: string; withdrawn?: string | null }[];
}

/**
 * Checks every manifest under the roots against npm and PyPI: outdated, deprecated, yanked and
 * vulnerable packages, each reported on the line that declares it.
 */
export async function checkDependencies(roots: string[], o: CheckOptions = {}): Promise<DependencyReport> {
  const opts: CheckOptions = { cacheDir: path.join(os.homedir(), '.cache', 'sitewarden'), concurrency: 16, ...o };
  const report: DependencyReport = { findings: [], notices: [], packages: [], problems: [], incomplete: false, hostsContacted: [] };
  const manifests: ManifestResult[] = [];
  const included = new Set<string>();
  for (const file of manifestFiles(roots)) {
    if (included.has(path.resolve(file))) continue;
    const base = path.basename(file);
    const m = base === 'package.json' ? readPackageJson(file) : base === 'pyproject.toml' ? readPyproject(file) : base === 'Pipfile' ? readPipfile(file) : readRequirements(file, undefined, undefined, rootOf(file, roots));
    for (const d of m.dependencies) if (path.resolve(d.file) !== path.resolve(file)) included.add(path.resolve(d.file));
    manifests.push(m);
    report.problems.push(...m.problems);
  }
  const deps = manifests.flatMap((m) => m.dependencies);
  const contacted = new Set<string>();
  const contact = (url: string) => {
    try {
      contacted.add(originOf(url));
    } catch {
      // not a URL: the request fails before it leaves, nothing was contacted
    }
  };
  // Failures and stale fallbacks are counted apart: one merged entry per host reported a host
  // with real outages as "used cached data" whenever a stale fallback happened there too.
  const failuresByHost = new Map<string, { count: number; reason: string }>();
  const staleByHost = new Map<string, { count: number; reason: string }>();
  const fail = (host: string, reason: string, stale = false) => {
    const byHost = stale ? staleByHost : failuresByHost;
    const f = byHost.get(host) ?? { count: 0, reason };
    f.count++;
    byHost.set(host, f);
    if (!stale) report.incomplete = true;
  };
  const row = (d: Dependency, status: PackageStatus, extra: Partial<PackageRow> = {}) =>
    report.packages.push({ ecosystem: d.ecosystem, name: d.name, declared: d.spec, installed: d.installed, status, advisories: [], file: d.file, line: d.line + 1, ...extra });
  /** 404: the registry answered, the package is not there. Not an outage, but not a clean result either. */
  const notFound = (d: Dependency, host: string, what: string) => {
    report.problems.push({ file: d.file, message: `line ${d.line + 1}: ${what} is not found on the registry (${host})` });
    row(d, 'unknown', { note: 'not found on the registry' });
  };
  /** Findings pushed from here on for a dependency checked against stale cached data get marked. */
  const markStale = (from: number) => {
    for (const f of report.findings.slice(from)) {
      f.stale = true;
      f.message += ' (from out-of-date cached registry data)';
    }
  };

  // npm: one packument per package, one bulk advisory call per project directory.
  const npmByDir = new Map<string, Dependency[]>();
  for (const d of deps.filter((x) => x.ecosystem === 'npm')) {
    if (d.unchecked) {
      row(d, 'unchecked');
      continue;
    }
    const dir = path.dirname(d.file);
    npmByDir.set(dir, [...(npmByDir.get(dir) ?? []), d]);
  }
  for (const [dir, list] of npmByDir) {
    const npm = new NpmChecker(dir, opts, contact);
    const packuments = new Map<string, Awaited<ReturnType<NpmChecker['packument']>>>();
    await pool([...new Set(list.map((d) => d.name))], opts.concurrency!, async (name) => {
      packuments.set(name, await npm.packument(name));
    });
    const current = new Map<Dependency, string | undefined>();
    const bulk: Record<string, string[]> = {};
    for (const d of list) {
      const p = packuments.get(d.name)?.data;
      const v = d.installed ?? (p?.versions && semver.validRange(d.spec) ? semver.maxSatisfying(Object.keys(p.versions), d.spec) ?? semver.minVersion(d.spec)?.version : semver.minVersion(d.spec)?.version ?? undefined) ?? undefined;
      current.set(d, v);
      if (v) bulk[d.name] = [...new Set([...(bulk[d.name] ?? []), v])];
    }
    const adv = await npm.advisories(bulk);
    const auditHost = npm.registryHost('x');
    for (const d of list) {
      const p = packuments.get(d.name)!;
      const host = npm.registryHost(d.name);
      if (p.failed || !p.data) {
        if (p.notFound) notFound(d, host, d.name);
        else {
          fail(host, p.failed ?? 'no data');
          row(d, 'unknown');
        }
        continue;
      }
      // Counted per package (not once per project) so that the notice's count is of packages.
      if (!adv.data) fail(auditHost, `advisories: ${adv.failed}`);
      const stale = !!p.stale || !!adv.stale;
      if (p.stale) fail(host, `packument: ${p.stale}`, true);
      if (adv.stale) fail(auditHost, `advisories: ${adv.failed ?? 'offline'}`, true);
      const firstFinding = report.findings.length;
      const v = current.get(d);
      const latest = p.data['dist-tags']?.latest;
      const versions = Object.keys(p.data.versions ?? {}).filter((x) => semver.valid(x) && !semver.prerelease(x)).sort(semver.compare);
      const advisories: Advisory[] = (adv.data?.[d.name] ?? [])
        .filter((a) => v && a.vulnerable_versions && semver.satisfies(v, a.vulnerable_versions))
        .map((a) => ({ id: /GHSA-[\w-]+/.exec(a.url ?? '')?.[0] ?? `npm-${a.id}`, aliases: [`npm:${a.id}`], title: a.title ?? '', severity: NPM_SEVERITY[a.severity ?? 'high'] ?? 'high', url: a.url, range: a.vulnerable_versions }));
      const status: PackageStatus[] = [];
      if (advisories.length && v) {
        const safe = versions.find((x) => semver.gt(x, v) && advisories.every((a) => !semver.satisfies(x, a.range!)) && !p.data!.versions?.[x]?.deprecated);
        const worst = (['critical', 'high', 'medium', 'low'] as Severity[]).find((s) => advisories.some((a) => a.severity === s))!;
        report.findings.push(finding(d, 'dep-vulnerable', worst, `${d.name}@${v} has ${advisories.length} known vulnerabilit${advisories.length === 1 ? 'y' : 'ies'}: ${advisories.map((a) => `${a.id} (${a.severity}) ${a.title}`).join('; ')}${safe ? `. Fixed in ${safe}.` : '. No fixed version is published.'}`, safe));
        status.push('vulnerable');
      }
      const deprecated = v ? p.data.versions?.[v]?.deprecated : undefined;
      if (deprecated) {
        report.findings.push(finding(d, 'dep-deprecated', 'medium', `${d.name}@${v} is deprecated: ${deprecated}`, latest && !p.data.versions?.[latest]?.deprecated ? latest : undefined));
        status.push('deprecated');
      }
      if (v && latest && semver.valid(latest) && semver.lt(v, latest) && !status.includes('vulnerable')) {
        report.findings.push(finding(d, 'dep-outdated', 'low', `${d.name} ${v} is behind the latest ${latest} (${level(v, latest, 'npm')}).`, latest));
        status.push('outdated');
      }
      if (stale) markStale(firstFinding);
      // Without advisory data, 'ok' or 'outdated' would read as "no known vulnerabilities".
      row(d, adv.data ? status[0] ?? 'ok' : 'unknown', { installed: v, latest, advisories: advisories.map((a) => a.id), ...(stale ? { stale } : {}) });
    }
  }

  // PyPI: the project document (latest, releases) and the version document (vulnerabilities, yanked).
  // An empty PIP_INDEX_URL (common in CI templates) means "not set", as pip reads it.
  const pypiBase = (opts.pypiIndex || opts.env?.PIP_INDEX_URL?.replace(/\/simple\/?$/, '/pypi') || 'https://pypi.org/pypi').replace(/\/$/, '');
  const pypiHost = hostOf(pypiBase);
  const fetchOpts = { cacheDir: path.join(opts.cacheDir!, 'pypi'), timeoutMs: opts.timeoutMs, ttlMs: opts.ttlMs, offline: opts.offline, onContact: contact };
  await pool(deps.filter((x) => x.ecosystem === 'pypi'), opts.concurrency!, async (d) => {
    if (d.unchecked) return void row(d, 'unchecked');
    const name = normalizeName(d.name);
    let project;
    try {
      project = await getJson<PypiProject>(`${pypiBase}/${name}/json`, fetchOpts);
    } catch (e) {
      fail(e instanceof RegistryError ? e.host : pypiHost, (e as Error).message);
      return void row(d, 'unknown');
    }
    // 404 used to give a bare 'unknown' row with nothing saying why.
    if (!project) return void notFound(d, pypiHost, d.name);
    const releases = Object.keys(project.data.releases ?? {}).filter((v) => pep440.valid(v) && !pep440.explain(v)?.is_prerelease).sort(pep440.compare);
    const latest = project.data.info?.version;
    const v = d.installed ?? (d.spec ? pep440.maxSatisfying(releases, d.spec) ?? undefined : latest);
    if (!v) return void row(d, 'unknown', { latest });
    let version;
    try {
      version = await getJson<PypiProject>(`${pypiBase}/${name}/${v}/json`, fetchOpts);
    } catch (e) {
      fail(e instanceof RegistryError ? e.host : pypiHost, (e as Error).message);
      return void row(d, 'unknown', { latest });
    }
    // No version document (e.g. a lockfile pin the index does not have) means no vulnerability
    // data: it was reported 'ok'.
    if (!version) return void notFound(d, pypiHost, `${d.name} ${v}`);
    // Either document from a stale cache makes the result stale (only the project's was looked at).
    const stale = project.stale || version.stale;
    for (const doc of [project, version]) if (doc.stale) fail(pypiHost, doc.error ?? 'offline', true);
    const firstFinding = report.findings.length;
    const status: PackageStatus[] = [];
    const vulns = (version?.data.vulnerabilities ?? []).filter((x) => !x.withdrawn);
    if (vulns.length) {
      const fixes = vulns.flatMap((x) => x.fixed_in ?? []).filter((x) => pep440.valid(x) && pep440.gt(x, v));
      // The smallest release that fixes every advisory that applies.
      const safe = releases.find((r) => pep440.gt(r, v) && vulns.every((x) => (x.fixed_in ?? []).some((f) => pep440.valid(f) && pep440.gte(r, f) && pep440.explain(r)?.release[0] === pep440.explain(f)?.release[0])))
        ?? fixes.sort(pep440.compare).at(-1);
      report.findings.push(finding(d, 'dep-vulnerable', 'high', `${d.name} ${v} has ${vulns.length} known vulnerabilit${vulns.length === 1 ? 'y' : 'ies'}: ${vulns.map((x) => [x.id, ...(x.aliases ?? [])].join(' / ')).join('; ')}${safe ? `. Fixed in ${safe}.` : '.'}`, safe));
      status.push('vulnerable');
    }
    const yanked = version?.data.info?.yanked || (project.data.releases?.[v]?.length ? project.data.releases[v].every((f) => f.yanked) : false);
    if (yanked) {
      report.findings.push(finding(d, 'dep-yanked', 'medium', `${d.name} ${v} was yanked from PyPI${version?.data.info?.yanked_reason ? `: ${version.data.info.yanked_reason}` : ''}.`, latest));
      status.push('yanked');
    }
    if (latest && pep440.valid(latest) && pep440.lt(v, latest) && !status.includes('vulnerable')) {
      report.findings.push(finding(d, 'dep-outdated', 'low', `${d.name} ${v} is behind the latest ${latest} (${level(v, latest, 'pypi')}).`, latest));
      status.push('outdated');
    }
    if (stale) markStale(firstFinding);
    row(d, status[0] ?? 'ok', { installed: v, latest, advisories: vulns.map((x) => x.id), ...(stale ? { stale } : {}) });
  });

  for (const [host, f] of failuresByHost) report.notices.push({ host, stale: false, message: `could not check ${f.count} package(s) at ${host}: ${f.reason}` });
  for (const [host, f] of staleByHost) report.notices.push({ host, stale: true, message: `${f.count} check(s) at ${host} used out-of-date cached data (${f.reason})` });
  report.hostsContacted = [...contacted].sort();
  report.findings.sort((a, b) => a.file.localeCompare(b.file) || a.range.start.line - b.range.start.line);
  return report;
}

/**
 * The host of a registry URL for notices; a setting that is not a URL (a typo in .npmrc or
 * PIP_INDEX_URL) is named as written, and the fetch itself then fails as an outage of it.
 */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url || '(empty registry URL)';
  }
}

/** The scanned folder (a real path) that holds `file`: includes may not leave it. */
function rootOf(file: string, roots: string[]): string {
  const real = (p: string) => {
    try {
      return fs.realpathSync(p);
    } catch {
      return path.resolve(p);
    }
  };
  const abs = real(file);
  for (const r of roots) {
    let dir = real(r);
    try {
      if (!fs.statSync(dir).isDirectory()) dir = path.dirname(dir);
    } catch {
      continue;
    }
    if (abs === dir || abs.startsWith(dir + path.sep)) return dir;
  }
  return path.dirname(abs);
}
