// `npm run test:e2e:electron`: the same integration suite as `npm run test:e2e`, run by
// @vscode/test-electron in a desktop VS Code. It needs VSCODE_EXECUTABLE (the path of a VS Code
// binary): @vscode/test-electron would otherwise download one, which this project's CI machine
// cannot (no access to update.code.visualstudio.com), so CI uses the code-server route instead.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { runTests } from '@vscode/test-electron';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const exe = process.env.VSCODE_EXECUTABLE;
if (!exe || !fs.existsSync(exe)) {
  process.stderr.write('test:e2e:electron: set VSCODE_EXECUTABLE to a desktop VS Code binary (e.g. /usr/share/code/code); without one, use npm run test:e2e (code-server).\n');
  process.exit(2);
}
for (const [cmd, args] of [['npm', ['run', 'build', '--silent']], ['npx', ['tsc', '-p', 'tsconfig.test.json']]]) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-e2e-ws-'));
fs.cpSync(path.join(root, 'test', 'fixtures', 'e2e-workspace'), workspace, { recursive: true });
try {
  await runTests({
    vscodeExecutablePath: exe,
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(root, 'out', 'test', 'e2e', 'suite', 'index'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', `--user-data-dir=${fs.mkdtempSync(path.join(os.tmpdir(), 'sw-ud-'))}`],
  });
} catch (e) {
  process.stderr.write(`test:e2e:electron: ${e?.message ?? e}\n`);
  process.exit(1);
}
