import type { Node } from 'web-tree-sitter';
import { sinksByCallee } from '../../core/models';
import { OWASP, type Rule } from '../../core/rule';

/** Process sinks from the models (src/core/models/child_process.ts). */
const SINKS = sinksByCallee('javascript', 'command-injection');

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
      example: "const { exec } = require('child_process');\nexec(`convert ${req.query.file} out.png`, cb);",
      useInstead: "const { execFile } = require('child_process');\nexecFile('convert', [file, 'out.png'], cb);   // no shell; validate file too",
      references: ['https://cwe.mitre.org/data/definitions/78.html', 'https://nodejs.org/api/child_process.html#child_processexeccommand-options-callback'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    return {
      call_expression(node: Node) {
        const name = sem.calleeName(node);
        const row = name ? SINKS.get(name) : undefined;
        if (!row) return;
        const cmd = sem.arg(node, row.args?.[0] ?? 0);
        if (!cmd) return;
        const taint = sem.taint(cmd);
        if (row.shell === 'always') {
          if (sem.isConstant(cmd)) return;
          ctx.report({ node: cmd, taint });
          return;
        }
        {
          const opts = sem.args(node).positional.find((a) => a.type === 'object');
          if (opts && /\bshell\s*:\s*(true|['"`])/.test(opts.text) && !sem.isConstant(cmd)) {
            ctx.report({ node: cmd, taint, message: 'shell: true makes spawn/execFile run through a shell: drop it and pass an argument array.' });
            return;
          }
          if (taint) ctx.report({ node: cmd, taint, message: 'The program to run comes from the request: choose it from a fixed list.' });
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
      { code: "const { exec } = require('child_process');\napp.get('/c', (req, res) => {\n  exec(`convert ${req.query.file} out.png`, () => res.end());\n});", errors: [3], messages: [{ messageId: 'default' }] },
      { code: "const cp = require('child_process');\nfunction ping(host) {\n  return cp.execSync('ping -c 1 ' + host);\n}", errors: [3], messages: [{ messageId: 'default' }] },
      { code: "import { spawn } from 'child_process';\nspawn(`tar xzf ${archive}`, { shell: true });", errors: [2], messages: ['shell: true makes spawn/execFile run through a shell: drop it and pass an argument array.'] },
      { code: "import * as cp from 'node:child_process';\nexport function run(req) {\n  cp.execFile(req.body.tool, ['--help']);\n}", errors: [3], messages: ['The program to run comes from the request: choose it from a fixed list.'] },
    ],
  },
};

export default rule;
