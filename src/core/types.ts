/** Shared data types of the engine. Nothing here may import `vscode`. */
import type { ChecklistItemId } from './checklist-ids';

export type Severity = 'low' | 'medium' | 'high' | 'critical';
export type Confidence = 'low' | 'medium' | 'high';
/** The languages with a grammar: one entry each in language-registry.ts. */
export type { LanguageId } from './language-registry';
import type { CodeRuleLanguage } from './language-registry';
/** The rule languages: one per rule set of the registry (JS, TS and TSX share one), and `text`. */
export type RuleLanguage = CodeRuleLanguage | 'text';

export const SEVERITY_ORDER: readonly Severity[] = ['low', 'medium', 'high', 'critical'];

export function severityRank(s: Severity): number {
  return SEVERITY_ORDER.indexOf(s);
}

/** Zero-based line and column (UTF-16 code units), as VS Code and tree-sitter (after conversion) use. */
export interface Position {
  line: number;
  column: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** A replacement of the text between two byte-independent offsets (UTF-16 indices into the file text). */
export interface TextEdit {
  start: number;
  end: number;
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
  /** Safe fixes may be applied by "fix all" without review. */
  safe: boolean;
}

export interface RelatedLocation {
  message: string;
  range: Range;
  /** The file the range is in, when not the finding's own (a sink in another workspace file). */
  file?: string;
}

/**
 * One location on the path untrusted data takes to a finding (SARIF threadFlow location, an
 * editor related-information entry, a name on the CLI's "via" line). Built only by `buildFlow`
 * (finding.ts).
 */
export interface FlowLocation {
  /** `source`: where the data enters; `step`: a binding it passed through; `sink`: the finding. */
  kind: 'source' | 'step' | 'sink';
  /** The short code text named on the "via" line (`request.args`, `u`), one line, at most 60 characters. */
  label: string;
  /** What happens there: "request.args enters here", "assigned to `u`", "reaches subprocess.run". */
  message: string;
  range: Range;
  /**
   * Set only when the location is in another file than the finding: the same kind of path as
   * `Finding.file` (what the scanner handed the engine for that file), so every report makes it
   * relative (or a URI) exactly as it does `Finding.file`.
   */
  file?: string;
}

export interface Suppression {
  kind: 'sitewarden-ignore' | 'nosec';
  justification: string;
  /** The last day the suppression holds (`until=YYYY-MM-DD`). */
  until?: string;
}

export interface Finding {
  ruleId: string;
  title: string;
  message: string;
  severity: Severity;
  confidence: Confidence;
  cwe: string[];
  owasp: string[];
  /** File path as given to the engine (the CLI makes it relative for output). */
  file: string;
  range: Range;
  /** Text of the first flagged line, trimmed: used for stable fingerprints. */
  snippet: string;
  fix?: Fix;
  related?: RelatedLocation[];
  /**
   * The data-flow path when request data reaches the flagged code: the source, each step, the
   * sink (this finding), in program order. Reports show it when `flowHasHops` says it adds to the
   * finding's own location.
   */
  flow?: FlowLocation[];
  suppression?: Suppression;
  /** Set when the file is test/fixture/example code and the severity was lowered. */
  inTestCode?: boolean;
  docsUrl: string;
  /** Set when the finding feeds fewer checklist items than its rule declares (see `RuleMeta.checklist`). */
  checklist?: readonly ChecklistItemId[];
}
