import type { Node } from 'web-tree-sitter';
import { OWASP, type Rule, type RuleContext } from '../../core/rule';
import type { Fix } from '../../core/types';
import { isLiteralAssembly } from '../shared/literal-assembly';
import { modelRows, sinkMethods } from '../../core/models';
import { plusOperands } from '../../core/dialect';
import { holesAreNames } from '../shared/sql-holes';

/** SQL sinks from the models (src/core/models/sql-js.ts): methods, and the libraries whose handles count. */
const QUERY_METHODS = sinkMethods('javascript', 'sql-injection');
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const SQL_LIBRARY = new RegExp(`^(${[...new Set(modelRows('javascript', 'sink', 'sql-injection').map((r) => r.library))].map(escapeRe).join('|')})\\b`);
/** Methods with everyday names (`get`, `map`, `one`): the receiver must be named like a database handle, or the text be SQL. */
const COMMON_NAMES = new Set(['get', 'all', 'run', 'each', 'exec', 'execute', 'one', 'many', 'any', 'none', 'map', 'result', 'multi']);
/** TypeORM query-builder methods (src/core/models/js-sinks.ts). */
const BUILDER_METHODS = new Set(modelRows('javascript', 'sink', 'sql-injection', 'typeorm').filter((r) => r.method && r.method !== 'query').map((r) => r.method!));
const SQL_START = /^\s*(?:[(`'"]\s*)?(select|insert|update|delete|with|replace|create|drop|alter|truncate|merge|call|exec)\b/i;

/** Whether the receiver looks like a database handle (pool, client, connection, db, knex, sequelize…). */
function dbReceiver(ctx: RuleContext, call: Node): boolean {
  const recv = ctx.sem.receiver(call);
  if (!recv) return false;
  const q = ctx.sem.qualifiedName(recv) ?? '';
  if (SQL_LIBRARY.test(q)) return true;
  return /(db|database|pool|client|conn|connection|sql|knex|sequelize|prisma|pg|mysql|sqlite|cursor|trx|transaction|manager|repository|dataSource|query)\w*$/i.test(recv.text);
}

/** `\`... ${a} ...\`` → `'... $1 ...', [a]` (pg) or `'... ? ...', [a]` (mysql, sqlite). */
function parameterise(ctx: RuleContext, call: Node, q: Node): Fix | undefined {
  const a = ctx.sem.args(call);
  if (a.positional.length !== 1 || a.hasSplat || a.positional[0].id !== q.id || q.type !== 'template_string') return undefined;
  const mod = ctx.sem.qualifiedName(ctx.sem.receiver(call)) ?? '';
  const pg = /^pg\b|postgres/.test(mod) || /pool|pg|client/i.test(ctx.sem.receiver(call)?.text ?? '') && !/mysql|sqlite/.test(mod);
  let text = '';
  const values: string[] = [];
  for (const c of q.namedChildren) {
    if (!c) continue;
    if (c.type === 'template_substitution') {
      const e = c.namedChildren[0];
      if (!e || !/^(identifier|member_expression|subscript_expression)$/.test(e.type)) return undefined;
      values.push(e.text);
      text += '\u0000';
    } else if (c.type === 'string_fragment') text += c.text;
    else return undefined;
  }
  if (/[\\'\n]/.test(text.replace(/(['"])\u0000\1/g, ''))) return undefined;
  let i = 0;
  const body = text.replace(/(['"])\u0000\1/g, '\u0000').replace(/\u0000/g, () => (pg ? `$${++i}` : '?'));
  return { title: 'Pass the values as query parameters', safe: false, edits: [ctx.replace(q, `'${body}', [${values.join(', ')}]`)] };
}

/** SQL a query builder wrote (`knex(...).toSQL()`, `.toQuery()`, `.toString()` of a builder), and text derived from it. */
const BUILDER_SQL = /\.(toSQL|toQuery|toSqlString)\(\)|\.toSQL\(\)\s*(\[\d+\])?\.sql\b/;
function builderOutput(ctx: RuleContext, e: Node, depth = 0): boolean {
  if (depth > 4) return false;
  const v = ctx.sem.dialect.unwrap(e);
  if (BUILDER_SQL.test(v.text)) return true;
  // sql.replace(/;$/, ''), sql.trim(): still the builder's text.
  if (v.type === 'call_expression' && /^(replace|trim|trimEnd)$/.test(ctx.sem.methodName(v) ?? '')) {
    const r = ctx.sem.receiver(v);
    return !!r && builderOutput(ctx, r, depth + 1);
  }
  if (v.type === 'member_expression' && v.childForFieldName('property')?.text === 'sql') {
    const o = v.childForFieldName('object');
    if (o?.type === 'identifier') {
      // for (const q of builder.toSQL()) ... q.sql
      const b = ctx.sem.resolve(o);
      if (b?.kind === 'loop' && b.value && BUILDER_SQL.test(b.value.text)) return true;
    }
  }
  if (v.type === 'identifier') {
    const values = ctx.sem.reachingValues(v).filter((x) => x.id !== v.id && !(x.startIndex <= v.startIndex && v.endIndex <= x.endIndex));
    return values.length > 0 && values.every((x) => builderOutput(ctx, x, depth + 1) || (ctx.sem.dialect.isIdentifier(x) ? false : builtFromBuilder(ctx, x, depth + 1)));
  }
  return false;
}
/** `sql + ', algorithm=copy'` where sql is the builder's. */
function builtFromBuilder(ctx: RuleContext, e: Node, depth: number): boolean {
  const parts = plusOperands(e, 'binary_expression');
  if (!parts) return false;
  return parts.every((p) => p.type === 'string' || builderOutput(ctx, p, depth + 1) || builtFromBuilder(ctx, p, depth + 1));
}

/**
 * The query text as literal pieces and holes; true when no hole can hold a value: each is a
 * table/column name (src/rules/shared/sql-holes.ts) or SQL a query builder wrote.
 */
function onlyNamesOrBuilderSql(ctx: RuleContext, q: Node): boolean {
  const pieces: (string | null)[] = [];
  let builder = 0;
  const walk = (e: Node, depth: number): void => {
    const v = ctx.sem.dialect.unwrap(e);
    if (depth > 6) { pieces.push(null); return; }
    if (v.type === 'string') { pieces.push(v.text.slice(1, -1)); return; }
    if (v.type === 'template_string') {
      for (const c of v.namedChildren) {
        if (!c) continue;
        if (c.type === 'template_substitution') {
          const x = c.namedChildren[0];
          if (x && builderOutput(ctx, x)) builder++;
          else pieces.push(null);
        } else pieces.push(c.type === 'escape_sequence' && c.text.length === 2 ? c.text[1] : c.text); // \` is a backtick
      }
      return;
    }
    const parts = plusOperands(v, 'binary_expression');
    if (parts) { for (const p of parts) walk(p, depth + 1); return; }
    if (v.type === 'identifier') {
      const values = ctx.sem.reachingValues(v).filter((x) => x.id !== v.id);
      if (values.length === 1 && !ctx.sem.dialect.isIdentifier(values[0])) { walk(values[0], depth + 1); return; }
    }
    if (builderOutput(ctx, v)) { builder++; return; }
    pieces.push(null);
  };
  walk(q, 0);
  // Adjacent literal pieces read as one text.
  const merged: (string | null)[] = [];
  for (const p of pieces) {
    if (p !== null && typeof merged[merged.length - 1] === 'string') merged[merged.length - 1] += p;
    else merged.push(p);
  }
  if (!merged.includes(null)) return builder > 0;
  return holesAreNames(merged);
}

const rule: Rule = {
  meta: {
    id: 'js-sql-injection',
    title: 'SQL query built from strings',
    language: 'javascript',
    family: 'injection',
    checklist: ['input-validation', 'orm-queries'],
    severity: 'high',
    confidence: 'medium',
    cwe: ['CWE-89'],
    owasp: [OWASP.A03],
    message: 'SQL built with string concatenation or a template literal reaches the database: use placeholders and a values array.',
    docs: {
      whatItDoes: 'Finds SQL text built with template literals or `+` that reaches `query`/`execute` of mysql, mysql2, pg, sqlite3, better-sqlite3 and mssql handles, `sequelize.query`, knex `raw`/`whereRaw`/…, TypeORM `query` and query-builder conditions (`createQueryBuilder().where(...)`, `andWhere`, `orderBy`, …), pg-promise `one`/`many`/`any`/`none`/`oneOrNone`/`manyOrNone`/`result`/`query`, and Prisma `$queryRawUnsafe`/`$executeRawUnsafe`. SQL assembled from literals only (placeholder lists joined by count, a query picked from literals) is not flagged.',
      whyBad: 'Any part of the query that comes from the client can close the string and add SQL of its own: dump tables, bypass logins, delete data.',
      example: 'const rows = await pool.query(`SELECT * FROM users WHERE id = ${req.params.id}`);',
      useInstead: "const rows = await pool.query('SELECT * FROM users WHERE id = $1', [req.params.id]);   // pg\n// mysql2: connection.execute('SELECT * FROM users WHERE id = ?', [id])\n// knex: knex('users').where({ id })",
      references: ['https://cwe.mitre.org/data/definitions/89.html', 'https://node-postgres.com/features/queries#parameterized-query'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    return {
      call_expression(node: Node) {
        const method = sem.methodName(node);
        if (!method || !QUERY_METHODS.has(method)) return;
        const q = sem.arg(node, 0);
        if (!q) return;
        const built = sem.isBuiltStringDeep(q);
        const taint = sem.taint(q);
        if (!built && !(taint && !sem.isConstant(q))) return;
        // Placeholders joined by count, queries picked from literals: the values go as parameters.
        if (isLiteralAssembly(sem, q)) return;
        // Only database handles, or text that is plainly SQL, count: `cache.get(key + id)` is not a query.
        const value = sem.deref(q);
        const looksSql = SQL_START.test(value.text.slice(0, 200).replace(/^`/, ''));
        const recvText = sem.receiver(node)?.text ?? '';
        if (BUILDER_METHODS.has(method)) {
          // Query-builder conditions (TypeORM `where`): only on a query builder, whatever the text.
          if (!/createQueryBuilder\(|QueryBuilder\b|\bqb$/i.test(recvText)) return;
        } else {
          if (!dbReceiver(ctx, node) && !looksSql) return;
          if (!taint && onlyNamesOrBuilderSql(ctx, q)) return;
          if (!looksSql && COMMON_NAMES.has(method) && !/db|sqlite|database|conn|stmt|^(t|tx|task)$/i.test(recvText)) return;
        }
        ctx.report({ node: q, taint, fix: parameterise(ctx, node, sem.dialect.unwrap(q)), message: taint ? 'Request data is built into this SQL query: use placeholders and a values array.' : undefined });
      },
    };
  },
  tests: {
    valid: [
      "pool.query('SELECT * FROM users WHERE id = $1', [req.params.id]);",
      "const TABLE = 'users';\ndb.query(`SELECT * FROM ${TABLE}`);",
      "cache.get('user:' + id);",
      "// db.query(`SELECT ${x}`) is unsafe\nconst s = 'db.query(`SELECT ${x}`)';",
      "knex('users').where({ id: req.query.id });",
      "map.get(key + suffix);",
      // Names cannot be placeholders: schema tools and introspection write them into the text.
      "async function renameColumn(trx, tableName, from, to) {\n  return trx.raw(`ALTER TABLE \\`${tableName}\\` RENAME COLUMN \\`${from}\\` TO \\`${to}\\`;`);\n}",
      "async function columns(knex, table) {\n  return knex.raw(`pragma table_info(\"${table}\")`);\n}",
      "async function fks(trx, fromTable) {\n  return trx.raw(`PRAGMA foreign_key_list('${fromTable}');`);\n}",
      "async function indexes(trx, table) {\n  return trx.raw(`SHOW INDEXES from ${table}`);\n}",
      // SQL that the query builder wrote, with a literal clause added.
      "async function add(knex, table) {\n  let sql = knex.schema.table(table, (t) => t.string('x')).toSQL()[0].sql;\n  sql = sql.replace(/;\\s*$/, '') + ', algorithm=copy';\n  await knex.raw(sql);\n}",
    ],
    invalid: [
      {
        code: "app.get('/u/:id', async (req, res) => {\n  const r = await pool.query(`SELECT * FROM users WHERE id = ${req.params.id}`);\n  res.json(r.rows);\n});",
        errors: [2], messages: ['Request data is built into this SQL query: use placeholders and a values array.'],
        output: "app.get('/u/:id', async (req, res) => {\n  const r = await pool.query('SELECT * FROM users WHERE id = $1', [req.params.id]);\n  res.json(r.rows);\n});",
      },
      { code: "const mysql = require('mysql');\nconst connection = mysql.createConnection({});\nfunction find(name) {\n  connection.query(\"SELECT * FROM t WHERE name = '\" + name + \"'\", cb);\n}", errors: [4], messages: [{ messageId: 'default' }] },
      { code: "router.post('/s', (req, res) => {\n  const sql = `DELETE FROM posts WHERE id = ${req.body.id}`;\n  db.run(sql);\n});", errors: [3], messages: ['Request data is built into this SQL query: use placeholders and a values array.'] },
      { code: "sequelize.query('SELECT * FROM items WHERE cat = ' + category);", errors: [1], messages: [{ messageId: 'default' }] },
      { code: "knex.raw(`select * from users where email = '${email}'`);", errors: [1], messages: [{ messageId: 'default' }], filename: 'app.js' },
      // A name hole next to a value hole: the value still needs a placeholder.
      { code: "function find(db, table, id) {\n  return db.query(`SELECT * FROM ${table} WHERE id = ${id}`);\n}", errors: [2] },
      { code: "function load(db, file, table) {\n  return db.raw(`LOAD DATA LOCAL INFILE '${file}' INTO TABLE \\`${table}\\``);\n}", errors: [2] },
      // Request data in a name position is still injection (ORDER BY from the query string).
      { code: "app.get('/l', (req, res) => db.query(`SELECT * FROM items ORDER BY ${req.query.sort}`));", errors: [1] },
    ],
  },
};

export default rule;
