import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseZeroContextDiff, unquoteGitPath } from '../src/core/changed-lines';

const ROOT = path.join(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const SEED = fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'seed-flask', 'app.py'), 'utf8');
const PICKLE = '\nimport pickle\n\ndef load(blob):\n    return pickle.loads(blob)\n';

function sw(args: string[], cwd: string) {
  return spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
}

// A fixed identity and no user or system configuration: the tests do not depend on the machine's git setup.
const GIT_ENV = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', env: GIT_ENV });
  assert.equal(r.status, 0, `git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** main: app.py with the seed's two findings; feature: an unrelated edit above them and one new finding. */
function repository(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-diff-'));
  git(dir, 'init', '-q', '-b', 'main');
  fs.writeFileSync(path.join(dir, 'app.py'), SEED);
  fs.writeFileSync(path.join(dir, 'util.py'), 'def helper():\n    return 1\n');
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'base');
  fs.writeFileSync(path.join(dir, 'util.py'), 'def helper():\n    return 2\n');
  git(dir, 'commit', '-q', '-am', 'main moves on');
  git(dir, 'checkout', '-q', '-b', 'feature', 'HEAD~1');
  fs.writeFileSync(path.join(dir, 'app.py'), '# header comment\n' + SEED + PICKLE);
  git(dir, 'commit', '-q', '-am', 'feature');
  return dir;
}

const ruleIds = (stdout: string) => (JSON.parse(stdout) as { ruleId: string; file: string }[]).map((f) => `${f.file}:${f.ruleId}`);

describe('scan --diff-base', () => {
  it('reports findings on lines changed since the merge base only; untracked and uncommitted changes count', () => {
    const dir = repository();
    // Without it, all three; with it, the new one only (the two old ones moved, but their lines did not change).
    assert.deepEqual(ruleIds(sw(['scan', '--no-deps', '.', '--format', 'json'], dir).stdout).sort(), ['app.py:py-fingerprint-stub', 'app.py:py-flask-debug', 'app.py:py-unsafe-deserialization']);
    const r = sw(['scan', '--no-deps', '.', '--format', 'json', '--diff-base', 'main'], dir);
    assert.equal(r.status, 1, r.stderr);
    assert.deepEqual(ruleIds(r.stdout), ['app.py:py-unsafe-deserialization']);
    assert.match(r.stderr, /--diff-base main: 1 of 3 finding\(s\) on changed lines \(1 changed file\(s\)\)/);

    // An uncommitted edit on an old finding's line, and an untracked file, are changes too.
    fs.writeFileSync(path.join(dir, 'app.py'), fs.readFileSync(path.join(dir, 'app.py'), 'utf8').replace('app.run(debug=True)', 'app.run(debug=True)  # edited'));
    fs.mkdirSync(path.join(dir, 'new dir'));
    fs.writeFileSync(path.join(dir, 'new dir', 'ünïcode.py'), PICKLE);
    const later = sw(['scan', '--no-deps', '.', '--format', 'json', '--diff-base', 'main'], dir);
    assert.deepEqual(ruleIds(later.stdout).sort(), ['app.py:py-flask-debug', 'app.py:py-unsafe-deserialization', `${path.join('new dir', 'ünïcode.py')}:py-unsafe-deserialization`]);

    // SARIF carries only those results too, and from a subfolder the paths still match.
    const sarif = JSON.parse(sw(['scan', '--no-deps', '.', '--format', 'sarif', '--diff-base', 'main'], path.join(dir, 'new dir')).stdout) as { runs: { results: { ruleId: string }[] }[] };
    assert.deepEqual(sarif.runs[0].results.map((x) => x.ruleId), ['py-unsafe-deserialization']);
  });

  it('no new finding on the changed lines: exit 0 although old findings remain', () => {
    const dir = repository();
    fs.writeFileSync(path.join(dir, 'app.py'), '# header comment\n' + SEED);
    git(dir, 'commit', '-q', '-am', 'only a comment');
    const r = sw(['scan', '--no-deps', '.', '--diff-base', 'main'], dir);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^0 findings/m);
  });

  it('a shallow clone without the base, or without the merge base, exits 2 and says it is shallow', () => {
    const origin = repository();
    const clone = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sw-shallow-')), 'c');
    git(os.tmpdir(), 'clone', '-q', '--depth', '1', '--branch', 'feature', `file://${origin}`, clone);
    const missing = sw(['scan', '--no-deps', '.', '--diff-base', 'origin/main'], clone);
    assert.equal(missing.status, 2, missing.stderr);
    assert.match(missing.stderr, /^sitewarden: --diff-base: origin\/main is not in this checkout, which is shallow: fetch the history it needs \(actions\/checkout: fetch-depth: 0/);
    assert.equal(missing.stdout, '', 'nothing was scanned');

    // The base fetched at depth 1 too: the ref exists, their common ancestor does not.
    git(clone, 'fetch', '-q', '--depth', '1', 'origin', 'main:refs/remotes/origin/main');
    const noAncestor = sw(['scan', '--no-deps', '.', '--diff-base', 'origin/main'], clone);
    assert.equal(noAncestor.status, 2, noAncestor.stderr);
    assert.match(noAncestor.stderr, /the common ancestor of origin\/main and HEAD is not in this checkout, which is shallow/);

    // Deepened, it works.
    git(clone, 'fetch', '-q', '--unshallow', 'origin');
    const full = sw(['scan', '--no-deps', '.', '--format', 'json', '--diff-base', 'origin/main'], clone);
    assert.deepEqual(ruleIds(full.stdout), ['app.py:py-unsafe-deserialization'], full.stderr);
  });

  it('usage errors: not a git checkout, an unknown ref, a ref that looks like an option', () => {
    const plain = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-nogit-'));
    fs.writeFileSync(path.join(plain, 'app.py'), SEED);
    const cases: [string, string, RegExp][] = [
      [plain, 'main', /is not inside a git checkout/],
      [repository(), 'no-such-branch', /no commit "no-such-branch" in this repository/],
      [repository(), '--output=/tmp/x', /is not a git revision/],
    ];
    for (const [cwd, ref, message] of cases) {
      const r = sw(['scan', '--no-deps', '.', `--diff-base=${ref}`], cwd);
      assert.equal(r.status, 2, `${ref}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
  });

  it('runs nothing the checkout configures: fsmonitor hook, external diff, textconv driver', () => {
    // A repository unpacked from an archive brings its own .git/config.
    const dir = repository();
    const marker = (name: string) => path.join(dir, '..', `${path.basename(dir)}-${name}`);
    fs.writeFileSync(path.join(dir, '.gitattributes'), '*.py diff=evil\n');
    git(dir, 'add', '.gitattributes');
    git(dir, 'commit', '-q', '-m', 'attributes');
    // Set after the commits above, which would run them.
    git(dir, 'config', 'core.fsmonitor', `touch '${marker('fsmonitor')}'; false`);
    git(dir, 'config', 'diff.external', `sh -c "touch '${marker('external')}'"`);
    git(dir, 'config', 'diff.evil.textconv', `sh -c "touch '${marker('textconv')}'; cat"`);
    git(dir, 'config', 'diff.noprefix', 'true');
    const r = sw(['scan', '--no-deps', '.', '--format', 'json', '--diff-base', 'main'], dir);
    assert.deepEqual(ruleIds(r.stdout), ['app.py:py-unsafe-deserialization'], r.stderr);
    for (const name of ['fsmonitor', 'external', 'textconv']) assert.equal(fs.existsSync(marker(name)), false, `${name} ran`);
  });

  it('parses -U0 hunks (additions, deletions, quoted names) into new-side line numbers', () => {
    const diff = [
      'diff --git a/x.py b/x.py',
      '--- a/x.py',
      '+++ b/x.py',
      '@@ -1,0 +2,3 @@',
      '+a',
      '@@ -9,2 +12,0 @@',
      '@@ -20 +21 @@',
      'diff --git "a/t\\tab.py" "b/t\\tab.py"',
      '+++ "b/t\\tab \\303\\274.py"',
      '@@ -1 +1,2 @@',
      'diff --git a/gone.py b/gone.py',
      '+++ /dev/null',
      '@@ -1,3 +0,0 @@',
    ].join('\n');
    const changed = parseZeroContextDiff(diff, '/r');
    assert.deepEqual([...changed.keys()], [path.join('/r', 'x.py'), path.join('/r', 't\tab ü.py')]);
    assert.deepEqual([...(changed.get(path.join('/r', 'x.py')) as Set<number>)], [2, 3, 4, 21]);
    assert.deepEqual([...(changed.get(path.join('/r', 't\tab ü.py')) as Set<number>)], [1, 2]);
    assert.equal(unquoteGitPath('plain.py'), 'plain.py');
    assert.equal(unquoteGitPath('"q\\"uote\\\\.py"'), 'q"uote\\.py');
  });
});
