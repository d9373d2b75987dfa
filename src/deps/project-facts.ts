import * as path from 'node:path';
import * as pep440 from '@renovatebot/pep440';
import * as semver from 'semver';
import { expiredNote } from '../core/suppressions';
import { AcceptedRisks, readIgnoreList, type IgnoreList } from './accepted-risks';
import type { CheckOptions, DependencyReport } from './check-context';
import type { PackageFacts } from './evaluate';
import { lockfileRefreshFor } from './lockfile-refresh';
import { normalizeName } from './python-manifests';
import type { Dependency } from './types';

/**
 * What a dependency's project adds to the registry's facts: the other specs for the same
 * package in its folder (a fix must satisfy them), the lockfile a bump must refresh, and the
 * risks the project accepted. `finish` then marks the other dependency findings a line comment
 * suppresses and notes the acceptances that expired.
 */
export function projectFacts(deps: Dependency[], roots: string[], o: CheckOptions): { facts: (d: Dependency) => Partial<PackageFacts>; finish: (r: DependencyReport) => void } {
  const today = (o.now ?? new Date()).toISOString().slice(0, 10);
  // Per manifest file, not per dependency: a 300-dependency package.json is one file.
  const perFile = <T>(f: (file: string) => T) => {
    const memo = new Map<string, T>();
    return (file: string): T => {
      if (!memo.has(file)) memo.set(file, f(file));
      return memo.get(file)!;
    };
  };
  const resolvedRoots = roots.map((r) => path.resolve(r)).sort((a, b) => b.length - a.length);
  const rootOfFile = perFile((file) => {
    const abs = path.resolve(file);
    return resolvedRoots.find((r) => abs === r || abs.startsWith(r + path.sep));
  });
  const rootOfDep = (d: Dependency) => rootOfFile(d.file);
  const refreshOf = perFile((file) => lockfileRefreshFor(file, rootOfFile(file)));
  const lists = new Map<string, IgnoreList>();
  const risks = new Map<string, AcceptedRisks>();
  const risksOf = (d: Dependency): AcceptedRisks => {
    const root = rootOfDep(d) ?? path.dirname(path.resolve(d.file));
    const known = risks.get(root);
    if (known) return known;
    let r = risks.get(root);
    if (!r) {
      const list = readIgnoreList(root);
      lists.set(root, list);
      risks.set(root, (r = new AcceptedRisks(list, today)));
    }
    return r;
  };
  const dirOf = perFile((file) => path.dirname(path.resolve(file)));
  const key = (d: Dependency) => `${d.ecosystem}\0${dirOf(d.file)}\0${d.ecosystem === 'pypi' ? normalizeName(d.name) : d.name}`;
  const specs = new Map<string, Dependency[]>();
  for (const d of deps) specs.set(key(d), [...(specs.get(key(d)) ?? []), d]);
  const valid = (d: Dependency) => (d.ecosystem === 'npm' ? !!semver.validRange(d.spec) : !!pep440.validRange(d.spec));
  return {
    facts: (d) => {
      const r = risksOf(d);
      const constraints = (specs.get(key(d)) ?? []).filter((x) => x !== d && x.spec && !x.unchecked && valid(x) && x.spec !== d.spec).map((x) => x.spec);
      const refresh = refreshOf(d.file);
      return {
        accepted: (a) => r.accept(d, a),
        ...(constraints.length ? { constraints: [...new Set(constraints)] } : {}),
        ...(refresh ? { lockfileRefresh: refresh } : {}),
      };
    },
    finish: (report) => {
      for (const list of lists.values()) report.problems.push(...list.problems);
      const byLine = new Map(deps.map((d) => [`${path.resolve(d.file)}:${d.line}`, d]));
      for (const f of report.findings) {
        if (f.suppression || f.ruleId === 'dep-vulnerable') continue;
        const d = byLine.get(`${path.resolve(f.file)}:${f.range.start.line}`);
        if (!d) continue;
        const c = risksOf(d).comment(d);
        if (c && (c.ids.length === 0 || c.ids.includes(f.ruleId))) f.suppression = { kind: 'sitewarden-ignore', justification: c.justification || 'no reason given' };
        const listed = !f.suppression && risksOf(d).acceptRule(d, f.ruleId);
        if (listed) f.suppression = { kind: 'sitewarden-ignore', justification: `${listed.reason} (${listed.where})` };
      }
      for (const r of risks.values()) {
        for (const { comment, dep } of r.expiredComments) {
          for (const f of report.findings) {
            if (f.suppression || path.resolve(f.file) !== path.resolve(dep.file) || f.range.start.line !== dep.line) continue;
            if (comment.ids.length && !comment.ids.includes(f.ruleId) && f.ruleId !== 'dep-vulnerable') continue;
            f.message += expiredNote(comment);
          }
        }
        for (const { entry, dep } of r.expired) {
          const note = `the accepted risk ${entry.advisory || entry.rule} for ${dep.name} expired on ${entry.expires} (.sitewarden/config): it counts again`;
          report.notices.push({ host: '', stale: false, note: true, message: note });
          for (const f of report.findings) if (f.ruleId === (entry.rule ?? 'dep-vulnerable') && path.resolve(f.file) === path.resolve(dep.file) && f.range.start.line === dep.line) f.message += ` (${note}.)`;
        }
      }
    },
  };
}
