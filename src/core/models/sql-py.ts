import { modelTable, type ModelRow } from './types';

/** DB-API 2 cursors and connections (PEP 249): the method takes the SQL text first. */
const dbapi = (library: string, connect: string, methods: string[]): ModelRow[] =>
  modelTable(library, 'python', methods.map((m) => ({
    kind: 'sink' as const,
    method: m,
    args: [0],
    keywords: ['sql', 'operation', 'statement', 'query'],
    vulnClass: 'sql-injection' as const,
    vulnerable: `import ${library.split('.')[0]}\nfrom flask import request\nconn = ${connect}\nconn.cursor().${m}("SELECT * FROM t WHERE id = " + request.args["id"])`,
    safe: `import ${library.split('.')[0]}\nconn = ${connect}\nconn.cursor().${m}("SELECT * FROM t WHERE id = %s", (1,))`,
  })));

const fn = (library: string, callee: string, keywords: string[]) => ({
  kind: 'sink' as const,
  callee,
  args: [0],
  keywords,
  vulnClass: 'sql-injection' as const,
  vulnerable: `import ${callee.split('.').slice(0, -1).join('.')}\ndef f(name):\n    return ${callee}("SELECT * FROM u WHERE n = '%s'" % name)`,
  safe: `import ${callee.split('.').slice(0, -1).join('.')}\n${callee}("SELECT * FROM u WHERE n = :n")`,
  library,
});

export const sqlite3Models = dbapi('sqlite3', 'sqlite3.connect("db")', ['execute', 'executemany', 'executescript']);
export const psycopg2Models = dbapi('psycopg2', 'psycopg2.connect("")', ['execute', 'executemany']);
export const pymysqlModels = dbapi('pymysql', 'pymysql.connect()', ['execute', 'executemany']);
export const mysqlConnectorModels = dbapi('mysql.connector', 'mysql.connector.connect()', ['execute', 'executemany']);

export const sqlalchemyModels = modelTable('sqlalchemy', 'python', [
  ...[fn('sqlalchemy', 'sqlalchemy.text', ['text']), fn('sqlalchemy', 'sqlalchemy.sql.text', ['text']), fn('sqlalchemy', 'sqlalchemy.sql.expression.text', ['text'])].map(({ library: _l, ...r }) => r),
  {
    kind: 'sink', method: 'exec_driver_sql', args: [0], keywords: ['statement'], vulnClass: 'sql-injection',
    vulnerable: 'def f(engine, name):\n    engine.connect().exec_driver_sql(f"SELECT * FROM u WHERE n = \'{name}\'")',
    safe: 'def f(engine):\n    engine.connect().exec_driver_sql("SELECT 1")',
  },
]);

export const djangoSqlModels = modelTable('django', 'python', [
  ...[fn('django', 'django.db.models.expressions.RawSQL', ['sql']), fn('django', 'django.db.models.RawSQL', ['sql'])].map(({ library: _l, ...r }) => r),
  // Manager.raw: the rule asks that the receiver looks like a manager or model (`objects`, `Model`).
  {
    kind: 'sink', method: 'raw', args: [0], keywords: ['raw_query'], vulnClass: 'sql-injection',
    vulnerable: 'def view(request):\n    return Item.objects.raw("SELECT * FROM t WHERE id = " + request.GET["id"])',
    safe: 'def view(request):\n    return Item.objects.raw("SELECT * FROM t WHERE id = %s", [request.GET["id"]])',
  },
  // QuerySet.extra(select=None, where=None, params=None, tables=None, order_by=None): every piece of
  // the lists and dicts is SQL; values belong in `params` / `select_params`.
  {
    kind: 'sink', method: 'extra', args: [0, 1], keywords: ['select', 'where', 'tables', 'order_by'], vulnClass: 'sql-injection',
    vulnerable: 'def view(request):\n    return Item.objects.extra(where=["name = \'%s\'" % request.GET["n"]])',
    safe: 'def view(request):\n    return Item.objects.extra(where=["name = %s"], params=[request.GET["n"]])',
  },
]);

export const pandasModels = modelTable('pandas', 'python', [
  ...[fn('pandas', 'pandas.read_sql', ['sql']), fn('pandas', 'pandas.read_sql_query', ['sql'])].map(({ library: _l, ...r }) => r),
]);
