import type { Node } from 'web-tree-sitter';
import { OWASP, type Rule } from '../../core/rule';

const SHELL = new Set(['child_process.exec', 'child_process.execSync']);
const NO_SHELL = new Set(['child_process.spawn', 'child_process.spawnSync', 'child_process.execFile', 'child_process.execFileSync', 'child_process.fork']);

const rule: Rule = {
  meta: {
    id: 'js-command-injection',
    title: 'Shell command built from non-constant input',
    language: 'javascript',
    family: 'injection',
    checklist: ['input-validation'],
    severity: 'high',
    confidence: 'medium',
    cwe: ['CWE-78'],
    owasp: [OWASP.A03],
    message: 'A shell runs a command built from non-constant input: use execFile/spawn with an argument array.',
    docs: {
      whatItDoes: 'Finds `child_process.exec`/`execSync` with a command that is not a constant, `spawn`/`execFile` with `shell: true` and a non-constant command, and process launches whose program comes from the request. Importing child_process alone is not flagged.',
      whyBad: '`exec` hands its string to /bin/sh, which obeys `;`, `&&`, `|` and `$()` in it. Anyone who controls part of the string runs commands on the server.',
      example: "exec(`convert ${req.query.file} out.png`, cb);",
      useInstead: "execFile('convert', [file, 'out.png'], cb);   // no shell; validate file too",
      references: ['https://cwe.mitre.org/data/definitions/78.html', 'https://nodejs.org/api/child_process.html#child_processexeccommand-options-callback'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    return {
      call_expression(node: Node) {
        const name = sem.calleeName(node);
        if (!name || !(SHELL.has(name) || NO_SHELL.has(name))) return;
        const cmd = sem.arg(node, 0);
        if (!cmd) return;
        const taint = sem.taint(cmd);
        if (SHELL.has(name)) {
          if (sem.isConstant(cmd)) return;
          ctx.report({ node: cmd, source: taint?.source });
          return;
        }
        if (NO_SHELL.has(name)) {
          const opts = sem.args(node).positional.find((a) => a.type === 'object');
          if (opts && /\bshell\s*:\s*(true|['"`])/.test(opts.text) && !sem.isConstant(cmd)) {
            ctx.report({ node: cmd, source: taint?.source, message: 'shell: true makes spawn/execFile run through a shell: drop it and pass an argument array.' });
            return;
          }
          if (taint) ctx.report({ node: cmd, source: taint.source, message: 'The program to run comes from the request: choose it from a fixed list.' });
        }
      },
    };
  },
  tests: {
    valid: [
      "const { execFile } = require('child_process');\nexecFile('ls', ['-l', dir], cb);",
      "const cp = require('child_process');\ncp.exec('git status', cb);",
      "const { spawn } = require('node:child_process');\nspawn('node', ['--version']);",
      "// exec(userInput) is dangerous\nconst note = 'exec(cmd)';",
      "const { exec } = require('child_process');",
      "regex.exec(input);",
    ],
    invalid: [
      { code: "const { exec } = require('child_process');\napp.get('/c', (req, res) => {\n  exec(`convert ${req.query.file} out.png`, () => res.end());\n});", errors: [3] },
      { code: "const cp = require('child_process');\nfunction ping(host) {\n  return cp.execSync('ping -c 1 ' + host);\n}", errors: [3] },
      { code: "import { spawn } from 'child_process';\nspawn(`tar xzf ${archive}`, { shell: true });", errors: [2] },
      { code: "import * as cp from 'node:child_process';\nexport function run(req) {\n  cp.execFile(req.body.tool, ['--help']);\n}", errors: [3] },
    ],
  },
};

export default rule;
