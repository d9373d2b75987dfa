import { modelTable } from './types';

/** The language's own evaluators and the helpers every runtime has. */
export default modelTable('ecmascript', 'javascript', [
  { kind: 'sink', callee: 'eval', args: [0], vulnClass: 'code-injection', vulnerable: "app.get('/c', (req, res) => res.json(eval(req.query.expr)));", safe: "eval('1 + 1');" },
  { kind: 'sink', callee: 'window.eval', args: [0], vulnClass: 'code-injection', vulnerable: 'const h = location.hash;\nwindow.eval(h.slice(1));', safe: "window.eval('1');" },
  { kind: 'sink', callee: 'Function', args: [-1], vulnClass: 'code-injection', vulnerable: "app.get('/f', (req, res) => res.json(new Function('x', req.query.body)(1)));", safe: "new Function('a', 'b', 'return a + b');" },
  { kind: 'sink', callee: 'window.Function', args: [-1], vulnClass: 'code-injection', vulnerable: 'window.Function(location.hash)();', safe: "window.Function('return 1')();" },
  // Text methods keep a result made only of constants constant (and carry taint otherwise).
  ...['concat', 'replace', 'join', 'toLowerCase', 'toUpperCase', 'trim'].map((m) => ({
    kind: 'propagator' as const,
    method: m,
    vulnClass: 'command-injection' as const,
    vulnerable: `const cp = require('child_process');\napp.get('/p', (req, res) => cp.exec('ls '.${m}(req.query.dir, '')));`,
    safe: `const cp = require('child_process');\nconst DIR = '/tmp';\ncp.exec('ls '.${m}(DIR, ''));`,
  })),
  { kind: 'sanitiser', callee: 'encodeURIComponent', vulnClass: 'open-redirect', vulnerable: "app.get('/r', (req, res) => res.redirect(req.query.q));", safe: "app.get('/r', (req, res) => res.redirect(encodeURIComponent(req.query.q)));" },
  { kind: 'sanitiser', callee: 'parseInt', vulnClass: 'open-redirect', vulnerable: "app.get('/n', (req, res) => res.redirect('https://a.example/' + req.query.n));", safe: "app.get('/n', (req, res) => res.redirect('https://a.example/' + parseInt(req.query.n, 10)));" },
]);
