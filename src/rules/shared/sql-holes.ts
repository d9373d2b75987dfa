/**
 * Where the non-literal parts of a SQL text sit. Placeholders can bind values but not names: a
 * table or column name has to be written into the text, so migrations, schema tools and
 * introspection (`ALTER TABLE \`${table}\``, `PRAGMA index_list('${t}')`, `SHOW COLUMNS FROM ${t}`)
 * are built that way by design. When no part of such a query is request data and every hole is in
 * a name position, there is nothing a placeholder could fix, so the SQL rules stay quiet; a hole in
 * a value position (`WHERE id = ${id}`, `'${name}'`) is still reported.
 */

/** A SQL text as literal pieces with holes (`null`) between them, in order. */
export type SqlPieces = ReadonlyArray<string | null>;

// Keywords after which the next token is a name (table, column, index, schema...).
// A dot qualifies a name (`${schema}.${table}`, `t.${column}`); `(` and `,` do not count: they
// open argument and VALUES lists.
const NAME_AFTER = /(?:\b(?:from|join|into|update|table|tables|exists|index|column|columns|database|schema|view|trigger|rename|to|describe|pragma|by|truncate|references)|\.)\s*$/i;
const PRAGMA_CALL = /\bpragma\s+\w+\s*\(\s*$/i;

/** True when there is at least one hole and every hole is in a name position. */
export function holesAreNames(pieces: SqlPieces): boolean {
  let holes = 0;
  for (let i = 0; i < pieces.length; i++) {
    if (pieces[i] !== null) continue;
    holes++;
    const before = precedingText(pieces, i);
    const after = typeof pieces[i + 1] === 'string' ? (pieces[i + 1] as string) : '';
    if (!inNamePosition(before, after) && !inColumnList(textBefore(pieces, i), after)) return false;
  }
  return holes > 0;
}

function precedingText(pieces: SqlPieces, i: number): string {
  // A hole right after another hole (`${schema}.${table}` without a dot is unusual): read the
  // literal before the run of holes.
  for (let k = i - 1; k >= 0; k--) if (typeof pieces[k] === 'string') return pieces[k] as string;
  return '';
}

/** Everything before hole `i`, earlier holes written as a bare name. */
function textBefore(pieces: SqlPieces, i: number): string {
  return pieces.slice(0, i).map((p) => (p === null ? 'name' : p)).join('');
}

// `INSERT INTO t (${columns})`: the column list right after the table, only names can go there.
const INSERT_COLUMNS = /\binto\s+[\w.`"[\]]+\s*\(\s*$/i;
// `SELECT ${columns} FROM`: a hole that is the whole select list (a value there would be quoted).
const SELECT_LIST = /\bselect(?:\s+distinct)?\s*$/i;

/** A hole that is a whole column list: closed by `)` after `INTO t (`, or by FROM after SELECT. */
function inColumnList(before: string, after: string): boolean {
  const a = after.trimStart();
  if (INSERT_COLUMNS.test(before)) return a.startsWith(')');
  return SELECT_LIST.test(before) && /^from\b/i.test(a);
}

function inNamePosition(before: string, after: string): boolean {
  const b = before.trimEnd();
  const a = after.trimStart();
  // Quoted identifiers: `name`, [name]; "name" only after a keyword that takes a name (MySQL reads "x" as a string).
  if (b.endsWith('`') && a.startsWith('`')) return true;
  if (b.endsWith('[') && a.startsWith(']')) return true;
  if ((b.endsWith('"') || b.endsWith("'")) && a.startsWith(b[b.length - 1])) {
    const lead = b.slice(0, -1);
    return PRAGMA_CALL.test(lead) || (b.endsWith('"') && NAME_AFTER.test(lead));
  }
  if (/['"`]$/.test(b)) return false;
  return NAME_AFTER.test(b) && !/^['"]/.test(a);
}
