import type { Rule } from '../core/rule';
import { scanPaths, type ScanResult } from '../core/scanner';
import type { TestPathMode } from '../core/languages';
import { DEPENDENCY_RULES } from '../deps/rules';
import { evaluateChecklist, type ChecklistResult, type DependencyStatus } from './evaluate';
import { PROBE_PREFIX, probeRules } from './probes';
import { readState } from './state';

export interface ChecklistRunOptions {
  rules: readonly Rule[];
  deps?: DependencyStatus;
  exclude?: string[];
  testPaths?: TestPathMode;
}

export interface ChecklistRun {
  result: ChecklistResult;
  scan: ScanResult;
}

/**
 * Scans the workspace once with the rules and the evidence probes together, then evaluates the
 * checklist against the first root's shared state file.
 */
export async function runChecklist(roots: string[], opts: ChecklistRunOptions): Promise<ChecklistRun> {
  const scan = await scanPaths(roots, { rules: [...opts.rules, ...probeRules], exclude: opts.exclude, testPaths: opts.testPaths ?? 'ignore' });
  const facts = scan.findings.filter((f) => f.ruleId.startsWith(PROBE_PREFIX));
  const findings = scan.findings.filter((f) => !f.ruleId.startsWith(PROBE_PREFIX));
  // dependency findings come in through opts.deps: their rules declare items too
  const declared = new Map([...opts.rules, ...DEPENDENCY_RULES].map((r) => [r.meta.id, r.meta.checklist]));
  const result = evaluateChecklist({
    roots,
    findings,
    facts,
    filesAnalysed: scan.filesScanned,
    deps: opts.deps,
    state: readState(roots[0]),
    checklistOf: (id) => declared.get(id),
  });
  return { result, scan: { ...scan, findings } };
}
