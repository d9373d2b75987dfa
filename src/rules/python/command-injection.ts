import type { Node } from 'web-tree-sitter';
import { OWASP, type Rule, type RuleContext } from '../../core/rule';
import type { Fix } from '../../core/types';
import { sinksByCallee } from '../../core/models';

/** Process sinks from the models (src/core/models/subprocess.ts: subprocess, os, asyncio, commands). */
const SINKS = sinksByCallee('python', 'command-injection');

/** `f"prog {a} --x {b}"` → `["prog", a, "--x", b]` when every word is a literal or one whole value. */
function argvFix(ctx: RuleContext, call: Node, cmd: Node, shellKw: Node): Fix | undefined {
  if (cmd.type !== 'string') return undefined;
  const start = cmd.children.find((c) => c?.type === 'string_start')?.text ?? '';
  if (!/^f["']$/i.test(start)) return undefined;
  const words: string[] = [];
  let current = '';
  let currentHasValue = false;
  let currentValue: string | undefined;
  const flush = () => {
    if (currentValue !== undefined) {
      if (current !== '') throw new Error('mixed');
      words.push(currentValue);
    } else if (current !== '') words.push(JSON.stringify(current));
    current = '';
    currentHasValue = false;
    currentValue = undefined;
  };
  try {
    for (const c of cmd.children) {
      if (!c || c.type === 'string_start' || c.type === 'string_end') continue;
      if (c.type === 'interpolation') {
        const e = c.childForFieldName('expression');
        if (!e || currentHasValue || current !== '' || c.childForFieldName('format_specifier')) return undefined;
        currentHasValue = true;
        currentValue = e.text;
        continue;
      }
      if (/["'\\$`|;&<>*?]/.test(c.text)) return undefined; // quoting or shell syntax: needs a person
      for (const ch of c.text) {
        if (/\s/.test(ch)) flush();
        else {
          if (currentValue !== undefined) return undefined;
          current += ch;
        }
      }
    }
    flush();
  } catch {
    return undefined;
  }
  if (words.length === 0) return undefined;
  const kw = shellKw.parent!;
  return {
    title: 'Pass an argument list and shell=False',
    safe: false,
    edits: [ctx.replace(cmd, `[${words.join(', ')}]`), ctx.replace(kw, 'shell=False')],
  };
}

const rule: Rule = {
  meta: {
    id: 'py-command-injection',
    title: 'Shell command built from non-constant input',
    language: 'python',
    family: 'injection',
    checklist: ['input-validation'],
    severity: 'high',
    confidence: 'medium',
    cwe: ['CWE-78'],
    owasp: [OWASP.A03],
    bandit: ['B602', 'B604', 'B605', 'B609'],
    message: 'A shell runs a command built from non-constant input: pass an argument list without shell=True.',
    docs: {
      whatItDoes: 'Finds `subprocess` calls with `shell=True`, and `os.system`, `os.popen`, `subprocess.getoutput` and similar, whose command is not a constant; and process launches whose program name comes from a request.',
      whyBad: 'The shell interprets `;`, `|`, `$()` and backticks in the text it is given. Anyone who controls part of the command can run their own programs on the server.',
      example: 'host = request.args["host"]\nsubprocess.run(f"ping -c 1 {host}", shell=True)',
      useInstead: 'subprocess.run(["ping", "-c", "1", host], shell=False, check=True)\n# validate host against an allow-list or a hostname pattern as well',
      references: ['https://cwe.mitre.org/data/definitions/78.html', 'https://docs.python.org/3/library/subprocess.html#security-considerations'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    return {
      call(node: Node) {
        const name = sem.calleeName(node);
        // Sinks first: arguments and taint are read only for calls that run programs.
        const row = name ? SINKS.get(name) : undefined;
        if (!row) return;
        const a = sem.args(node);
        const cmd = a.positional[row.args?.[0] ?? 0] ?? (row.keywords ?? []).map((k) => a.keywords.get(k)).find((x) => x);
        if (!cmd) return;
        const taint = sem.taint(cmd);
        const shell = a.keywords.get('shell');
        const shellOn = !!shell && shell.type !== 'false' && !(shell.type === 'none' || shell.type === 'integer' && shell.text === '0');
        if ((row.shell === 'option' && shellOn) || row.shell === 'always') {
          if (sem.isConstant(cmd)) return;
          // A list or tuple of literal words with shell=True is unusual but not injectable.
          if ((cmd.type === 'list' || cmd.type === 'tuple') && sem.isConstant(cmd)) return;
          const fix = shell && row.shell === 'option' ? argvFix(ctx, node, sem.dialect.unwrap(cmd), shell) : undefined;
          ctx.report({ node: cmd, taint, fix, message: taint ? 'Request data reaches a shell command: pass an argument list without shell=True.' : undefined });
          return;
        }
        if (taint) {
          // No shell, but the program (or the whole argv) is chosen by the client.
          const program = cmd.type === 'list' || cmd.type === 'tuple' ? cmd.namedChildren[0] : cmd;
          const t = program ? sem.taint(program) : undefined;
          if (t) ctx.report({ node: program!, taint: t, message: 'The program to run comes from the request: choose it from a fixed list.' });
        }
      },
    };
  },
  tests: {
    valid: [
      'import subprocess\nsubprocess.run(["ls", "-l", path], check=True)',
      'import subprocess\nsubprocess.run("ls -l /tmp", shell=True)',
      'import os\nos.system("clear")',
      '# os.system(cmd) would be dangerous\nx = "subprocess.run(cmd, shell=True)"',
      'import subprocess\nsubprocess.run(cmd, shell=False)',
      'import os\nBASE = "git status"\nos.system(BASE)',
    ],
    invalid: [
      {
        code: 'import subprocess\nfrom flask import request\nhost = request.args["host"]\nsubprocess.run(f"ping -c 1 {host}", shell=True)',
        errors: [4], messages: ['Request data reaches a shell command: pass an argument list without shell=True.'],
        output: 'import subprocess\nfrom flask import request\nhost = request.args["host"]\nsubprocess.run(["ping", "-c", "1", host], shell=False)',
      },
      { code: 'import os\ndef backup(name):\n    os.system("tar czf /backups/" + name + ".tgz /data")', errors: [3], messages: [{ messageId: 'default' }] },
      { code: 'from subprocess import check_output as co\ndef f(q):\n    return co("grep %s log" % q, shell=True)', errors: [3], messages: [{ messageId: 'default' }] },
      { code: 'import os\nfrom flask import request\nos.popen(request.form["cmd"]).read()', errors: [3], messages: ['Request data reaches a shell command: pass an argument list without shell=True.'] },
      { code: 'import subprocess\ndef view(request):\n    subprocess.Popen([request.GET["tool"], "--version"])', errors: [3], messages: ['The program to run comes from the request: choose it from a fixed list.'] },
    ],
  },
};

export default rule;
