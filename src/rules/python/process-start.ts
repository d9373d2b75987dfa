import type { Node } from 'web-tree-sitter';
import { OWASP, type Rule } from '../../core/rule';
import { ALWAYS_SHELL, EXEC_FAMILY, SUBPROCESS } from './process-calls';

/** Launchers py-command-injection does not know: a pseudo-terminal child, a remote shell over SSH. */
const PTY = new Set(['pty.spawn', 'os.startfile']);

const rule: Rule = {
  meta: {
    id: 'py-process-start',
    title: 'Process started through a shell or by exec/spawn',
    language: 'python',
    family: 'misc',
    // A constant command is not an input-validation failure; request data is py-command-injection's.
    checklist: [],
    severity: 'low',
    confidence: 'medium',
    cwe: ['CWE-78'],
    owasp: [OWASP.A03],
    bandit: ['B601', 'B602', 'B605', 'B606'],
    message: 'This starts a program: keep the command constant, give full paths, and never let request data choose it.',
    docs: {
      whatItDoes: 'Reports, at low severity, the process launches py-command-injection leaves alone because their command is constant: `os.system`/`os.popen`/`commands`/`subprocess.getoutput`/`asyncio.create_subprocess_shell` and `subprocess` with `shell=True` (a shell still parses the text), and `os.exec*`, `os.spawn*`, `os.posix_spawn*`, `pty.spawn` and `os.startfile`. paramiko `exec_command` runs its text in the remote user\'s shell: a non-constant command is reported at medium, request data at high. Commands built from request data are py-command-injection\'s findings.',
      whyBad: 'A shell expands variables, globs and `PATH` lookups at run time, so even a constant command depends on the environment it runs in; a relative program name runs whatever comes first on `PATH`. These launches are where command injection appears once part of the command becomes variable, so they deserve a look in review.',
      example: 'os.system("rm -rf /tmp/cache/*")\nos.execvp("convert", ["convert", src, dst])\nclient.exec_command("tail -n 100 " + log_name)',
      useInstead: 'subprocess.run(["/usr/bin/convert", src, dst], check=True)   # no shell, full path\nshutil.rmtree(cache_dir)                                     # no process at all\n# paramiko: shlex.quote() every variable part, or a fixed command per action',
      references: ['https://cwe.mitre.org/data/definitions/78.html', 'https://bandit.readthedocs.io/en/latest/plugins/b605_start_process_with_a_shell.html', 'https://bandit.readthedocs.io/en/latest/plugins/b606_start_process_with_no_shell.html', 'https://docs.paramiko.org/en/stable/api/client.html#paramiko.client.SSHClient.exec_command'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    return {
      call(node: Node) {
        const name = sem.calleeName(node);
        const method = sem.methodName(node);
        if (method === 'exec_command') {
          const recv = sem.receiver(node);
          if (!(name?.startsWith('paramiko.') || (recv && /ssh|client/i.test(recv.text)))) return;
          const cmd = sem.arg(node, 0, 'command');
          if (!cmd) return;
          if (sem.isConstant(cmd)) {
            ctx.report({ node: cmd, message: 'exec_command runs this text in the remote shell: keep it constant and give full paths.' });
            return;
          }
          const t = sem.taint(cmd);
          ctx.report({ node: cmd, severity: t ? 'high' : 'medium', taint: t, message: 'exec_command runs a command built at run time in the remote shell: quote every variable part with shlex.quote() or choose from fixed commands.' });
          return;
        }
        if (!name) return;
        const a = sem.args(node);
        const cmd = a.positional[0] ?? a.keywords.get('args') ?? a.keywords.get('cmd') ?? a.keywords.get('command');
        if (!cmd) return;
        const shell = a.keywords.get('shell');
        const shellOn = !!shell && shell.type === 'true';
        if (ALWAYS_SHELL.has(name) || (SUBPROCESS.has(name) && shellOn)) {
          // Non-constant commands are py-command-injection's.
          if (sem.isConstant(cmd)) ctx.report({ node: cmd, message: 'This constant command is run by a shell: pass an argument list to subprocess.run without shell=True.' });
          return;
        }
        if (EXEC_FAMILY.has(name) || PTY.has(name)) {
          // py-command-injection reads the first argument; os.spawn*(mode, path, ...) name the program second.
          if (EXEC_FAMILY.has(name) && sem.taint(cmd)) return;
          const program = /^os\.spawn/.test(name) ? a.positional[1] : cmd;
          const t = program ? sem.taint(program) : undefined;
          ctx.report({ node, taint: t, severity: t ? 'high' : 'low', message: t ? 'The program started here comes from the request: choose it from a fixed list.' : `${name} starts a program without a shell: make sure its path and arguments cannot come from outside.` });
        }
      },
    };
  },
  tests: {
    valid: [
      'import subprocess\nsubprocess.run(["ls", "-l"], check=True)',
      'import subprocess\nsubprocess.run("ls -l", shell=False)',
      '# os.system("clear")\nnote = "os.execvp(x)"',
      'import os\nfrom flask import request\nos.system("ping " + request.args["h"])',
      'cmd = commands.get("x")',
    ],
    invalid: [
      { code: 'import os\nos.system("clear")', errors: [2], messages: ["This constant command is run by a shell: pass an argument list to subprocess.run without shell=True."] },
      { code: 'import subprocess\nsubprocess.run("ls -l /tmp", shell=True)', errors: [2] },
      { code: 'import os\nos.execvp("convert", ["convert", src, dst])', errors: [2] },
      { code: 'import os\nos.spawnl(os.P_WAIT, "/bin/tar", "tar", "czf", out, folder)', errors: [2] },
      { code: 'import pty\npty.spawn("/bin/bash")', errors: [2] },
      { code: 'import asyncio\nasync def f():\n    await asyncio.create_subprocess_shell("make build")', errors: [3] },
      { code: 'import paramiko\nclient = paramiko.SSHClient()\nclient.exec_command("tail -n 100 " + log_name)', errors: [3] },
      { code: 'import paramiko\nssh = paramiko.SSHClient()\nssh.exec_command("uptime")', errors: [3] },
    ],
  },
};

export default rule;
