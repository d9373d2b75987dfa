/**
 * Which findings reach the editor: the one filter behind every diagnostic, the findings view,
 * the status bar and the exported report, whichever path produced them (open documents, the
 * workspace audit, a file changed on disk, the dependency check). Free of `vscode`, so plain
 * tests hold it directly.
 */
import type { RuleFamily, RuleMeta } from '../core/rule';
import { severityRank, type Finding, type Severity } from '../core/types';

/** The settings the filter reads (`sitewarden.minimumSeverity`, `sitewarden.disabledFamilies`). */
export interface PublishSettings {
  minimumSeverity: Severity;
  disabledFamilies: readonly RuleFamily[];
  /** `sitewarden.disabledRules`: rule ids switched off one by one. */
  disabledRules?: readonly string[];
}

export type FamilyOf = (ruleId: string) => RuleFamily | undefined;

/** Rule id → family over the rule sets the editor shows (code, text and dependency rules). */
export function familyIndex(rules: readonly { meta: Pick<RuleMeta, 'id' | 'family'> }[]): FamilyOf {
  const families = new Map(rules.map((r) => [r.meta.id, r.meta.family]));
  return (ruleId) => families.get(ruleId);
}

/**
 * The findings the editor keeps: at or above the minimum severity and not of a switched-off
 * family. Suppressed findings stay (reports list them as suppressed); `asDiagnostics` drops them.
 */
export function publishable(findings: readonly Finding[], s: PublishSettings, familyOf: FamilyOf): Finding[] {
  const min = severityRank(s.minimumSeverity);
  return findings.filter((f) => {
    if (severityRank(f.severity) < min) return false;
    if (s.disabledRules?.includes(f.ruleId)) return false;
    const family = familyOf(f.ruleId);
    return !(family && s.disabledFamilies.includes(family));
  });
}

/** Of the kept findings, the ones shown as problems: a suppression comment hides its finding. */
export function asDiagnostics(kept: readonly Finding[]): Finding[] {
  return kept.filter((f) => !f.suppression);
}
