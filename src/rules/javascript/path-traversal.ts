import type { Node } from 'web-tree-sitter';
import { OWASP, type Rule } from '../../core/rule';
import { isGuarded } from '../../core/guards';

const FS_FUNCS = /^(fs|fs\/promises|fs\.promises|fs-extra)\.(readFile|readFileSync|createReadStream|writeFile|writeFileSync|appendFile|appendFileSync|createWriteStream|unlink|unlinkSync|rm|rmSync|readdir|readdirSync|stat|statSync|access|open|openSync|copyFile|rename)$/;
const CHECKS = /path\.basename|\.startsWith\(|path\.relative|realpath|sanitize-filename|sanitizeFilename|\.includes\(\s*['"]\.\.['"]\s*\)|allowed|whitelist|allowlist/;

const rule: Rule = {
  meta: {
    id: 'js-path-traversal',
    title: 'File path taken from the request',
    language: 'javascript',
    family: 'path',
    checklist: ['input-validation'],
    severity: 'high',
    confidence: 'high',
    cwe: ['CWE-22'],
    owasp: [OWASP.A01],
    message: 'A file path comes from the request: `../` can reach any file. Use path.basename or check the resolved path stays in its folder.',
    docs: {
      whatItDoes: 'Finds `res.sendFile`, `res.download` and `fs` reads, writes and deletes whose path comes from request data, in handlers that do not normalise and check it. Paths built only from `__dirname` and constants are never flagged.',
      whyBad: '`../../etc/passwd` or an absolute path in a parameter walks out of the intended folder: the server reads, sends or deletes any file it can access.',
      example: "res.sendFile(path.join(__dirname, 'uploads', req.params.name));",
      useInstead: "res.sendFile(path.basename(req.params.name), { root: path.join(__dirname, 'uploads') });",
      references: ['https://cwe.mitre.org/data/definitions/22.html', 'https://expressjs.com/en/api.html#res.sendFile'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    return {
      call_expression(node: Node) {
        const name = sem.calleeName(node) ?? '';
        const m = sem.methodName(node);
        const isRes = (m === 'sendFile' || m === 'download') && /^(res|response)$/.test(sem.receiver(node)?.text ?? '');
        if (!isRes && !FS_FUNCS.test(name)) return;
        const p = sem.arg(node, 0);
        const t = p && sem.taint(p);
        if (!t || !p) return;
        if (isRes && sem.args(node).positional.some((a) => /\broot\s*:/.test(a.text)) && sem.dialect.unwrap(p).type !== 'binary_expression') return;
        if (isGuarded(sem, node, CHECKS, t, p)) return;
        ctx.report({ node: p, source: t.source });
      },
    };
  },
  tests: {
    valid: [
      "app.get('/f/:n', (req, res) => res.sendFile(path.basename(req.params.n), { root: UPLOADS }));",
      "const fs = require('fs');\nfs.readFileSync(path.join(__dirname, 'config.json'));",
      "app.get('/g', (req, res) => res.sendFile(path.join(__dirname, 'public', 'index.html')));",
      "// fs.readFile(req.query.p) is dangerous\nconst s = 'res.sendFile(req.query.f)';",
    ],
    invalid: [
      { code: "app.get('/f/:name', (req, res) => {\n  res.sendFile(path.join(__dirname, 'uploads', req.params.name));\n});", errors: [2], messages: [{ messageId: 'default' }] },
      { code: "const fs = require('fs');\napp.get('/read', (req, res) => {\n  fs.readFile('/data/' + req.query.file, (e, d) => res.send(d));\n});", errors: [3], messages: [{ messageId: 'default' }] },
      { code: "import { promises as fsp } from 'fs';\nrouter.delete('/x', async (req, res) => {\n  await fsp.unlink(req.body.path);\n});", errors: [3], messages: [{ messageId: 'default' }] },
      { code: "app.get('/dl', (req, res) => res.download(req.query.f));", errors: [1], messages: [{ messageId: 'default' }] },
    ],
  },
};

export default rule;
