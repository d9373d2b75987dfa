import type { Node } from 'web-tree-sitter';
import { OWASP, type Rule, type RuleContext } from '../../core/rule';
import type { Fix } from '../../core/types';
import { isLiteralAssembly } from '../shared/literal-assembly';
import { modelRows, sinksByCallee, type ModelRow } from '../../core/models';

/** SQL sinks from the models (src/core/models/sql-py.ts): functions by name, methods on any receiver but `raw`. */
const SQL_FUNCTIONS = sinksByCallee('python', 'sql-injection');
const SQL_METHODS = new Map<string, ModelRow>(modelRows('python', 'sink', 'sql-injection').filter((r) => r.method).map((r) => [r.method!, r]));

function modelArgument(ctx: RuleContext, call: Node, row: ModelRow): Node | undefined {
  const a = ctx.sem.args(call);
  for (const k of row.keywords ?? []) if (a.keywords.has(k)) return a.keywords.get(k);
  return a.positional[row.args?.[0] ?? 0];
}

/** The query argument of a SQL sink call, if the call is one. */
export function sqlArgument(ctx: RuleContext, call: Node): Node | undefined {
  const { sem } = ctx;
  const name = sem.calleeName(call);
  const method = sem.methodName(call);
  const fn = name ? SQL_FUNCTIONS.get(name) : undefined;
  if (fn) return modelArgument(ctx, call, fn);
  const m = method ? SQL_METHODS.get(method) : undefined;
  if (!m || !sem.receiver(call)) return undefined;
  // Manager.raw: `raw` is a common name, so the receiver must look like a manager or a model.
  if (method === 'raw' && !/objects|manager|\bModel\b/i.test(sem.receiver(call)?.text ?? '')) return undefined;
  // GraphQL schemas `execute` a GraphQL document, not SQL (graphene, graphql-core, strawberry).
  if (/^(graphene|graphql|strawberry|ariadne)\b/.test(sem.qualifiedName(sem.receiver(call)) ?? '')) return undefined;
  return modelArgument(ctx, call, m);
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
      whatItDoes: 'Finds SQL text built with f-strings, `%`, `+`, `.format()` or `+=` that reaches `cursor.execute`, `executemany`, `executescript`, Django `Manager.raw` / `RawSQL`, SQLAlchemy `text()` / `execute`, or `pandas.read_sql`.',
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
        const q = sqlArgument(ctx, node);
        if (!q) return;
        const taint = sem.taint(q);
        if (!sem.isBuiltStringDeep(q) && !(taint && !sem.isConstant(q))) return;
        // Placeholders joined by count, queries picked from literals: the values go as parameters.
        if (isLiteralAssembly(sem, q)) return;
        const recvName = sem.qualifiedName(sem.receiver(node)) ?? '';
        const placeholder = recvName.startsWith('sqlite3.') ? '?' : '%s';
        ctx.report({
          node: q,
          taint,
          message: taint ? 'Request data is formatted into this SQL query: pass it as a query parameter instead.' : undefined,
          fix: parameterise(ctx, node, sem.dialect.unwrap(q), placeholder),
        });
      },
    };
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
    ],
  },
};

export default rule;
