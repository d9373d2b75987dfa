/**
 * Taint models as data ("models as data"): what each library contributes as a source of request
 * data, a sink of one vulnerability class, a sanitiser or a propagator, one small table per
 * library. The injection rules and the dialects read these tables, so adding a library is adding
 * rows. Every row carries the example that proves it (test/models.test.ts runs each one through
 * its rule), and `sitewarden models` / docs/models.md list them.
 */
export type ModelKind = 'source' | 'sink' | 'sanitiser' | 'propagator';
export type ModelLanguage = 'python' | 'javascript';
export type VulnClass = 'sql-injection' | 'command-injection' | 'code-injection' | 'open-redirect' | 'path-traversal' | 'ssrf' | 'reflected-xss' | 'nosql-injection' | 'unsafe-deserialization';

/**
 * How a process sink treats its command: `always` hands it to a shell; `option` only when the call
 * passes `shell=True` / `{ shell: true }` (otherwise the program itself must not be chosen by the
 * client); `never` runs the program directly.
 */
export type ShellMode = 'always' | 'option' | 'never';

/**
 * The context a row needs. `text-body` (reflected-XSS sinks): the response is HTML only when its
 * body is text — Express `res.send` sends objects, arrays, numbers and database documents as JSON,
 * so only strings, template literals and concatenations count; a non-HTML `Content-Type` set on
 * the same response (`res.type`, `set`, `setHeader`, `writeHead`) makes any body inert.
 * `response-body` (sanitisers): the call's result is safe as a response body (an autoescaped
 * template render, a JSON encoder) but still carries request data to every other sink, so it does
 * not clear taint in general — only the XSS rules read these rows.
 */
export type ModelContext = 'text-body' | 'response-body';

export interface ModelRow {
  kind: ModelKind;
  library: string;
  language: ModelLanguage;
  /** Qualified callee as Semantics.calleeName spells it (`child_process.exec`, `subprocess.run`). */
  callee?: string;
  /** A method called on a receiver the rule recognises (`cursor.execute`: `execute`). */
  method?: string;
  /** Sources: the attribute of the framework's request object (`args` of `flask.request`). */
  property?: string;
  /**
   * Sources: what the property is read from, when not the request object itself (`request`,
   * `req`, the first parameter of a route handler): `context.request` is koa's `ctx.request`;
   * `handler-self` the `self` of an `http.server` request-handler class.
   */
  object?: 'context.request' | 'handler-self';
  /** Parameter sources: the decorator that marks a handler parameter as request data (`Body` of NestJS). */
  decorator?: string;
  /**
   * Parameter sources: `resolver-args` — the second parameter (`args`) of a GraphQL resolver;
   * `route-params` — the parameters of a FastAPI route function (not `Depends(...)`, not the `Request`).
   */
  parameter?: 'resolver-args' | 'route-params';
  /** Sinks: the positional arguments that must not be tainted (-1: the last one). */
  args?: number[];
  /** Sinks (Python): keyword names of the same arguments. */
  keywords?: string[];
  /** The vulnerability class of the sink; for other kinds, the class of the rule that runs the example. */
  vulnClass: VulnClass;
  shell?: ShellMode;
  /**
   * Where the row holds, when not everywhere (see ModelContext). Sinks: `text-body` — only a body
   * that is text counts. Sanitisers: `response-body` — safe as the body of a response only.
   */
  context?: ModelContext;
  /** Code the rule must flag; the finding is on the LAST line. Required except for sanitisers. */
  vulnerable?: string;
  /** Code the rule must not flag (required for sanitisers: the same flow, sanitised). */
  safe?: string;
}

type RowInput = Omit<ModelRow, 'library' | 'language'>;

/** One library's table: fills in the library and language on every row. */
export function modelTable(library: string, language: ModelLanguage, rows: RowInput[]): ModelRow[] {
  return rows.map((r) => ({ ...r, library, language }));
}

/** The rule that runs a row's examples: `py-sql-injection`, `js-command-injection`. */
export function ruleIdFor(row: Pick<ModelRow, 'language' | 'vulnClass'>): string {
  return `${row.language === 'python' ? 'py' : 'js'}-${row.vulnClass}`;
}

/** What a row names, for listings: `subprocess.run`, `.execute`, `request.args`. */
export function rowSubject(row: ModelRow): string {
  if (row.callee) return row.callee;
  if (row.method) return `.${row.method}(…)`;
  if (row.decorator) return `@${row.decorator}() parameter`;
  if (row.parameter === 'resolver-args') return 'resolver (parent, args) args';
  if (row.parameter === 'route-params') return 'route function parameters';
  if (row.object === 'context.request') return `ctx.request.${row.property ?? '?'}`;
  if (row.object === 'handler-self') return `self.${row.property ?? '?'}`;
  return `request.${row.property ?? '?'}`;
}
