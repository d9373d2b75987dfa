import { modelTable, type ModelRow } from './types';

/** fs: reads, writes and deletes whose path must not come from the client (`fs/promises`, `fs-extra` alike). */
const FS = ['readFile', 'readFileSync', 'createReadStream', 'writeFile', 'writeFileSync', 'appendFile', 'appendFileSync', 'createWriteStream', 'unlink', 'unlinkSync', 'rm', 'rmSync', 'readdir', 'readdirSync', 'stat', 'statSync', 'access', 'open', 'openSync', 'copyFile', 'rename'];
export const fsModels = modelTable('fs', 'javascript', FS.map((f) => ({
  kind: 'sink' as const,
  callee: `fs.${f}`,
  args: [0],
  vulnClass: 'path-traversal' as const,
  vulnerable: `const fs = require('fs');\nconst path = require('path');\napp.get('/f', (req, res) => fs.${f}(path.join(__dirname, 'files', req.query.name)));`,
  safe: `const fs = require('fs');\nconst path = require('path');\napp.get('/f', (req, res) => fs.${f}(path.join(__dirname, 'files', path.basename(req.query.name))));`,
})));

/** Express file responses: `sendFile` with a `root` option resolves the name inside it and refuses `..`. */
export const expressFileModels = modelTable('express', 'javascript', ['sendFile', 'download'].map((m) => ({
  kind: 'sink' as const,
  method: m,
  args: [0],
  vulnClass: 'path-traversal' as const,
  vulnerable: `const path = require('path');\napp.get('/f', (req, res) => res.${m}(path.resolve('/srv/files', req.query.name)));`,
  safe: m === 'sendFile' ? "app.get('/f', (req, res) => res.sendFile(req.query.name, { root: '/srv/files' }));" : `app.get('/f', (req, res) => res.${m}('/srv/files/report.pdf'));`,
})));

/** pg-promise: every query method of the database object and of tasks/transactions takes SQL first. */
export const pgPromiseModels = modelTable('pg-promise', 'javascript', ['one', 'many', 'any', 'none', 'oneOrNone', 'manyOrNone', 'result', 'query', 'multi', 'each', 'map'].map((m) => ({
  kind: 'sink' as const,
  method: m,
  args: [0],
  vulnClass: 'sql-injection' as const,
  vulnerable: `const db = require('pg-promise')()(process.env.DB);\napp.get('/u', async (req, res) => res.json(await db.${m}('SELECT * FROM users WHERE name = \\'' + req.query.name + '\\'')));`,
  safe: `const db = require('pg-promise')()(process.env.DB);\napp.get('/u', async (req, res) => res.json(await db.${m}('SELECT * FROM users WHERE name = $1', [req.query.name])));`,
})));

/** TypeORM query builders: `where`/`andWhere`/… take a SQL condition (values belong in the parameters object). */
export const typeormBuilderModels = modelTable('typeorm', 'javascript', ['where', 'andWhere', 'orWhere', 'having', 'andHaving', 'orHaving', 'orderBy', 'addOrderBy', 'select', 'addSelect'].map((m) => ({
  kind: 'sink' as const,
  method: m,
  args: [0],
  vulnClass: 'sql-injection' as const,
  vulnerable: `app.get('/u', async (req, res) => res.json(await dataSource.getRepository(User).createQueryBuilder('u').${m}(\`u.name = '\${req.query.name}'\`).getMany()));`,
  safe: `app.get('/u', async (req, res) => res.json(await dataSource.getRepository(User).createQueryBuilder('u').${m}('u.name = :name', { name: req.query.name }).getMany()));`,
})));

const code = (library: string, callee: string, setup: string, call: string, safeCall: string): ModelRow[] => modelTable(library, 'javascript', [{
  kind: 'sink', callee, args: [0], vulnClass: 'code-injection',
  vulnerable: `${setup}\napp.post('/e', (req, res) => res.json(${call.replace('$', 'req.body.code')}));`,
  safe: `${setup}\napp.post('/e', (req, res) => res.json(${safeCall}));`,
}]);

/** Sandboxes and expression evaluators that run code they are given. */
export const evaluatorModels: ModelRow[] = [
  ...code('vm2', 'vm2.VM().run', "const { VM } = require('vm2');", 'new VM().run($)', "new VM().run('1 + 1')"),
  ...code('vm2', 'vm2.NodeVM().run', "const { NodeVM } = require('vm2');", 'new NodeVM().run($)', "new NodeVM().run('module.exports = 1')"),
  ...code('mathjs', 'mathjs.evaluate', "const math = require('mathjs');", 'math.evaluate($)', "math.evaluate('2 + 2')"),
  ...code('mathjs', 'mathjs.compile', "const math = require('mathjs');", 'math.compile($).evaluate()', "math.compile('2 + 2').evaluate()"),
  ...code('safe-eval', 'safe-eval', "const safeEval = require('safe-eval');", 'safeEval($)', "safeEval('1 + 1')"),
  ...code('static-eval', 'static-eval', "const evaluate = require('static-eval');", 'evaluate($)', "evaluate('1 + 1')"),
];

/** Deserialisers that rebuild functions from the text (and so run what the text says). */
export const deserialiserModels: ModelRow[] = [
  ...modelTable('node-serialize', 'javascript', [{
    kind: 'sink', callee: 'node-serialize.unserialize', args: [0], vulnClass: 'unsafe-deserialization',
    vulnerable: "const serialize = require('node-serialize');\napp.get('/p', (req, res) => res.json(serialize.unserialize(Buffer.from(req.cookies.profile, 'base64').toString())));",
    safe: "const serialize = require('node-serialize');\nconst s = serialize.serialize({ a: 1 });",
  }]),
  ...modelTable('funcster', 'javascript', [{
    kind: 'sink', callee: 'funcster.deepDeserialize', args: [0], vulnClass: 'unsafe-deserialization',
    vulnerable: "const funcster = require('funcster');\napp.post('/p', (req, res) => res.json(funcster.deepDeserialize(req.body.state)));",
    safe: "const funcster = require('funcster');\nconst s = funcster.deepSerialize({ a: 1 });",
  }]),
  ...modelTable('serialize-to-js', 'javascript', [{
    kind: 'sink', callee: 'serialize-to-js.deserialize', args: [0], vulnClass: 'unsafe-deserialization',
    vulnerable: "const { deserialize } = require('serialize-to-js');\napp.post('/p', (req, res) => res.json(deserialize(req.body.state)));",
    safe: "const { serialize } = require('serialize-to-js');\nconst s = serialize({ a: 1 });",
  }]),
];

/** Headless browsers: the server navigates, renders and runs what it is given. */
const browser = (library: string, setup: string): ModelRow[] => modelTable(library, 'javascript', [
  {
    kind: 'sink', method: 'goto', args: [0], vulnClass: 'ssrf',
    vulnerable: `${setup}\napp.get('/shot', async (req, res) => { const page = await browser.newPage(); await page.goto(req.query.url); });`,
    safe: `${setup}\napp.get('/shot', async (req, res) => { const page = await browser.newPage(); await page.goto('https://example.com/'); });`,
  },
  {
    kind: 'sink', method: 'evaluate', args: [0], vulnClass: 'code-injection',
    vulnerable: `${setup}\napp.get('/ev', async (req, res) => { const page = await browser.newPage(); res.json(await page.evaluate(req.query.js)); });`,
    safe: `${setup}\napp.get('/ev', async (req, res) => { const page = await browser.newPage(); res.json(await page.evaluate((s) => document.querySelector(s).textContent, req.query.sel)); });`,
  },
  {
    kind: 'sink', method: 'setContent', args: [0], vulnClass: 'reflected-xss',
    vulnerable: `${setup}\napp.post('/pdf', async (req, res) => { const page = await browser.newPage(); await page.setContent('<h1>' + req.body.title + '</h1>'); });`,
    safe: `${setup}\napp.post('/pdf', async (req, res) => { const page = await browser.newPage(); await page.setContent('<h1>Report</h1>'); });`,
  },
]);
export const headlessModels: ModelRow[] = [
  ...browser('puppeteer', "const puppeteer = require('puppeteer');\nconst browser = await puppeteer.launch();"),
  ...browser('playwright', "const { chromium } = require('playwright');\nconst browser = await chromium.launch();"),
];

/** MongoDB / Mongoose: a filter the client shapes can carry operators (`{"$ne": null}`). */
const NOSQL = ['find', 'findOne', 'findOneAndUpdate', 'findOneAndDelete', 'findOneAndRemove', 'updateOne', 'updateMany', 'deleteOne', 'deleteMany', 'countDocuments', 'count', 'where', 'distinct', 'exists', 'replaceOne'];
const nosql = (library: string, receiver: string): ModelRow[] => modelTable(library, 'javascript', NOSQL.map((m) => ({
  kind: 'sink' as const,
  method: m,
  args: [m === 'distinct' ? 1 : 0],
  vulnClass: 'nosql-injection' as const,
  vulnerable: `app.post('/q', async (req, res) => res.json(await ${receiver}.${m}(${m === 'distinct' ? "'name', " : ''}{ owner: req.body.owner })));`,
  safe: `app.post('/q', async (req, res) => res.json(await ${receiver}.${m}(${m === 'distinct' ? "'name', " : ''}{ owner: String(req.body.owner) })));`,
})));
export const nosqlModels: ModelRow[] = [
  ...nosql('mongodb', "db.collection('docs')"),
  ...nosql('mongoose', 'Doc'),
];
