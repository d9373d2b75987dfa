/**
 * The one place a `Finding` is made. Syntax rules (engine.ts), text rules (text-analysis.ts) and
 * dependency checks (deps/evaluate.ts) all call `buildFinding`, so the fields SARIF fingerprints and
 * baselines are computed from (rule id, snippet) and the docs link cannot differ between them.
 * test/finding-builder.test.ts fails when a module under src/ writes a Finding literal itself.
 */
import type { ChecklistItemId } from './checklist-ids';
import { testPathTreatment, type TestPathTreatment } from './languages';
import type { RuleMeta } from './rule';
import type { Confidence, Finding, Fix, Range, RelatedLocation, Severity } from './types';

/**
 * Where a rule's page is inside the SiteWarden package (the npm package and the .vsix ship
 * docs/rules/). There is no public web page: SARIF carries each rule's page as embedded `help`
 * and gets no `helpUri`, the editor opens the bundled file, reports name the rule without a link.
 */
export const DOCS_DIR = 'docs/rules/';

/** The documentation page of a rule, relative to the SiteWarden package root. */
export function docsUrl(ruleId: string): string {
  return `${DOCS_DIR}${ruleId}.md`;
}

/** Longest snippet kept: fingerprints hash it, reports show it. */
const SNIPPET_MAX = 200;

/** The part of a rule's metadata a finding copies. */
export type FindingRuleMeta = Pick<RuleMeta, 'id' | 'title' | 'message' | 'severity' | 'confidence' | 'cwe' | 'owasp' | 'checklist'>;

export interface FindingInput {
  meta: FindingRuleMeta;
  file: string;
  range: Range;
  /** The text the fingerprint is taken from: the flagged line (or, for a dependency, "name spec"). */
  lineText: string;
  /** Overrides of the rule's defaults, as the report gave them. */
  message?: string;
  severity?: Severity;
  confidence?: Confidence;
  fix?: Fix;
  related?: readonly RelatedLocation[];
  /** Narrower checklist items than the rule's; items the rule does not declare are dropped. */
  checklist?: readonly ChecklistItemId[];
  /** Test-path treatment of the file (severity demotion, `inTestCode`); production when absent. */
  tests?: TestPathTreatment;
}

const PRODUCTION = testPathTreatment(undefined, false);

export function buildFinding(i: FindingInput): Finding {
  const m = i.meta;
  const tests = i.tests ?? PRODUCTION;
  const finding: Finding = {
    ruleId: m.id,
    title: m.title,
    message: i.message ?? m.message,
    severity: tests.severity(i.severity ?? m.severity),
    confidence: i.confidence ?? m.confidence,
    cwe: m.cwe,
    owasp: m.owasp,
    file: i.file,
    range: i.range,
    snippet: i.lineText.trim().slice(0, SNIPPET_MAX),
    docsUrl: docsUrl(m.id),
  };
  if (i.fix) finding.fix = i.fix;
  if (i.checklist) finding.checklist = i.checklist.filter((c) => m.checklist.includes(c));
  if (i.related?.length) finding.related = [...i.related];
  if (tests.markTestCode) finding.inTestCode = true;
  return finding;
}
