/**
 * The one place a `Finding` is made. Syntax rules (engine.ts), text rules (text-analysis.ts) and
 * dependency checks (deps/evaluate.ts) all call `buildFinding`, so the fields SARIF fingerprints and
 * baselines are computed from (rule id, snippet) and the docs link cannot differ between them.
 * test/finding-builder.test.ts fails when a module under src/ writes a Finding literal itself.
 */
import type { ChecklistItemId } from './checklist-ids';
import { testPathTreatment, type TestPathTreatment } from './languages';
import type { RuleMeta } from './rule';
import type { Confidence, Finding, Fix, FlowLocation, Range, RelatedLocation, Severity } from './types';

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
  /** The path request data took to the flagged code (from the rule's `taint`), made into `Finding.flow`. */
  flow?: FlowInput;
}

/** One location of a data-flow path as the analysis knows it (ranges already converted). */
export interface FlowHopInput {
  range: Range;
  /** The code there: the source expression, or the name bound at a step. */
  text: string;
  /** Only when the hop is in another file than the finding; see `FlowLocation.file`. */
  file?: string;
  /** How the data got there: the kind of binding at a step (an assignment when absent), a request parameter at the source. */
  how?: 'assign' | 'param' | 'loop' | 'destructure' | 'other';
}

export interface FlowInput {
  source: FlowHopInput;
  /** In program order, from the source towards the sink. */
  steps: readonly FlowHopInput[];
  /**
   * The flagged code, and the name of what it reaches (`subprocess.run`, `el.innerHTML`) when
   * known, or `returned` when it is the value of a return statement.
   */
  sink: { range: Range; name?: string; returned?: boolean };
}

const LABEL_MAX = 60;

/** Code text as a one-line name: whitespace runs collapse, long text is cut with an ellipsis. */
function label(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > LABEL_MAX ? `${one.slice(0, LABEL_MAX - 1)}…` : one;
}

const STEP_WORDING: Record<NonNullable<FlowHopInput['how']>, (name: string) => string> = {
  assign: (n) => `assigned to \`${n}\``,
  param: (n) => `passed as parameter \`${n}\``,
  loop: (n) => `iterated as \`${n}\``,
  destructure: (n) => `unpacked into \`${n}\``,
  other: (n) => `flows through \`${n}\``,
};

function sameLocation(a: { range: Range; file?: string }, b: { range: Range; file?: string }): boolean {
  return a.file === b.file && a.range.start.line === b.range.start.line && a.range.start.column === b.range.start.column && a.range.end.line === b.range.end.line && a.range.end.column === b.range.end.column;
}

/**
 * The data-flow path of a finding: the source, each step (a location repeated back to back, as
 * a loop can record it, is kept once), then the sink. The messages are worded here only.
 */
export function buildFlow(i: FlowInput): FlowLocation[] {
  const src = label(i.source.text);
  const out: FlowLocation[] = [
    {
      kind: 'source',
      label: src,
      message: i.source.how === 'param' ? `request data enters as parameter \`${src}\`` : `${src} enters here`,
      range: i.source.range,
      ...(i.source.file !== undefined ? { file: i.source.file } : {}),
    },
  ];
  for (const s of i.steps) {
    if (sameLocation(out[out.length - 1], s)) continue;
    const name = label(s.text);
    out.push({ kind: 'step', label: name, message: STEP_WORDING[s.how ?? 'assign'](name), range: s.range, ...(s.file !== undefined ? { file: s.file } : {}) });
  }
  const sinkName = i.sink.name === undefined ? undefined : label(i.sink.name);
  const sinkMessage = sinkName ? `reaches ${sinkName}` : i.sink.returned ? 'is returned here' : 'reaches the flagged code';
  out.push({ kind: 'sink', label: sinkName ?? (i.sink.returned ? 'return' : 'sink'), message: sinkMessage, range: i.sink.range });
  return out;
}

/**
 * Whether a path says more than the finding and its "input enters here" location: the data passed
 * through at least one binding, or a location is in another file. SARIF codeFlows, the editor's
 * path entries and the CLI's "via" line are written only then; a source written inside the sink's
 * own arguments (`os.system(request.args["c"])`) has nothing to walk through.
 */
export function flowHasHops(flow: readonly FlowLocation[] | undefined): flow is readonly FlowLocation[] {
  return !!flow && flow.some((l) => l.kind === 'step' || l.file !== undefined);
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
  if (i.flow) finding.flow = buildFlow(i.flow);
  if (tests.markTestCode) finding.inTestCode = true;
  return finding;
}

/**
 * The locations an editor lists for a finding, in order: its path when `flowHasHops` (source,
 * steps, sink), then the related locations that are not already on it (the path's source is
 * also the related "untrusted input enters here"). `file` is set only for a location in another file.
 */
export function relatedWithFlow(f: Pick<Finding, 'flow' | 'related'>): { message: string; range: Range; file?: string }[] {
  const path = flowHasHops(f.flow) ? f.flow : [];
  const out: { message: string; range: Range; file?: string }[] = path.map((l) => ({ message: l.message, range: l.range, ...(l.file !== undefined ? { file: l.file } : {}) }));
  for (const r of f.related ?? []) if (!path.some((l) => sameLocation(l, r))) out.push({ message: r.message, range: r.range, ...(r.file !== undefined ? { file: r.file } : {}) });
  return out;
}
