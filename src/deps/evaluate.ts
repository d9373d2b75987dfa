import * as pep440 from '@renovatebot/pep440';
import type { Finding, Severity } from '../core/types';
import { buildFinding } from '../core/finding';
import { rowOf, type DependencyFinding, type PackageRow, type PackageStatus } from './check-context';
import { chooseFix, type FixChoice } from './fix-version';
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
  /** `v` is on the release branch that `fix` closes (its release without the last part: 2.3 for 2.3.2). */
  sameBranch(v: string, fix: string): boolean;
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
  /** Other names of the advisory (CVE, GHSA): an ignore entry may use any of them. */
  aliases?: string[];
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
  /** Releases withdrawn from the index (PyPI yanked): never proposed as a fix. */
  yankedVersions?: ReadonlySet<string>;
  /** Other specs for the same package in the same project (another line, a constraints file). */
  constraints?: string[];
  /** The fix the registry confirmed (its document for that release lists no advisory). */
  fixVersion?: string;
  /** The command that brings the lockfile in line after a version bump (`npm install`, `poetry lock`). */
  lockfileRefresh?: { command: string; lockfile: string };
  /** Advisories the project accepted (ignore list, comment on the line): id → why. */
  accepted?: (a: AdvisoryFact) => AcceptedRisk | undefined;
}

/** An accepted risk: the finding is kept, marked suppressed with the reason (SARIF `suppressions`). */
export interface AcceptedRisk {
  reason: string;
  /** Where the acceptance is written: `.sitewarden/config` or the manifest line's comment. */
  where: string;
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
  let accepted: string[] = [];
  let fixedIn: string | undefined;
  const advisories = v ? (facts.advisories ?? []).filter((a) => a.range === undefined || scheme.satisfies(v, a.range)) : [];
  if (advisories.length && v) {
    // Every advisory known for the package decides the fix, not only those of the checked version:
    // a release that one of the others covers is no fix.
    const fix = chooseFix(facts, facts.advisories ?? [], scheme);
    const safe = fix?.version ?? partialFix(facts, advisories, scheme);
    fixedIn = safe;
    const risks = advisories.map((a) => facts.accepted?.(a));
    // Accepted advisories stay in the message (with why); the finding is suppressed only when all are.
    const open = advisories.filter((_, i) => !risks[i]);
    const counted = open.length ? open : advisories;
    const worst = WORST_FIRST.find((s) => counted.some((a) => a.severity === s))!;
    const named = advisories.map((a, i) => (risks[i] ? `${a.summary} [accepted: ${risks[i]!.reason}]` : a.summary));
    const f = finding(d, 'dep-vulnerable', worst, `${scheme.label(d.name, v)} has ${advisories.length} known vulnerabilit${advisories.length === 1 ? 'y' : 'ies'}: ${named.join('; ')}${safe ? `. Fixed in ${safe}${fixNote(fix)}.` : scheme.noFix}${safe && facts.lockfileRefresh ? ` After the update, run \`${facts.lockfileRefresh.command}\` to refresh ${facts.lockfileRefresh.lockfile}.` : ''}`, safe, facts.lockfileRefresh);
    if (!open.length) {
      f.suppression = { kind: 'sitewarden-ignore', justification: [...new Set(risks.map((r) => `${r!.reason} (${r!.where})`))].join('; ') };
      accepted = advisories.map((a) => a.id);
    }
    findings.push(f);
    status.push('vulnerable');
  }
  const deprecated = v ? facts.deprecated?.get(v) : undefined;
  if (deprecated) {
    findings.push(finding(d, 'dep-deprecated', 'medium', `${scheme.label(d.name, v!)} is deprecated: ${deprecated}`, latest && !facts.deprecated?.get(latest) ? latest : undefined, facts.lockfileRefresh));
    status.push('deprecated');
  }
  if (v && facts.yanked) {
    findings.push(finding(d, 'dep-yanked', 'medium', `${scheme.label(d.name, v)} was yanked from ${scheme.registry}${facts.yanked.reason ? `: ${facts.yanked.reason}` : ''}.`, latest, facts.lockfileRefresh));
    status.push('yanked');
  }
  if (v && latest && scheme.valid(latest) && scheme.lt(v, latest) && !status.includes('vulnerable')) {
    findings.push(finding(d, 'dep-outdated', 'low', `${d.name} ${v} is behind the latest ${latest} (${scheme.level(v, latest)}).`, latest, facts.lockfileRefresh));
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
  return {
    findings,
    row: rowOf(d, shown, { installed: v, latest, advisories: advisories.map((a) => a.id), ...(facts.stale ? { stale: true } : {}), ...(fixedIn ? { fixedIn, ...(facts.lockfileRefresh ? { refresh: `${facts.lockfileRefresh.command} (refreshes ${facts.lockfileRefresh.lockfile})` } : {}) } : {}), ...(accepted.length ? { accepted: true, note: `accepted risk: ${findings[0].suppression!.justification}` } : {}) }),
  };
}

/** ` (a major update: …)`, ` (…; it conflicts with <3 elsewhere in the project)`: what a reader must know before taking the fix. */
function fixNote(fix: FixChoice | undefined): string {
  if (!fix) return ' (it fixes only some of the advisories: no release fixes all of them)';
  const notes: string[] = [];
  if (fix.major) notes.push('a major update: check the release notes for breaking changes');
  if (fix.conflicts.length) notes.push(`it does not satisfy ${fix.conflicts.join(', ')} elsewhere in the project`);
  return notes.length ? ` (${notes.join('; ')})` : '';
}

/**
 * The smallest published version above the checked one that fixes every advisory and is neither
 * yanked nor deprecated; failing that, the highest fixed-in release named (it may fix only some).
 */
export function smallestSafeVersion(facts: PackageFacts, advisories: AdvisoryFact[], scheme: VersionScheme): string | undefined {
  return chooseFix(facts, advisories, scheme)?.version ?? partialFix(facts, advisories, scheme);
}

function partialFix(facts: PackageFacts, advisories: readonly AdvisoryFact[], scheme: VersionScheme): string | undefined {
  const v = facts.version!;
  return advisories.flatMap((a) => a.fixedIn ?? []).filter((x) => scheme.valid(x) && scheme.gt(x, v) && !facts.yankedVersions?.has(x)).sort(scheme.compare).at(-1);
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

function finding(dep: Dependency, ruleId: string, severity: Severity, message: string, fixTo?: string, refresh?: { command: string }): Finding {
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
    // The edit changes the manifest only: the title says what brings the lockfile along.
    f.fix = { title: `Update ${dep.name} to ${fixTo}${refresh ? `, then run \`${refresh.command}\`` : ''}`, safe: false, edits: [{ start: dep.specStart, end: dep.specEnd, newText: bumpSpec(dep.spec, fixTo, dep.ecosystem) }] };
  }
  return f;
}
