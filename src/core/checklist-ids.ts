/**
 * Ids of the security checklist's items. Rule metadata names the items a rule's findings feed
 * (`RuleMeta.checklist`), and core must not import the checklist above it, so the ids live here;
 * the items themselves (texts, kind, evaluation) are in src/checklist/model.ts, typed by these ids.
 */
export const CHECKLIST_ITEM_IDS = [
  'input-validation',
  'authentication',
  'encryption',
  'error-handling',
  'csrf',
  'security-headers',
  'crypto-library',
  'orm-queries',
  'fingerprint-check',
  'fingerprint-privacy',
  'security-logging',
  'incident-response-plan',
  'monitoring-tools',
  'dependencies-current',
  'ci-audit',
  'security-policy',
  'penetration-test',
  'code-review',
  'training',
  'drills',
  'knowledge-sharing',
] as const;

export type ChecklistItemId = (typeof CHECKLIST_ITEM_IDS)[number];
