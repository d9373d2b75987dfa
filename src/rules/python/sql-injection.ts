import type { Node } from 'web-tree-sitter';
import { OWASP, type Rule, type RuleContext } from '../../core/rule';
import type { Fix } from '../../core/types';
import { isLiteralAssembly } from '../shared/literal-assembly';
import { holesAreNames } from '../shared/sql-holes';
import { sqlTextPieces } from './sql-text';
import { modelRows, sinksByCallee, type ModelRow } from '../../core/models';

/** SQL sinks from the models (src/core/models/sql-py.ts): functions by name, methods on any receiver but `raw`. */
const SQL_FUNCTIONS = sinksByCallee('python', 'sql-injection');
const SQL_METHODS = new Map<string, ModelRow>(modelRows('python', 'sink', 'sql-injection').filter((r) => r.method).map((r) => [r.method!, r]));

/** Every argument of the call that the row names: each keyword given, else the positional ones. */
function modelArguments(ctx: RuleContext, call: Node, row: ModelRow): Node[] {
  const a = ctx.sem.args(call);
  const byKeyword = (row.keywords ?? []).filter((k) => a.keywords.has(k)).map((k) => a.keywords.get(k)!);
  if (byKeyword.length) return byKeyword;
  return (row.args ?? [0]).map((i) => a.positional[i < 0 ? a.positional.length + i : i]).filter((n): n is Node => !!n);
}

/** The SQL sink arguments of a call, if the call is one (several for `QuerySet.extra(select=, where=, ...)`). */
export function sqlArguments(ctx: RuleContext, call: Node): Node[] {
  const { sem } = ctx;
  const name = sem.calleeName(call);
  const method = sem.methodName(call);
  const fn = name ? SQL_FUNCTIONS.get(name) : undefined;
  if (fn) return modelArguments(ctx, call, fn);
  const m = method ? SQL_METHODS.get(method) : undefined;
  if (!m || !sem.receiver(call)) return expressionTemplate(ctx, call);
  // Manager.raw: `raw` is a common name, so the receiver must look like a manager or a model.
  if (method === 'raw' && !/objects|manager|\bModel\b/i.test(sem.receiver(call)?.text ?? '')) return [];
  // QuerySet.extra: `extra` is a common name too; a queryset-looking receiver or a Django module.
  if (method === 'extra' && !/objects|manager|queryset|\bqs\b|\.(?:filter|exclude|all|order_by|annotate)\(/i.test(sem.receiver(call)?.text ?? '')
    && !sem.moduleBindings().some((b) => b.kind === 'import' && /^django\b/.test(b.qualified ?? ''))) return [];
  // GraphQL schemas `execute` a GraphQL document, not SQL (graphene, graphql-core, strawberry).
  if (/^(graphene|graphql|strawberry|ariadne)\b/.test(sem.qualifiedName(sem.receiver(call)) ?? '')) return [];
  return modelArguments(ctx, call, m);
}

/** The query argument of a SQL sink call, if the call is one. */
export function sqlArgument(ctx: RuleContext, call: Node): Node | undefined {
  return sqlArguments(ctx, call)[0];
}

// Django query expressions write `template`, `function` and `arg_joiner` into the SQL as they are
// (`Func.as_sql` formats them with `%`): a custom Func/Aggregate/Transform/Lookup that builds them
// from strings is raw SQL. Only the values passed as expressions are quoted.
const EXPRESSION_KEYWORDS = ['template', 'function', 'arg_joiner'];
const EXPRESSION_BASE = /\b(Func|Aggregate|Transform|Expression|Window|Lookup|BuiltinLookup)\b/;
const EXPRESSION_CLASSES = /^django\.db\.models\.(?:expressions\.|aggregates\.|functions\.)?(Func|Aggregate|Window)$/;

function expressionTemplate(ctx: RuleContext, call: Node): Node[] {
  const { sem } = ctx;
  const a = sem.args(call);
  const given = EXPRESSION_KEYWORDS.filter((k) => a.keywords.has(k)).map((k) => a.keywords.get(k)!);
  if (!given.length) return [];
  const name = sem.calleeName(call) ?? '';
  if (EXPRESSION_CLASSES.test(name)) return given;
  // `super().__init__(..., template=...)`, `super().as_sql(compiler, connection, template=...)`, `self.as_sql(...)`
  const method = sem.methodName(call);
  const recv = sem.receiver(call)?.text ?? '';
  if (!(method === '__init__' || method === 'as_sql' || /^as_\w+$/.test(method ?? ''))) return [];
  if (!/^(super\(.*\)|self|\w+)$/s.test(recv)) return [];
  for (let p = call.parent; p; p = p.parent) {
    if (p.type !== 'class_definition') continue;
    return EXPRESSION_BASE.test(p.childForFieldName('superclasses')?.text ?? '') ? given : [];
  }
  return [];
}

/** A list, tuple or dict of SQL pieces (`extra(where=[...], select={...})`): each piece on its own. */
function sqlPieces(ctx: RuleContext, q: Node): Node[] {
  const n = ctx.sem.dialect.unwrap(q);
  if (n.type === 'list' || n.type === 'tuple') return n.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
  if (n.type === 'dictionary') return n.namedChildren.filter((c): c is Node => c?.type === 'pair').map((p) => p.childForFieldName('value')).filter((c): c is Node => !!c);
  return [q];
}

/** `"... '{x}' ... {y}"` → `"... %s ... %s", (x, y)`: only for plain names, attributes and subscripts. */
function parameterise(ctx: RuleContext, call: Node, q: Node, placeholder: string): Fix | undefined {
  const a = ctx.sem.args(call);
  if (a.positional.length !== 1 || a.keywords.size || a.hasSplat || a.positional[0].id !== q.id) return undefined;
  const simple = (e: Node) => /^(identifier|attribute|subscript)$/.test(e.type) && !e.text.includes('\n');
  let template = '';
  const values: string[] = [];
  if (q.type === 'string') {
    const start = q.children.find((c) => c?.type === 'string_start')?.text ?? '';
    const prefix = /^[A-Za-z]*/.exec(start)![0];
    if (!/^f$/i.test(prefix)) return undefined; // rf/fr and friends: leave to a person
    for (const c of q.children) {
      if (!c || c.type === 'string_start' || c.type === 'string_end') continue;
      if (c.type === 'interpolation') {
        const e = c.childForFieldName('expression');
        if (!e || !simple(e) || c.childForFieldName('format_specifier') || c.childForFieldName('type_conversion')) return undefined;
        template += '\u0000';
        values.push(e.text);
      } else template += c.text;
    }
    if (template.includes('%')) return undefined;
    template = template.replace(/(['"])\u0000\1/g, '\u0000').replace(/\u0000/g, placeholder);
    const quote = start.slice(prefix.length);
    const newText = `${quote}${template}${quote}, (${values.join(', ')}${values.length === 1 ? ',' : ''})`;
    return { title: 'Pass the values as query parameters', safe: false, edits: [ctx.replace(q, newText)] };
  }
  if (q.type === 'binary_operator' && q.childForFieldName('operator')?.type === '%') {
    const left = q.childForFieldName('left');
    const right = q.childForFieldName('right');
    if (left?.type !== 'string' || !right || left.namedChildren.some((c) => c?.type === 'interpolation')) return undefined;
    const lit = left.text;
    if (/%[^s%]/.test(lit.replace(/%%/g, ''))) return undefined;
    const items = right.type === 'tuple' ? right.namedChildren.filter((c): c is Node => !!c) : [right];
    if (!items.every(simple)) return undefined;
    let body = lit.replace(/(['"])%s\1/g, '%s');
    if (placeholder !== '%s') body = body.replace(/%s/g, placeholder);
    return { title: 'Pass the values as query parameters', safe: false, edits: [ctx.replace(q, `${body}, (${items.map((i) => i.text).join(', ')}${items.length === 1 ? ',' : ''})`)] };
  }
  return undefined;
}

const rule: Rule = {
  meta: {
    id: 'py-sql-injection',
    title: 'SQL query built from strings',
    language: 'python',
    family: 'injection',
    checklist: ['input-validation', 'orm-queries'],
    severity: 'high',
    confidence: 'medium',
    cwe: ['CWE-89'],
    owasp: [OWASP.A03],
    bandit: ['B608', 'B610', 'B611'],
    message: 'SQL built with string formatting reaches the database: pass values as query parameters instead.',
    docs: {
      whatItDoes: 'Finds SQL text built with f-strings, `%`, `+`, `.format()` or `+=` that reaches `cursor.execute`, `executemany`, `executescript`, Django `Manager.raw` / `RawSQL` / `QuerySet.extra(select=, where=, tables=, order_by=)` / the `template`, `function` and `arg_joiner` of a custom `Func`, `Aggregate`, `Transform` or `Lookup`, SQLAlchemy `text()` / `execute`, or `pandas.read_sql`. A query whose only non-literal parts are table or column names (after `FROM`/`INTO`/`TABLE`/`JOIN`..., the column list of `INSERT INTO t (...)`, a whole `SELECT ... FROM` list) and none of them request data is not reported: placeholders cannot bind names, so migrations and schema tools build them this way.',
      whyBad: 'When part of the query comes from a user, they can close the string and write their own SQL: read every table, change data, log in as anyone. Quoting by hand is always incomplete.',
      example: 'user = request.args["user"]\ncursor.execute(f"SELECT * FROM accounts WHERE name = \'{user}\'")',
      useInstead: 'cursor.execute("SELECT * FROM accounts WHERE name = %s", (user,))\n# SQLAlchemy: session.execute(text("... WHERE name = :name"), {"name": user})\n# Django: Account.objects.filter(name=user)',
      references: ['https://cwe.mitre.org/data/definitions/89.html', 'https://owasp.org/www-community/attacks/SQL_Injection', 'https://docs.djangoproject.com/en/stable/topics/db/sql/'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    return {
      call(node: Node) {
        const queries = sqlArguments(ctx, node).flatMap((q) => sqlPieces(ctx, q));
        for (const q of queries) check(node, q);
      },
    };
    function check(node: Node, q: Node): void {
        const taint = sem.taint(q);
        if (!sem.isBuiltStringDeep(q) && !(taint && !sem.isConstant(q))) return;
        // Placeholders joined by count, queries picked from literals: the values go as parameters.
        if (isLiteralAssembly(sem, q)) return;
        // Table and column names cannot be parameters: holes only in name positions, none of them request data.
        const pieces = sqlTextPieces(ctx, q);
        if (!taint && (!pieces.includes(null) || holesAreNames(pieces))) return;
        const recvName = sem.qualifiedName(sem.receiver(node)) ?? '';
        const placeholder = recvName.startsWith('sqlite3.') ? '?' : '%s';
        ctx.report({
          node: q,
          taint,
          message: taint ? 'Request data is formatted into this SQL query: pass it as a query parameter instead.' : undefined,
          fix: parameterise(ctx, node, sem.dialect.unwrap(q), placeholder),
        });
    }
  },
  tests: {
    valid: [
      'cursor.execute("SELECT * FROM t WHERE id = %s", (user_id,))',
      'TABLE = "users"\ncursor.execute(f"SELECT * FROM {TABLE}")',
      '# cursor.execute(f"SELECT {x}")\nquery = "SELECT * FROM t"\ncursor.execute(query)',
      'def run(sql):\n    cursor.execute(sql)',
      'from sqlalchemy import text\nsession.execute(text("SELECT * FROM t WHERE id = :id"), {"id": uid})',
      'executor.submit(job)',
      'import graphene\nfrom flask import request\nschema = graphene.Schema(query=Query)\n@app.route("/graphql")\ndef gql():\n    data = request.get_json()\n    return schema.execute(data["query"], variables=data.get("variables"))',
      'def view(request):\n    return Item.objects.extra(select={"is_new": "created > %s"}, select_params=[request.GET["d"]], where=["a = %s"], params=[1])',
      'from django.db.models import Func\nclass Upper(Func):\n    function = "UPPER"\n    template = "%(function)s(%(expressions)s)"\n    def __init__(self, expr):\n        super().__init__(expr, template="%(function)s(%(expressions)s)")',
      'class Widget(Base):\n    def __init__(self, name):\n        super().__init__(template="<div>" + name + "</div>")',
      'parser.extra(where=["x" + y])',
      'def copy_table(cursor, table, columns, old):\n    cursor.execute("INSERT INTO %s (%s) SELECT %s FROM %s" % (table, columns, columns, old))',
      'def drop(cursor, table):\n    cursor.execute("DROP TABLE %s" % table)',
      'def dump(cursor, table, cols):\n    cursor.execute(f"SELECT {cols} FROM {table}")',
      'def add(cursor, table):\n    cursor.execute("ALTER TABLE " + table + " ADD COLUMN flag int")',
      'def count(cursor, schema, table):\n    sql = "SELECT COUNT(*) FROM {}.{}".format(schema, table)\n    cursor.execute(sql)',
      'def ins(cursor, table, cols, vals):\n    cursor.execute("INSERT INTO `%s` (%s) VALUES (%%s, %%s)" % (table, cols), vals)',
      'import math\nfrom django.db.models import Func\nclass Degrees(Func):\n    def __init__(self, expr):\n        super().__init__(expr, template="((%%(expressions)s) * 180 / %s)" % math.pi)',
    ],
    invalid: [
      {
        code: 'from flask import request\nuser = request.args["user"]\ncursor.execute(f"SELECT * FROM accounts WHERE name = \'{user}\'")',
        errors: [3], messages: ['Request data is formatted into this SQL query: pass it as a query parameter instead.'],
        output: 'from flask import request\nuser = request.args["user"]\ncursor.execute("SELECT * FROM accounts WHERE name = %s", (user,))',
      },
      {
        code: 'import sqlite3\nconn = sqlite3.connect("db")\ncur = conn.cursor()\ncur.execute("SELECT * FROM t WHERE a = \'%s\' AND b = %s" % (a, b))',
        errors: [4], messages: [{ messageId: 'default' }],
        output: 'import sqlite3\nconn = sqlite3.connect("db")\ncur = conn.cursor()\ncur.execute("SELECT * FROM t WHERE a = ? AND b = ?", (a, b))',
      },
      { code: 'def view(request):\n    q = "SELECT * FROM t WHERE id = " + request.GET["id"]\n    return Item.objects.raw(q)', errors: [3], messages: ['Request data is formatted into this SQL query: pass it as a query parameter instead.'] },
      { code: 'from sqlalchemy import text\ndef f(name):\n    return db.session.execute(text("SELECT * FROM u WHERE n = \'{}\'".format(name)))', errors: [3], messages: [{ messageId: 'default' }] },
      { code: 'sql = "SELECT * FROM t WHERE 1=1"\nif name:\n    sql += " AND name = \'" + name + "\'"\ncursor.execute(sql)', errors: [4], messages: [{ messageId: 'default' }] },
      { code: 'from django.db.models.expressions import RawSQL\nqs.annotate(v=RawSQL(f"select x from y where z = {val}", []))', errors: [2], messages: [{ messageId: 'default' }] },
      { code: 'def view(request):\n    q = request.GET["q"]\n    return Item.objects.extra(\n        select={"hit": "name LIKE \'%%" + q + "%%\'"},\n        where=["a = 1", f"b = \'{q}\'"],\n    )', errors: [4, 5], messages: ['Request data is formatted into this SQL query: pass it as a query parameter instead.', 'Request data is formatted into this SQL query: pass it as a query parameter instead.'] },
      { code: 'from django.db.models import Func\nclass Cast(Func):\n    def __init__(self, expr, sql_type):\n        super().__init__(expr, template="CAST(%(expressions)s AS " + sql_type + ")")', errors: [4], messages: [{ messageId: 'default' }] },
      { code: 'from django.db.models import Func\ndef weighted(col, w):\n    return Func(col, function="ROUND", template=f"%(function)s(%(expressions)s * {w})")', errors: [3], messages: [{ messageId: 'default' }] },
      { code: 'from django.db.models import Lookup\nclass Near(Lookup):\n    def as_sql(self, compiler, connection):\n        return super().as_sql(compiler, connection, template="%s <-> %s < " + str(self.radius))', errors: [4], messages: [{ messageId: 'default' }] },
      { code: 'def find(cursor, table, name):\n    cursor.execute("SELECT * FROM %s WHERE name = \'%s\'" % (table, name))', errors: [2], messages: [{ messageId: 'default' }] },
      { code: 'def ins(cursor, table, cols, vals):\n    cursor.execute("INSERT INTO %s (%s) VALUES (%s)" % (table, cols, vals))', errors: [2], messages: [{ messageId: 'default' }] },
      { code: 'def sel(cursor, expr):\n    cursor.execute(f"SELECT {expr}")', errors: [2], messages: [{ messageId: 'default' }] },
      { code: 'def view(request):\n    table = request.GET["t"]\n    with connection.cursor() as c:\n        c.execute("SELECT * FROM %s" % table)', errors: [4], messages: ['Request data is formatted into this SQL query: pass it as a query parameter instead.'] },
      { code: 'def limit(cursor, table, n):\n    cursor.execute("SELECT * FROM {} LIMIT {}".format(table, n))', errors: [2], messages: [{ messageId: 'default' }] },
    ],
  },
};

export default rule;
