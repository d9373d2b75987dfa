import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

// `npm test -- --rule ID` hands `--rule ID` to scripts/test.mjs; these run that script as npm does.
const root = path.join(__dirname, '..', '..');
function testScript(...args: string[]) {
  // --dry-run lists the tests mocha would run without running them.
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'test.mjs'), ...args, '--dry-run', '--reporter', 'json'], { cwd: root, encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr, titles: r.status === 0 ? (JSON.parse(r.stdout) as { tests: { fullTitle: string }[] }).tests.map((t) => t.fullTitle) : [] };
}

describe('npm test -- --rule ID (scripts/test.mjs)', function () {
  // Each call starts mocha, which loads the compiled rules: sized for a loaded 2-core machine.
  this.timeout(120_000);

  it('runs only the cases of the rule named', () => {
    const r = testScript('--rule', 'py-weak-hash');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.titles.length, 1);
    assert.match(r.titles[0], /^rule cases .* py-weak-hash: \d+ valid, \d+ invalid$/);
  });

  it('takes --rule=ID and several rules', () => {
    const r = testScript('--rule=js-redos', '--rule', 'txt-secret');
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.titles.map((t) => t.replace(/^rule cases \([^)]*\) /, '').replace(/:.*/, '')).sort(), ['js-redos', 'txt-secret']);
  });

  it('refuses an unknown rule id instead of running nothing', () => {
    const r = testScript('--rule', 'py-weak-hsah');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^unknown rule id\(s\): py-weak-hsah\n/);
  });

  it('without --rule runs every test file', () => {
    const r = testScript();
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.titles.some((t) => t.startsWith('npm test -- --rule ID')), 'this file is in the run');
    assert.ok(r.titles.filter((t) => t.startsWith('rule cases ')).length > 50);
  });
});
