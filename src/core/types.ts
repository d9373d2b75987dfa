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

export interface Suppression {
  kind: 'sitewarden-ignore' | 'nosec';
  justification: string;
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
  suppression?: Suppression;
  /** Set when the file is test/fixture/example code and the severity was lowered. */
  inTestCode?: boolean;
  docsUrl: string;
  /** Set when the finding feeds fewer checklist items than its rule declares (see `RuleMeta.checklist`). */
  checklist?: readonly ChecklistItemId[];
}
