import * as fs from 'node:fs';
import * as path from 'node:path';
import { discoverFiles } from '../core/discovery';
import { cacheFolder } from '../core/cache-folder';
import { originOf, redactText } from '../core/redact';
import { CheckRecord, type CheckOptions, type DependencyReport, type EcosystemContext } from './check-context';
import { DEFAULT_MAX_RESPONSE_BYTES } from './http-cache';
import { ByteBudget } from './http-client';
import { readPackageJson } from './npm-manifests';
import { checkNpm } from './npm-check';
import { checkPypi } from './pypi-check';
import { projectFacts } from './project-facts';
import { readPipfile, readPyproject, readRequirements } from './python-manifests';
import { treeCoverage } from './tree-coverage';
import { pythonRoutes } from './python-sources';
import type { ManifestResult } from './types';

export type { TreeCoverage } from './tree-coverage';
export type { CheckOptions, DependencyFinding, DependencyReport, Notice, PackageRow, PackageStatus } from './check-context';
export type { WorkspaceConfigMode } from './npmrc';
export { bumpSpec } from './evaluate';

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

/**
 * Checks every manifest under the roots against npm and PyPI: outdated, deprecated, yanked and
 * vulnerable packages, each reported on the line that declares it. The npm part
 * (src/deps/npm-check.ts) and the PyPI part (src/deps/pypi-check.ts) gather each package's facts;
 * one evaluation (src/deps/evaluate.ts) turns them into findings and rows.
 */
export async function checkDependencies(roots: string[], o: CheckOptions = {}): Promise<DependencyReport> {
  const opts: CheckOptions = { cacheDir: cacheFolder('deps'), concurrency: 16, ...o };
  dropLegacyCache(opts.cacheDir!);
  const record = new CheckRecord();
  const report = record.report;
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
  const declared = manifests.flatMap((m) => m.dependencies);
  const omitDev = opts.omit?.includes('dev') ?? false;
  const deps = omitDev ? declared.filter((d) => !d.dev) : declared;
  if (omitDev && deps.length < declared.length) report.notices.push({ host: '', stale: false, note: true, message: `${declared.length - deps.length} dev dependencies not checked (--omit dev)` });
  const around = projectFacts(deps, roots, opts);
  const contacted = new Set<string>();
  const ctx: EcosystemContext = {
    options: opts,
    record,
    budget: new ByteBudget(opts.maxTotalBytes ?? 8 * (opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES)),
    contact: (url: string) => {
      try {
        contacted.add(originOf(url));
      } catch {
        // not a URL: the request fails before it leaves, nothing was contacted
      }
    },
    project: around.facts,
    pypiRoute: pythonRoutes(deps.filter((x) => x.ecosystem === 'pypi'), opts, (f) => rootOf(f, roots)),
    rootOf: (f) => rootOf(f, roots),
  };
  // A package only dev dependencies pull in is a dev package too (npm audit --omit dev leaves it out).
  const transitive = manifests.flatMap((m) => m.transitive ?? []).filter((t) => !omitDev || !t.dev);
  await checkNpm(deps.filter((x) => x.ecosystem === 'npm'), ctx, transitive.filter((t) => t.anchor.ecosystem === 'npm'));
  await checkPypi(deps.filter((x) => x.ecosystem === 'pypi'), ctx, transitive.filter((t) => t.anchor.ecosystem === 'pypi'));
  report.coverage = treeCoverage(manifests, omitDev);

  around.finish(report);
  for (const [host, f] of record.failuresByHost) report.notices.push({ host, stale: false, message: `could not check ${f.count} package(s) at ${host}: ${f.reason}` });
  for (const [host, f] of record.staleByHost) report.notices.push({ host, stale: true, message: `${f.count} check(s) at ${host} used cached data older than the cache TTL because the registry could not be reached (${f.reason})` });
  report.hostsContacted = [...contacted].sort();
  // Error texts can quote a URL (a refused redirect, a setting that is not a URL): no userinfo leaves.
  for (const n of report.notices) n.message = redactText(n.message);
  for (const p of report.problems) p.message = redactText(p.message);
  report.findings.sort((a, b) => a.file.localeCompare(b.file) || a.range.start.line - b.range.start.line);
  return report;
}

/**
 * npm-registry-fetch's cacache store and our copy of its packuments are no longer read; a bomb
 * answer may have left gigabytes there. rmSync removes a link, never what it points to.
 */
function dropLegacyCache(cacheDir: string): void {
  for (const legacy of [path.join(cacheDir, 'npm', '_cacache'), path.join(cacheDir, 'npm-packuments')]) {
    try {
      fs.rmSync(legacy, { recursive: true, force: true });
    } catch {
      // not ours to insist on
    }
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
