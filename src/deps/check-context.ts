import type { Finding } from '../core/types';
import { redactText } from '../core/redact';
import type { ByteBudget } from './http-client';
import type { WorkspaceConfigMode } from './npmrc';
import type { TreeCoverage } from './tree-coverage';
import type { Dependency } from './types';
import type { PackageFacts } from './evaluate';

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
  /** Cap on the decoded bytes of all answers of one check together (default 8 × maxResponseBytes). */
  maxTotalBytes?: number;
  /** Cap on each cache folder's total size (default 512 MB; the oldest entries go first). */
  maxCacheBytes?: number;
  /** Dependency kinds left out of the check (`--omit dev`: devDependencies, dev-packages, dev groups). */
  omit?: 'dev'[];
  /** Today, for the expiry dates of accepted risks (default: now). */
  now?: Date;
}

export interface Notice {
  host: string;
  message: string;
  /** Cached data older than the TTL was used instead (the check is then incomplete). */
  stale: boolean;
  /** Information only (what was left out on purpose, an expired acceptance): not a failure. */
  note?: boolean;
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
  /** Every advisory of a vulnerable package is an accepted risk (ignore list or line comment). */
  accepted?: boolean;
  /** The smallest release that fixes every advisory (vulnerable packages). */
  fixedIn?: string;
  /** What to run after the bump so the lockfile agrees with the manifest (`npm install`). */
  refresh?: string;
  /** A transitive package (npm): which bump of the direct dependency pulls a fixed version, or the override it takes. */
  viaFix?: string;
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
  /** How much of the dependency tree was checked: direct and transitive counts, lockfiles read. */
  coverage?: TreeCoverage;
}

/** What the npm and PyPI parts share while they run: the options, the byte budget, the record. */
export interface EcosystemContext {
  options: CheckOptions;
  /** Called with each URL a request is sent to. */
  contact: (url: string) => void;
  budget: ByteBudget;
  record: CheckRecord;
  /** What the project around a dependency adds to its facts: constraints, lockfile, accepted risks. */
  project?: (d: Dependency) => Partial<PackageFacts>;
  /** The package indexes a PyPI dependency is looked up on, in order, or why it is not looked up. */
  pypiRoute?: (d: Dependency) => PypiRoute;
  /** The scanned folder that holds a file (a monorepo member reads the root's .npmrc too). */
  rootOf?: (file: string) => string;
}

/** JSON API bases to ask in turn (the next only after "not here"), or why the package is not asked anywhere. */
export type PypiRoute = { indexes: string[] } | { unchecked: string };

/**
 * Everything the npm and PyPI parts learn goes through here, so that both count failures,
 * stale fallbacks and packages that are not found the same way.
 */
export class CheckRecord {
  readonly report: DependencyReport = { findings: [], notices: [], packages: [], problems: [], incomplete: false, hostsContacted: [] };
  // Failures and stale fallbacks are counted apart: one merged entry per host reported a host
  // with real outages as "used cached data" whenever a stale fallback happened there too.
  readonly failuresByHost = new Map<string, { count: number; reason: string }>();
  readonly staleByHost = new Map<string, { count: number; reason: string }>();

  fail(host: string, reason: string, stale = false): void {
    const byHost = stale ? this.staleByHost : this.failuresByHost;
    const f = byHost.get(host) ?? { count: 0, reason };
    f.count++;
    byHost.set(host, f);
    // Data older than the TTL is not an answer about today: the result is marked and the run
    // is incomplete (exit 3), as when the registry gave nothing at all.
    this.report.incomplete = true;
  }

  row(d: Dependency, status: PackageStatus, extra: Partial<PackageRow> = {}): void {
    this.report.packages.push(rowOf(d, status, extra));
  }

  /** 404: the registry answered, the package is not there. Not an outage, but not a clean result either. */
  notFound(d: Dependency, host: string, what: string): void {
    this.report.problems.push({ file: d.file, message: `line ${d.line + 1}: ${what} is not found on the registry (${host})` });
    this.row(d, 'unknown', { note: 'not found on the registry' });
  }

  /** The outcome of the shared evaluation of one package. */
  evaluated(e: { findings: DependencyFinding[]; row: PackageRow }): void {
    this.report.findings.push(...e.findings);
    this.report.packages.push(e.row);
  }
}

export function rowOf(d: Dependency, status: PackageStatus, extra: Partial<PackageRow> = {}): PackageRow {
  return { ecosystem: d.ecosystem, name: d.name, declared: d.spec, installed: d.installed, status, advisories: [], file: d.file, line: d.line + 1, ...extra };
}

/**
 * The host of a registry URL for notices; a setting that is not a URL (a typo in .npmrc or
 * PIP_INDEX_URL) is named as written, and the fetch itself then fails as an outage of it.
 */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return redactText(url) || '(empty registry URL)';
  }
}

/** Runs `f` over the items, at most `n` at a time. */
export async function pool<T>(items: T[], n: number, f: (t: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (i < items.length) await f(items[i++]);
  }));
}

/**
 * More versions than any real package has (the largest have some thousands): every check sorts
 * them, so a registry listing millions (64 MB of `"1.0.N":{}`) kept the CPU busy for minutes.
 */
const MAX_VERSIONS = 50_000;

export function tooManyVersions(versions: unknown): string | undefined {
  if (!versions || typeof versions !== 'object') return undefined;
  let n = 0;
  for (const _ in versions) if (++n > MAX_VERSIONS) return `the answer lists more than ${MAX_VERSIONS} versions`;
  return undefined;
}
