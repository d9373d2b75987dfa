/**
 * Per-function taint summaries, in a form that can be written to JSON and read back (no syntax
 * nodes: positions are zero-based line and column, as `Position` in types.ts and findings). One `ModuleSummary` per
 * file lists, for every function, method, arrow or closure defined in it: which parameters reach
 * its return value (`returns`), whether the return value carries request data from a source inside
 * the function (`returnsSource`), and which parameters reach a sink inside it (`sinks`, with the
 * vulnerability class and the rule that judged the sink; the sink knowledge is the rules' own, asked
 * with the parameter assumed tainted, never a second sink list). Inside one file
 * `src/core/summaries.ts` computes the same facts lazily from the tree and applies them at call
 * sites; the cross-file index exports these records per module and applies them to calls into
 * that module. Every fact carries the hops (`steps`) inside the function, so a path can be shown
 * end to end: caller's argument → parameter → … → return or sink.
 */

/** A place in a file: zero-based line and column (UTF-16 units), the convention of `Position` / `Finding.range`. */
export interface SummaryPosition {
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
}

/** One hop inside the function: the bound name or expression the data passes through. */
export interface SummaryStep extends SummaryPosition {
  /** The source text of the hop (an identifier, `return p`), escaped by whoever prints it. */
  text: string;
}

/** A parameter of a summarised function. */
export interface SummaryParam {
  name: string;
  /** Position among the parameters as a caller passes them: `self` / `cls` of a method is not counted. */
  index: number;
  /** Python: may be passed by keyword; JS: false. */
  keyword: boolean;
  /** The default value's expression carries request data (`def f(p=request.args.get("x"))`). */
  defaultTainted?: boolean;
}

/** Data entering at parameter `param` reaches the return value. */
export interface ParamToReturn {
  param: number;
  /** Hops from the parameter to the returned expression, parameter first. */
  steps: SummaryStep[];
}

/** Data entering at parameter `param` reaches a sink inside the function. */
export interface ParamToSink {
  param: number;
  /** The model's vulnerability class (`sql-injection`, `path-traversal`, …), see models/types.ts. */
  vulnClass: string;
  /** The rule that judged the sink (`py-sql-injection`), so a caller's finding names it. */
  ruleId: string;
  /** The sink expression (the argument the rule reports). */
  sink: SummaryPosition;
  /** Hops from the parameter to the sink, parameter first. */
  steps: SummaryStep[];
}

export interface FunctionSummary {
  /** The name callers use: `helper`, `Cls.helper` for methods (reached as `self.helper` / `this.helper`). */
  name: string;
  kind: 'function' | 'method' | 'arrow' | 'lambda';
  /** The enclosing class for methods. */
  className?: string;
  /** Where the function's name (or the function itself, when anonymous) is. */
  at: SummaryPosition;
  params: SummaryParam[];
  returns: ParamToReturn[];
  /** The return value carries request data from a source read inside the function. */
  returnsSource?: { source: SummaryPosition; steps: SummaryStep[] };
  sinks: ParamToSink[];
}

export interface ModuleSummary {
  /** Bumped when the shape changes: a cache holding another version recomputes. */
  version: 1;
  language: 'python' | 'javascript';
  /** Workspace-relative path, '/'-separated. */
  path: string;
  /** Content hash of the file the summary was computed from (the cache key's own part). */
  hash?: string;
  functions: FunctionSummary[];
}

export const SUMMARY_VERSION = 1 as const;
