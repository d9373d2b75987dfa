import type { Node, Tree } from 'web-tree-sitter';
import type { Confidence, Fix, LanguageId, RelatedLocation, RuleLanguage, Severity, TextEdit } from './types';
import type { Semantics, TaintInfo } from './semantics';
import type { ChecklistItemId } from './checklist-ids';

/** Groups used by settings (enable/disable), by the checklist and by `npm run quality`. */
export type RuleFamily =
  | 'injection'
  | 'xss'
  | 'deserialization'
  | 'crypto'
  | 'randomness'
  | 'secrets'
  | 'tls'
  | 'auth'
  | 'config'
  | 'redirect'
  | 'path'
  | 'ssrf'
  | 'fingerprinting'
  | 'misc';

export interface RuleDocs {
  /** What the rule finds, one or two sentences. */
  whatItDoes: string;
  whyBad: string;
  /** Code that is flagged. */
  example: string;
  /** The safe way to write it. */
  useInstead: string;
  /**
   * The file name both are written in, for rules that read only some files (settings modules,
   * `.env`, templates); the rule tester checks them under it and the docs page names it.
   */
  exampleFile?: string;
  references: string[];
}

export interface RuleMeta {
  /** Stable id, e.g. `py-sql-injection`; used in suppressions, SARIF and docs file names. */
  id: string;
  title: string;
  language: RuleLanguage;
  family: RuleFamily;
  /**
   * The checklist items this rule's findings make fail (empty: none). The checklist reads only
   * these declarations; a finding may name fewer (`ReportDescriptor.checklist`).
   */
  checklist: readonly ChecklistItemId[];
  severity: Severity;
  confidence: Confidence;
  /** e.g. ['CWE-89'] */
  cwe: string[];
  /** OWASP Top 10 2021 categories, e.g. ['A03:2021-Injection'] */
  owasp: string[];
  /** Default message; `report` may give a more specific one. */
  message: string;
  docs: RuleDocs;
  /** Production-only rules (debug mode, hard-coded secrets) stay silent in tests and examples. */
  skipInTests?: boolean;
  /** Bandit test ids this rule covers, so that `# nosec B602` suppresses it too. */
  bandit?: string[];
  /**
   * Findings depend on statements other than the one flagged (beyond name resolution), so a
   * re-check of only the edited statements cannot decide them. Rules with `program:exit` are
   * treated so without saying it.
   */
  wholeFile?: boolean;
}

export interface ReportDescriptor {
  node: Node;
  message?: string;
  /** Overrides the rule's default, e.g. raised to high when request data reaches the sink. */
  confidence?: Confidence;
  severity?: Severity;
  fix?: Fix;
  related?: RelatedLocation[];
  /** End of the flagged range, when it differs from `node`'s. */
  endNode?: Node;
  /**
   * The checklist items this finding feeds when it is narrower than the rule's (a weak hash of a
   * checksum does not make "Data is encrypted" fail); only items of `meta.checklist` are kept.
   */
  checklist?: readonly ChecklistItemId[];
  /**
   * Where untrusted data enters, for a report without a taint to pass (prefer `taint`): shown as
   * related information ("untrusted input enters here"), and it raises confidence to high unless
   * `confidence` is given.
   */
  source?: Node;
  /**
   * The whole taint (`sem.taint(x)`): its source counts as `source` above, and its steps make the
   * finding's data-flow path (`Finding.flow`: SARIF codeFlows, the editor's related entries, the
   * CLI's "via" line). Pass this rather than `source` where the taint is at hand.
   */
  taint?: TaintInfo;
}

export interface RuleContext {
  readonly file: string;
  readonly source: string;
  readonly language: LanguageId;
  readonly tree: Tree;
  readonly isTestFile: boolean;
  readonly sem: Semantics;
  report(d: ReportDescriptor): void;
  /** Helpers to build fixes. */
  replace(node: Node, newText: string): TextEdit;
  insertAt(offset: number, text: string): TextEdit;
  text(node: Node): string;
}

export type Visitor = (node: Node) => void;
/** Node type → visitor, as ESLint rules do; `program:exit` runs after the traversal. */
export type Visitors = Record<string, Visitor | (() => void)>;

export interface RuleTestCase {
  code: string;
  /** Defaults to app.py / app.ts by language; use it for test-path or settings-file cases. */
  filename?: string;
}

export interface InvalidTestCase extends RuleTestCase {
  /** Number of findings, or the 1-based lines that must be flagged (in order). */
  errors: number | number[];
  /** The text after applying the first finding's fix; the result must parse cleanly. */
  output?: string;
  /**
   * The message of each finding, in order, as ESLint's `errors: [{ message }]`: the exact text, or
   * `{ messageId: 'default' }` for the rule's `meta.message`. Every rule asserts them in at least one case.
   */
  messages?: ExpectedMessage[];
}

export type ExpectedMessage = string | { messageId: 'default' };

/** What a text rule (language `text`: templates, config, any file) sees of one file. */
export interface TextRuleContext {
  readonly file: string;
  readonly text: string;
  readonly lines: readonly string[];
  readonly isTestFile: boolean;
  /** 0-based line; columns are 0-based UTF-16 offsets in that line. */
  report(d: { line: number; column: number; endColumn?: number; message?: string; confidence?: Confidence; severity?: Severity; fix?: Fix; checklist?: readonly ChecklistItemId[] }): void;
}

export interface Rule {
  meta: RuleMeta;
  /** Syntax rules: visitors over the tree. Text rules return `{}` and implement `checkText`. */
  create(ctx: RuleContext): Visitors;
  /** Text rules only: which files (POSIX path relative to the scan root) they read. */
  appliesTo?(relPath: string): boolean;
  /** Text rules only: looks at the raw text of a file no grammar parses (templates, .env, YAML…). */
  checkText?(ctx: TextRuleContext): void;
  tests: {
    valid: (string | RuleTestCase)[];
    invalid: InvalidTestCase[];
  };
}

export const OWASP = {
  A01: 'A01:2021-Broken Access Control',
  A02: 'A02:2021-Cryptographic Failures',
  A03: 'A03:2021-Injection',
  A04: 'A04:2021-Insecure Design',
  A05: 'A05:2021-Security Misconfiguration',
  A06: 'A06:2021-Vulnerable and Outdated Components',
  A07: 'A07:2021-Identification and Authentication Failures',
  A08: 'A08:2021-Software and Data Integrity Failures',
  A09: 'A09:2021-Security Logging and Monitoring Failures',
  A10: 'A10:2021-Server-Side Request Forgery',
} as const;
