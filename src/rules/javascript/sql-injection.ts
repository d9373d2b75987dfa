import type { Node } from 'web-tree-sitter';
import { OWASP, type Rule, type RuleContext } from '../../core/rule';
import type { Fix } from '../../core/types';
import { isLiteralAssembly } from '../shared/literal-assembly';
import { modelRows, sinkMethods } from '../../core/models';

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
          if (!looksSql && COMMON_NAMES.has(method) && !/db|sqlite|database|conn|stmt|^(t|tx|task)$/i.test(recvText)) return;
        }
        ctx.report({ node: q, source: taint?.source, fix: parameterise(ctx, node, sem.dialect.unwrap(q)), message: taint ? 'Request data is built into this SQL query: use placeholders and a values array.' : undefined });
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
    ],
  },
};

export default rule;
