import type { Node } from 'web-tree-sitter';
import { modelRows } from '../../core/models';
import { OWASP, type Rule } from '../../core/rule';

/** MongoDB / Mongoose query methods from the models (src/core/models/js-sinks.ts), and `aggregate`. */
const QUERY_ROWS = new Map(modelRows('javascript', 'sink', 'nosql-injection').map((r) => [r.method!, r]));
const QUERY_METHODS = new Set([...QUERY_ROWS.keys(), 'aggregate']);
/** Values of a filter that cannot carry operators. */
const SAFE_WRAP = /^(String|Number|parseInt|parseFloat|Boolean|ObjectId|mongoose\.Types\.ObjectId|new ObjectId|sanitize|mongoSanitize)/;

const rule: Rule = {
  meta: {
    id: 'js-nosql-injection',
    title: 'Request object used as a MongoDB query (NoSQL injection)',
    language: 'javascript',
    family: 'injection',
    checklist: ['input-validation', 'orm-queries'],
    severity: 'high',
    confidence: 'high',
    cwe: ['CWE-943'],
    owasp: [OWASP.A03],
    message: 'A request value goes into a MongoDB filter as is: `{"$ne": null}` then matches every document. Cast it to a string or number first.',
    docs: {
      whatItDoes: 'Finds MongoDB / Mongoose queries (`find`, `findOne`, `updateOne`, `deleteMany`, …) whose filter is request data, or has request values not cast to a primitive, and `$where` with non-constant code.',
      whyBad: 'JSON bodies and `qs`-parsed query strings can carry objects: `{"password": {"$ne": null}}` turns a login check into "any password". `$where` runs JavaScript on the database server.',
      example: "User.findOne({ email: req.body.email, password: req.body.password });",
      useInstead: "User.findOne({ email: String(req.body.email) });   // then compare a password hash\n// or validate the body with a schema (zod, joi) and use express-mongo-sanitize",
      references: ['https://cwe.mitre.org/data/definitions/943.html', 'https://owasp.org/www-project-web-security-testing-guide/latest/4-Web_Application_Security_Testing/07-Input_Validation_Testing/05.6-Testing_for_NoSQL_Injection'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    return {
      call_expression(node: Node) {
        const m = sem.methodName(node);
        if (!m || !QUERY_METHODS.has(m) || !sem.receiver(node)) return;
        if (/^(Array|Object|_|lodash|\[)/.test(sem.receiver(node)!.text) || /\.(filter|map)\(/.test(sem.receiver(node)!.text)) return;
        const filter = sem.arg(node, QUERY_ROWS.get(m)?.args?.[0] ?? 0);
        if (!filter) return;
        const f = sem.dialect.unwrap(filter);
        if (f.type === 'object') {
          for (const pair of f.namedChildren) {
            if (pair?.type === 'shorthand_property_identifier') {
              const t = sem.taint(pair);
              if (t) return ctx.report({ node: pair, taint: t });
              continue;
            }
            if (pair?.type !== 'pair') continue;
            const key = pair.childForFieldName('key')?.text.replace(/['"]/g, '');
            const v = pair.childForFieldName('value');
            if (!v) continue;
            if (key === '$where' && !sem.isConstant(v)) return ctx.report({ node: pair, message: '$where runs JavaScript in the database: never build it from data.' });
            if (v.type === 'object' || SAFE_WRAP.test(v.text)) continue;
            const t = sem.taint(v);
            if (t) return ctx.report({ node: pair, taint: t });
          }
          return;
        }
        if (f.type === 'member_expression' || f.type === 'identifier' || f.type === 'subscript_expression') {
          const t = sem.taint(f);
          if (t && m !== 'aggregate' && !/^(String|Number)/.test(f.text)) ctx.report({ node: filter, taint: t, message: 'The whole filter comes from the request: the client chooses the query and its operators.' });
        }
      },
    };
  },
  tests: {
    valid: [
      "app.post('/l', async (req, res) => { await User.findOne({ email: String(req.body.email) }); });",
      "User.find({ active: true });",
      "app.get('/i/:id', async (req, res) => res.json(await Item.findOne({ _id: new ObjectId(req.params.id) })));",
      "const evens = [1, 2].find((x) => x % 2 === 0);",
    ],
    invalid: [
      { code: "app.post('/login', async (req, res) => {\n  const u = await User.findOne({ email: req.body.email, password: req.body.password });\n});", errors: [2], messages: [{ messageId: 'default' }] },
      { code: "router.get('/search', async (req, res) => res.json(await db.collection('items').find(req.query).toArray()));", errors: [1], messages: ['The whole filter comes from the request: the client chooses the query and its operators.'] },
      { code: "app.post('/q', (req, res) => Post.find({ $where: 'this.author == \"' + req.body.a + '\"' }));", errors: [1], messages: ['$where runs JavaScript in the database: never build it from data.'] },
      { code: "app.delete('/x', async ({ body }, res) => { await Doc.deleteMany({ owner: body.owner }); });", errors: [1], messages: [{ messageId: 'default' }] },
    ],
  },
};

export default rule;
