import { modelTable, type ModelRow } from './types';

/**
 * SQL drivers and query builders of Node: the methods that take SQL text. The rule also asks that
 * the receiver is a database handle of one of these libraries (or is named like one) or that the
 * text is plainly SQL, since `get`/`run`/`all` are common method names.
 */
const sink = (library: string, methods: string[], handle: string): ModelRow[] =>
  modelTable(library, 'javascript', methods.map((m) => ({
    kind: 'sink' as const,
    method: m,
    args: [0],
    vulnClass: 'sql-injection' as const,
    vulnerable: `app.get('/u', async (req, res) => res.json(await ${handle}.${m}(\`SELECT * FROM users WHERE id = \${req.query.id}\`)));`,
    safe: `${handle}.${m}('SELECT * FROM users WHERE id = 1');`,
  })));

export default [
  ...sink('pg', ['query'], 'pool'),
  ...sink('mysql', ['query'], 'connection'),
  ...sink('mysql2', ['query', 'execute'], 'connection'),
  ...sink('sqlite3', ['run', 'all', 'get', 'each', 'exec', 'prepare'], 'db'),
  ...sink('better-sqlite3', ['prepare', 'exec'], 'db'),
  ...sink('sequelize', ['query'], 'sequelize'),
  ...sink('knex', ['raw', 'whereRaw', 'orWhereRaw', 'havingRaw', 'joinRaw', 'orderByRaw', 'groupByRaw', 'selectRaw', 'fromRaw'], 'knex'),
  ...sink('typeorm', ['query'], 'dataSource'),
  ...sink('@prisma/client', ['$queryRawUnsafe', '$executeRawUnsafe'], 'prisma'),
  ...sink('postgres', ['unsafe'], 'sql'),
  ...sink('mssql', ['query'], 'pool'),
  ...sink('oracledb', ['execute'], 'connection'),
  ...sink('mariadb', ['query'], 'conn'),
];
