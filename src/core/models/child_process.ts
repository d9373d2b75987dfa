import { modelTable, type ShellMode } from './types';

const sink = (fn: string, shell: ShellMode) => ({
  kind: 'sink' as const,
  callee: `child_process.${fn}`,
  args: [0],
  vulnClass: 'command-injection' as const,
  shell,
  // With a shell any part of the command is injectable; without one, choosing the program is.
  vulnerable: shell === 'always'
    ? `const cp = require('child_process');\nconst run = (host) => cp.${fn}('ping -c 1 ' + host);`
    : `const cp = require('child_process');\napp.get('/t', (req, res) => cp.${fn}(req.query.tool, ['--help']));`,
  safe: `const cp = require('child_process');\ncp.${fn}('ls', ['-l']);`,
});

export default modelTable('child_process', 'javascript', [
  sink('exec', 'always'),
  sink('execSync', 'always'),
  sink('spawn', 'option'),
  sink('spawnSync', 'option'),
  sink('execFile', 'option'),
  sink('execFileSync', 'option'),
  sink('fork', 'option'),
]);
