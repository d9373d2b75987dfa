import * as pep440 from '@renovatebot/pep440';
import type { Finding, Severity } from '../core/types';
import { buildFinding } from '../core/finding';
import { rowOf, type DependencyFinding, type PackageRow, type PackageStatus } from './check-context';
import { DEPENDENCY_RULES } from './rules';
import type { Dependency } from './types';

/**
 * How one ecosystem compares versions and words its messages. The evaluation below is the same
 * for npm and PyPI; only this differs.
 */
export interface VersionScheme {
  ecosystem: 'npm' | 'pypi';
  valid(v: string): boolean;
  gt(a: string, b: string): boolean;
  gte(a: string, b: string): boolean;
  lt(a: string, b: string): boolean;
  compare(a: string, b: string): number;
  /** `v` is inside the vulnerable range `range`. */
  satisfies(v: string, range: string): boolean;
  sameMajor(a: string, b: string): boolean;
  /** How far `to` is ahead of `from`: major, minor, patch (npm: also premajor, … ). */
  level(from: string, to: string): string;
  /** The package at a version as its messages name it (`lodash@4.17.1`, `flask 2.0.1`). */
  label(name: string, version: string): string;
  /** Ends the vulnerability message when no release fixes every advisory. */
  noFix: string;
  /** The registry's name in messages. */
  registry: string;
}

/** One advisory as the registry states it; `range` or `fixedIn` says which versions it covers. */
export interface AdvisoryFact {
  id: string;
  severity: Severity;
  /** How the advisory is named in the finding's message. */
  summary: string;
  /** The vulnerable range (npm). An advisory without a range applies to the checked version. */
  range?: string;
  /** The releases that fix it (PyPI). */
  fixedIn?: string[];
}

/** What the registries say about one declared dependency. */
export interface PackageFacts {
  dep: Dependency;
  /** The version checked: the installed one, or the one the spec resolves to. */
  version?: string;
  latest?: string;
  /** Stable published versions, ascending. */
  versions: string[];
  /** Undefined when the advisory data could not be had: the result is then not a clean one. */
  advisories?: AdvisoryFact[];
  /** Deprecation message by version. */
  deprecated?: ReadonlyMap<string, string>;
  /** The checked version is yanked. */
  yanked?: { reason?: string };
  /** Some of the facts come from out-of-date cached registry data. */
  stale?: boolean;
}

export interface Evaluation {
  findings: DependencyFinding[];
  row: PackageRow;
}

const WORST_FIRST: Severity[] = ['critical', 'high', 'medium', 'low'];

/** Findings and the table row for one dependency, the same way for every ecosystem. */
export function evaluatePackage(facts: PackageFacts, scheme: VersionScheme): Evaluation {
  const { dep: d, version: v, latest } = facts;
  const findings: DependencyFinding[] = [];
  const status: PackageStatus[] = [];
  const advisories = v ? (facts.advisories ?? []).filter((a) => a.range === undefined || scheme.satisfies(v, a.range)) : [];
  if (advisories.length && v) {
    const safe = smallestSafeVersion(facts, advisories, scheme);
    const worst = WORST_FIRST.find((s) => advisories.some((a) => a.severity === s))!;
    findings.push(finding(d, 'dep-vulnerable', worst, `${scheme.label(d.name, v)} has ${advisories.length} known vulnerabilit${advisories.length === 1 ? 'y' : 'ies'}: ${advisories.map((a) => a.summary).join('; ')}${safe ? `. Fixed in ${safe}.` : scheme.noFix}`, safe));
    status.push('vulnerable');
  }
  const deprecated = v ? facts.deprecated?.get(v) : undefined;
  if (deprecated) {
    findings.push(finding(d, 'dep-deprecated', 'medium', `${scheme.label(d.name, v!)} is deprecated: ${deprecated}`, latest && !facts.deprecated?.get(latest) ? latest : undefined));
    status.push('deprecated');
  }
  if (v && facts.yanked) {
    findings.push(finding(d, 'dep-yanked', 'medium', `${scheme.label(d.name, v)} was yanked from ${scheme.registry}${facts.yanked.reason ? `: ${facts.yanked.reason}` : ''}.`, latest));
    status.push('yanked');
  }
  if (v && latest && scheme.valid(latest) && scheme.lt(v, latest) && !status.includes('vulnerable')) {
    findings.push(finding(d, 'dep-outdated', 'low', `${d.name} ${v} is behind the latest ${latest} (${scheme.level(v, latest)}).`, latest));
    status.push('outdated');
  }
  if (facts.stale) {
    for (const f of findings) {
      f.stale = true;
      f.message += ' (from out-of-date cached registry data)';
    }
  }
  // Without advisory data, 'ok' or 'outdated' would read as "no known vulnerabilities".
  const shown = facts.advisories ? status[0] ?? 'ok' : 'unknown';
  return { findings, row: rowOf(d, shown, { installed: v, latest, advisories: advisories.map((a) => a.id), ...(facts.stale ? { stale: true } : {}) }) };
}

/**
 * The smallest published version above the checked one that no advisory covers and that is not
 * deprecated; failing that, the highest fixed-in release named (it may fix only some of them).
 */
export function smallestSafeVersion(facts: PackageFacts, advisories: AdvisoryFact[], scheme: VersionScheme): string | undefined {
  const v = facts.version!;
  const covers = (x: string, a: AdvisoryFact) =>
    a.range !== undefined ? scheme.satisfies(x, a.range) : !(a.fixedIn ?? []).some((f) => scheme.valid(f) && scheme.gte(x, f) && scheme.sameMajor(x, f));
  const safe = facts.versions.find((x) => scheme.gt(x, v) && advisories.every((a) => !covers(x, a)) && !facts.deprecated?.get(x));
  if (safe) return safe;
  return advisories.flatMap((a) => a.fixedIn ?? []).filter((x) => scheme.valid(x) && scheme.gt(x, v)).sort(scheme.compare).at(-1);
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
  const f = buildFinding({
    meta: rule.meta,
    file: dep.file,
    range: { start: { line: dep.line, column: dep.column }, end: { line: dep.line, column: dep.column + Math.max(1, dep.specEnd - dep.specStart) } },
    lineText: `${dep.name} ${dep.spec}`,
    message,
    severity,
    confidence: 'high',
  });
  if (fixTo && dep.specEnd > dep.specStart) {
    f.fix = { title: `Update ${dep.name} to ${fixTo}`, safe: false, edits: [{ start: dep.specStart, end: dep.specEnd, newText: bumpSpec(dep.spec, fixTo, dep.ecosystem) }] };
  }
  return f;
}
