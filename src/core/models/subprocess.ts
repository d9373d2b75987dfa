import { modelTable, type ShellMode } from './types';

const sink = (callee: string, shell: ShellMode, arg = 0) => ({
  kind: 'sink' as const,
  callee,
  args: [arg],
  keywords: ['args', 'cmd', 'command'],
  vulnClass: 'command-injection' as const,
  shell,
  vulnerable: shell === 'never'
    ? `import ${callee.split('.')[0]}\ndef view(request):\n    ${callee}(${arg ? 'os.P_WAIT, ' : ''}request.GET["tool"], "--version")`
    : shell === 'option'
      ? `import subprocess\ndef f(q):\n    return ${callee}("grep %s log" % q, shell=True)`
      : `import ${callee.split('.')[0]}\ndef backup(name):\n    ${callee}("tar czf /b/" + name)`,
  safe: shell === 'option' ? `import subprocess\n${callee}(["grep", q, "log"])` : `import ${callee.split('.')[0]}\n${callee}("ls")`,
});

export const subprocessModels = modelTable('subprocess', 'python', [
  sink('subprocess.call', 'option'),
  sink('subprocess.run', 'option'),
  sink('subprocess.Popen', 'option'),
  sink('subprocess.check_output', 'option'),
  sink('subprocess.check_call', 'option'),
  sink('subprocess.getoutput', 'always'),
  sink('subprocess.getstatusoutput', 'always'),
]);

export const osModels = modelTable('os', 'python', [
  sink('os.system', 'always'),
  sink('os.popen', 'always'),
  ...['popen2', 'popen3', 'popen4'].map((f) => sink(`os.${f}`, 'always')),
  ...['execl', 'execle', 'execlp', 'execlpe', 'execv', 'execve', 'execvp', 'execvpe', 'posix_spawn', 'posix_spawnp'].map((f) => sink(`os.${f}`, 'never')),
  // spawn*(mode, file, ...): the program is the second argument.
  ...['spawnl', 'spawnle', 'spawnlp', 'spawnlpe', 'spawnv', 'spawnve', 'spawnvp', 'spawnvpe'].map((f) => sink(`os.${f}`, 'never', 1)),
]);

export const asyncioModels = modelTable('asyncio', 'python', [
  sink('asyncio.create_subprocess_shell', 'always'),
  sink('asyncio.create_subprocess_exec', 'never'),
]);

export const commandsModels = modelTable('commands', 'python', [
  sink('commands.getoutput', 'always'),
  sink('commands.getstatusoutput', 'always'),
]);
