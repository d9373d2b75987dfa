import type { Node } from 'web-tree-sitter';
import { OWASP, type Rule, type RuleContext } from '../../core/rule';
import type { Severity } from '../../core/types';
import { intValue } from './int-value';

const GROUP_WORLD_WRITE = 0o022;
const GROUP_WORLD_EXEC = 0o011;

/** Where the mode sits: os.chmod(path, mode), os.fchmod(fd, mode), os.open(path, flags, mode). */
function modeArg(ctx: RuleContext, call: Node, name: string | undefined, method: string | undefined): { mode?: Node; umasked: boolean } {
  const { sem } = ctx;
  if (name === 'os.chmod' || name === 'os.lchmod' || name === 'os.fchmod') return { mode: sem.arg(call, 1, 'mode'), umasked: false };
  if (name === 'os.open') return { mode: sem.arg(call, 2, 'mode'), umasked: true };
  // Path(p).chmod(mode), and SFTP-style client.chmod(path, mode).
  if (method === 'chmod' && name !== 'os.chmod' && sem.receiver(call)) {
    const a = sem.args(call);
    return { mode: a.keywords.get('mode') ?? (a.positional.length === 1 ? a.positional[0] : a.positional[1]), umasked: false };
  }
  return { umasked: false };
}

/** `old = os.umask(0)` directly followed by `os.umask(old)`: the usual way to read the umask. */
function readsUmask(call: Node): boolean {
  const assign = call.parent?.type === 'assignment' ? call.parent : undefined;
  const target = assign?.childForFieldName('left');
  const next = assign?.parent?.nextNamedSibling;
  if (!target || target.type !== 'identifier' || !next) return false;
  const expr = next.type === 'expression_statement' ? next.namedChildren[0] : undefined;
  const args = expr?.type === 'call' ? expr.childForFieldName('arguments') : undefined;
  return !!args && /(^|\.)umask$/.test(expr!.childForFieldName('function')?.text ?? '') && args.namedChildren.length === 1 && args.namedChildren[0]?.text === target.text;
}

function octal(n: number): string {
  return `0o${n.toString(8)}`;
}

const rule: Rule = {
  meta: {
    id: 'py-permissive-file-mode',
    title: 'File permissions that let other users write or run the file',
    language: 'python',
    family: 'config',
    // No checklist item is about file permissions.
    checklist: [],
    severity: 'medium',
    confidence: 'high',
    cwe: ['CWE-732', 'CWE-276'],
    owasp: [OWASP.A01, OWASP.A05],
    bandit: ['B103'],
    message: 'This mode lets other users change the file: grant write to the owner only.',
    docs: {
      whatItDoes: 'Finds `os.chmod`, `os.lchmod`, `os.fchmod`, `Path.chmod` and `os.open` with a constant mode (literals and `stat.S_I*` flags are folded) that gives the group or everyone write permission (high when everyone may write), or execute permission (low); `os.open` only beyond the 0o666 every `open()` asks for, since the umask filters it. And `os.umask(...)` values that let everyone write new files, such as `os.umask(0)`, except the read-and-restore idiom `old = os.umask(0); os.umask(old)`.',
      whyBad: 'Any other account on the machine (another service, a compromised worker, a shared host\'s neighbour) can rewrite a group- or world-writable file: replace a script that is later run, plant a config value, or corrupt data. Execute bits on data files turn an upload into something runnable.',
      example: 'os.chmod("/srv/app/config.json", 0o777)\nos.umask(0)',
      useInstead: 'os.chmod("/srv/app/config.json", 0o600)   # owner read/write\nos.chmod(script, stat.S_IRWXU)            # owner only\nos.umask(0o077)',
      references: ['https://cwe.mitre.org/data/definitions/732.html', 'https://docs.python.org/3/library/os.html#os.chmod', 'https://bandit.readthedocs.io/en/latest/plugins/b103_set_bad_file_permissions.html'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    return {
      call(node: Node) {
        const name = sem.calleeName(node);
        const method = sem.methodName(node);
        if (name === 'os.umask') {
          const mask = intValue(sem, sem.arg(node, 0, 'mask'));
          if (mask !== undefined && (mask & 0o002) === 0 && !readsUmask(node)) {
            ctx.report({ node, severity: 'high', message: `os.umask(${octal(mask)}) lets every user write the files and folders this process creates: use 0o077 (or at least 0o022).` });
          }
          return;
        }
        if (method !== 'chmod' && name !== 'os.open' && name !== 'os.fchmod') return;
        const { mode, umasked } = modeArg(ctx, node, name, method);
        const value = intValue(sem, mode);
        if (!mode || value === undefined || value < 0 || value > 0o7777) return;
        const write = value & GROUP_WORLD_WRITE;
        const exec = value & GROUP_WORLD_EXEC;
        if (!write && !exec) return;
        const who = value & 0o002 ? 'every user' : 'the group';
        let severity: Severity = value & 0o002 ? 'high' : 'medium';
        let message = `Mode ${octal(value)} lets ${who} write this file: use ${octal(value & ~GROUP_WORLD_WRITE)} or tighter.`;
        if (!write) {
          severity = 'low';
          message = `Mode ${octal(value)} lets other users run this file: drop the execute bits unless it is a program or folder.`;
        }
        // os.open's mode is filtered by the umask, and 0o666 is what every open() asks for: only
        // a mode beyond that (world write and execute, 0o777) is worth a note.
        if (umasked) {
          if (!(value & 0o002) || !(value & GROUP_WORLD_EXEC)) return;
          severity = 'low';
          message = `os.open with mode ${octal(value)} leaves file permissions to the process umask: pass 0o600 for private files.`;
        }
        const literal = sem.dialect.unwrap(mode);
        const fix = write && !umasked && literal.type === 'integer' ? { title: `Use ${octal(value & ~GROUP_WORLD_WRITE)}`, safe: false, edits: [ctx.replace(literal, octal(value & ~GROUP_WORLD_WRITE))] } : undefined;
        ctx.report({ node: mode, severity, message, fix, confidence: write ? 'high' : 'medium' });
      },
    };
  },
  tests: {
    valid: [
      'import os\nos.chmod(path, 0o600)',
      'import os, stat\nos.chmod(path, stat.S_IRUSR | stat.S_IWUSR)',
      'import os\nos.chmod(path, mode)',
      'import os\nos.umask(0o077)',
      'import os\nos.umask(0o022)',
      'import os\nfd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)',
      'import os\nfd = os.open(path, os.O_RDONLY)',
      'import os\nfd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o666)',
      'import os\ndef current_umask():\n    old = os.umask(0)\n    os.umask(old)\n    return old',
      'from pathlib import Path\nPath("key.pem").chmod(0o400)',
      '# os.chmod(path, 0o777) is bad\nx = "os.umask(0)"',
    ],
    invalid: [
      { code: 'import os\nos.chmod("/srv/app/config.json", 0o777)', errors: [2], output: 'import os\nos.chmod("/srv/app/config.json", 0o755)', messages: ["Mode 0o777 lets every user write this file: use 0o755 or tighter."] },
      { code: 'import os, stat\nos.chmod(path, stat.S_IRWXU | stat.S_IRWXG | stat.S_IRWXO)', errors: [2] },
      { code: 'import os\nos.chmod(upload_path, 0o664)', errors: [2], output: 'import os\nos.chmod(upload_path, 0o644)' },
      { code: 'import os\nos.chmod(script, 0o755)', errors: [2] },
      { code: 'from pathlib import Path\nPath(p).chmod(0o666)', errors: [2], output: 'from pathlib import Path\nPath(p).chmod(0o644)' },
      { code: 'import os\nos.umask(0)', errors: [2] },
      { code: 'import os\nMODE = 0o777\nfd = os.open(path, os.O_CREAT | os.O_WRONLY, MODE)', errors: [3] },
      { code: 'import os\nos.chmod(path, 511)', errors: [2], output: 'import os\nos.chmod(path, 0o755)' },
    ],
  },
};

export default rule;
