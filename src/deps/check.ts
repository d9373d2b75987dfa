import * as os from 'node:os';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as semver from 'semver';
import * as pep440 from '@renovatebot/pep440';
import { discoverFiles } from '../core/discovery';
import type { Finding, Severity } from '../core/types';
import { fetchJson, getJson, RegistryError, type FetchOptions } from './http-cache';
import { connectionFromEnv, HttpClient } from './http-client';
import { readPackageJson } from './npm-manifests';
import { readNpmSettings, registryFor, type WorkspaceConfigMode } from './npmrc';
import { normalizeName, readPipfile, readPyproject, readRequirements } from './python-manifests';
import { DEPENDENCY_RULES } from './rules';
import { originOf, redactText, redactUrl } from '../core/redact';
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
  /** Cap on the decoded bytes of one registry answer (default 64 MB); past it the body is aborted. */
  maxResponseBytes?: number;
  /** Cap on each cache folder's total size (default 512 MB; the oldest entries go first). */
  maxCacheBytes?: number;
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
  private readonly fetch: FetchOptions;
  constructor(dir: string, o: CheckOptions, contact: (origin: string) => void) {
    const settings = readNpmSettings(dir, { env: o.env, home: o.home, mode: o.workspaceConfig ?? 'data', registryOverride: o.npmRegistry });
    this.config = settings.config;
    this.fetch = {
      cacheDir: path.join(o.cacheDir!, 'npm'),
      timeoutMs: o.timeoutMs,
      ttlMs: o.ttlMs,
      offline: o.offline,
      maxResponseBytes: o.maxResponseBytes,
      maxCacheBytes: o.maxCacheBytes,
      client: new HttpClient(settings.credentials, settings.connection, contact),
    };
  }

  registryHost(name: string): string {
    return hostOf(registryFor(name, this.config));
  }

  async packument(name: string): Promise<{ data?: Packument; failed?: string; stale?: string; notFound?: boolean }> {
    const spec = name.startsWith('@') ? name.replace('/', '%2f') : name;
    // Only the fields used here are kept (and cached): a full packument can be megabytes.
    const pick = (body: object): Packument => {
      const p = body as Packument;
      const versions = Object.fromEntries(Object.entries(p.versions && typeof p.versions === 'object' ? p.versions : {}).map(([v, m]) => [v, m?.deprecated ? { deprecated: String(m.deprecated) } : {}]));
      return { 'dist-tags': { latest: typeof p['dist-tags']?.latest === 'string' ? p['dist-tags'].latest : undefined }, versions };
    };
    try {
      const r = await fetchJson<Packument>({ url: `${registryFor(name, this.config)}${spec}`, notFoundIsAnswer: true, pick }, { ...this.fetch, headers: { accept: 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*' } });
      if (!r) return { failed: `${name} is not in the registry`, notFound: true };
      return { data: r.data, stale: r.stale ? (r.error ?? 'offline') : undefined };
    } catch (e) {
      return { failed: (e as Error).message.split('\n')[0] };
    }
  }

  async advisories(versions: Record<string, string[]>): Promise<{ data?: Record<string, NpmAdvisory[]>; failed?: string; stale?: boolean }> {
    if (Object.keys(versions).length === 0) return { data: {} };
    // A POST: always asked when online; the last good answer for exactly this request is the
    // fallback (marked stale) when the registry fails, and the answer offline.
    const url = `${registryFor('x', this.config)}-/npm/v1/security/advisories/bulk`;
    const key = `POST ${redactUrl(url)} ${JSON.stringify(Object.keys(versions).sort().map((k) => [k, [...versions[k]].sort()]))}`;
    // Each value must be a list: `.filter` on anything else crashed the check.
    const validate = (data: object) => (Object.values(data).every(Array.isArray) ? undefined : 'the advisory endpoint answered with something other than an object of lists');
    try {
      const r = await fetchJson<Record<string, NpmAdvisory[]>>({ url, method: 'POST', body: versions, key, what: 'the advisory answer', useFresh: false, validate }, { ...this.fetch, cacheDir: path.join(path.dirname(this.fetch.cacheDir), 'npm-advisories') });
      if (!r) return { failed: 'no answer' };
      // Offline, cached data younger than the TTL is as good as fresh.
      return r.stale ? { data: r.data, stale: true, failed: r.error } : { data: r.data };
    } catch (e) {
      return { failed: (e as Error).message.split('\n')[0] };
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
    const root = rootOf(file, roots); // every manifest, lockfile and include is read only inside it
    const m = base === 'package.json' ? readPackageJson(file, root) : base === 'pyproject.toml' ? readPyproject(file, root) : base === 'Pipfile' ? readPipfile(file, root) : readRequirements(file, undefined, undefined, root);
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
  // Credentials for PyPI only ever come from the user's index URL (its userinfo becomes a Basic
  // header for that origin, in the client); proxies from the user's environment.
  const fetchOpts: FetchOptions = {
    cacheDir: path.join(opts.cacheDir!, 'pypi'),
    timeoutMs: opts.timeoutMs,
    ttlMs: opts.ttlMs,
    offline: opts.offline,
    maxResponseBytes: opts.maxResponseBytes,
    maxCacheBytes: opts.maxCacheBytes,
    client: new HttpClient([], connectionFromEnv(opts.env ?? process.env), contact),
  };
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
  // Error texts can quote a URL (a refused redirect, a setting that is not a URL): no userinfo leaves.
  for (const n of report.notices) n.message = redactText(n.message);
  for (const p of report.problems) p.message = redactText(p.message);
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
    return redactText(url) || '(empty registry URL)';
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
