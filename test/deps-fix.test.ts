import * as assert from 'node:assert/strict';
import { checkDependencies } from '../src/deps/check';
import type { DependencyReport } from '../src/deps/check';
import { runCli, startFixtureRegistry, pypiProject, tmpDir, workspaceOf, type FixtureRegistry } from './registry-fixture';

// Issue 16, "the right fix": the version proposed fixes every advisory of the package, is not
// yanked or deprecated, fits the other constraints, says when it is a major update, and the
// lockfile refresh is named. Against a registry on 127.0.0.1 serving fixture data.

const FLASK = { id: 'PYSEC-2023-62', aliases: ['CVE-2023-30861'], fixed_in: ['2.2.5', '2.3.2'] };

const DATA = {
  pypi: {
    // Two branches fixed apart: 2.2.x in 2.2.5, 2.3.x in 2.3.2.
    ...pypiProject('flask', '3.0.0', { '2.2.5': [], '2.3.0': [FLASK], '2.3.1': [FLASK], '2.3.2': [], '3.0.0': [] }),
    // The first fixed release is yanked.
    ...pypiProject('yankfix', '1.1.1', { '1.0.0': [{ id: 'PYSEC-Y', fixed_in: ['1.1.0'] }], '1.1.0': [], '1.1.1': [] }, ['1.1.0']),
    // A range whose highest match is yanked: pip installs 1.0.0, which is vulnerable.
    ...pypiProject('rangey', '1.1.0', { '1.0.0': [{ id: 'PYSEC-R', fixed_in: ['1.2.0'] }], '1.1.0': [], '1.2.0': [] }, ['1.1.0', '1.2.0']),
    // fixed_in says 1.1.0, but 1.1.0 has an advisory of its own, fixed in 1.2.0.
    ...pypiProject('chain', '1.2.0', { '1.0.0': [{ id: 'PYSEC-C1', fixed_in: ['1.1.0'] }], '1.1.0': [{ id: 'PYSEC-C2', fixed_in: ['1.2.0'] }], '1.2.0': [] }),
    // The smallest fix, 1.1, is excluded by another requirements file of the same folder.
    ...pypiProject('cx', '1.2', { '1.0': [{ id: 'PYSEC-X', fixed_in: ['1.1'] }], '1.1': [], '1.2': [] }),
  },
  packuments: {
    // Advisory A covers the checked 1.0.0; advisory B covers 1.2.0, the smallest release A does not.
    mb: { name: 'mb', 'dist-tags': { latest: '1.3.0' }, versions: { '1.0.0': {}, '1.2.0': {}, '1.3.0': {} } },
    mj: { name: 'mj', 'dist-tags': { latest: '2.0.0' }, versions: { '1.0.0': {}, '2.0.0': {} } },
    lodash: { name: 'lodash', 'dist-tags': { latest: '4.17.21' }, versions: { '4.17.15': {}, '4.17.21': {} } },
  },
  advisories: {
    mb: [
      { id: 1, url: 'https://github.com/advisories/GHSA-aaaa-aaaa-aaaa', title: 'A', severity: 'high', vulnerable_versions: '<1.2.0' },
      { id: 2, url: 'https://github.com/advisories/GHSA-bbbb-bbbb-bbbb', title: 'B', severity: 'moderate', vulnerable_versions: '>=1.2.0 <1.3.0' },
    ],
    mj: [{ id: 3, url: 'https://github.com/advisories/GHSA-cccc-cccc-cccc', title: 'C', severity: 'critical', vulnerable_versions: '<2.0.0' }],
    lodash: [{ id: 1523, url: 'https://github.com/advisories/GHSA-p6mc-m468-83gw', title: 'Prototype Pollution', severity: 'high', vulnerable_versions: '<4.17.19' }],
  },
};

describe('deps: the right fix (issue 16)', function () {
  this.timeout(300_000);
  let reg: FixtureRegistry;
  before(async () => {
    reg = await startFixtureRegistry(DATA);
  });
  after(() => reg.close());

  const check = (files: Record<string, string>): Promise<DependencyReport> =>
    checkDependencies([workspaceOf(files)], { npmRegistry: `${reg.url}/`, pypiIndex: `${reg.url}/pypi`, cacheDir: tmpDir('sw-cache-'), home: tmpDir('sw-home-'), env: {}, timeoutMs: 3000 });
  const vuln = (r: DependencyReport, name: string) => {
    const row = r.packages.find((p) => p.name === name);
    const f = r.findings.find((x) => x.ruleId === 'dep-vulnerable' && x.message.startsWith(name));
    assert.ok(row && f, `${name} is reported vulnerable: ${JSON.stringify(r.packages)} ${JSON.stringify(r.notices)}`);
    return { row, f };
  };

  it('multi-branch advisory: Flask 2.3.0 is told 2.3.2 (the fix of its own branch), not 2.3.1', async () => {
    const { f } = vuln(await check({ 'requirements.txt': 'flask==2.3.0\n' }), 'flask');
    assert.match(f.message, /Fixed in 2\.3\.2\./);
    assert.equal(f.fix?.edits[0].newText, '==2.3.2');
  });

  it('a yanked release is never proposed: the fix skips 1.1.0 (yanked) for 1.1.1', async () => {
    const { f } = vuln(await check({ 'requirements.txt': 'yankfix==1.0.0\n' }), 'yankfix');
    assert.match(f.message, /Fixed in 1\.1\.1\./);
  });

  it('a range whose highest match is yanked checks the version pip installs (1.0.0, vulnerable), not the yanked one', async () => {
    const r = await check({ 'requirements.txt': 'rangey>=1.0\n' });
    const row = r.packages.find((p) => p.name === 'rangey')!;
    assert.equal(row.installed, '1.0.0');
    assert.equal(row.status, 'vulnerable');
    assert.deepEqual(row.advisories, ['PYSEC-R']);
    // Both releases above it are yanked: no fix to offer that pip would take without a pin.
    assert.ok(!r.findings.some((f) => f.ruleId === 'dep-yanked'), 'pip does not install the yanked release');
  });

  it('a candidate with an advisory of its own is not the fix: the release documents are asked until one is clean', async () => {
    const { f } = vuln(await check({ 'requirements.txt': 'chain==1.0.0\n' }), 'chain');
    assert.match(f.message, /Fixed in 1\.2\.0\./);
    assert.ok(reg.seen.some((s) => s.url === '/pypi/chain/1.1.0/json'), 'the candidate 1.1.0 was looked at');
  });

  it('the fix satisfies the other constraints of the folder: cx!=1.1 elsewhere makes it 1.2', async () => {
    const { f } = vuln(await check({ 'requirements.txt': 'cx==1.0\n', 'requirements-prod.txt': 'cx!=1.1\n' }), 'cx');
    assert.match(f.message, /Fixed in 1\.2\./);
  });

  it('npm: an advisory that covers the smallest candidate is asked about too, so the fix is 1.3.0 and not 1.2.0', async () => {
    const r = await check({ 'package.json': '{"dependencies": {"mb": "1.0.0"}}' });
    const { f, row } = vuln(r, 'mb');
    assert.match(f.message, /Fixed in 1\.3\.0/);
    assert.deepEqual(row.advisories, ['GHSA-aaaa-aaaa-aaaa'], 'only the advisory of the checked version is reported');
  });

  it('a major update is said as such', async () => {
    const { f } = vuln(await check({ 'package.json': '{"dependencies": {"mj": "^1.0.0"}}' }), 'mj');
    assert.match(f.message, /Fixed in 2\.0\.0 \(a major update: check the release notes for breaking changes\)\./);
  });

  it('after a bump the finding, the quick fix title and the CLI say to refresh the lockfile (npm install / poetry lock)', async () => {
    const lock = JSON.stringify({ name: 'a', lockfileVersion: 3, packages: { '': {}, 'node_modules/lodash': { version: '4.17.15' } } });
    const files = { 'package.json': '{"dependencies": {"lodash": "^4.17.0"}}', 'package-lock.json': lock };
    const { f } = vuln(await check(files), 'lodash');
    assert.match(f.message, /After the update, run `npm install` to refresh package-lock\.json\./);
    assert.equal(f.fix?.title, 'Update lodash to 4.17.21, then run `npm install`');

    const py = await check({ 'pyproject.toml': '[tool.poetry.dependencies]\npython = "^3.10"\nflask = "2.3.0"\n', 'poetry.lock': '# lock\n' });
    assert.match(vuln(py, 'flask').f.message, /run `poetry lock` to refresh poetry\.lock/);

    const dir = workspaceOf(files);
    const out = await runCli(['deps', dir, '--npm-registry', `${reg.url}/`]);
    assert.equal(out.status, 1, out.stderr);
    assert.match(out.stdout, /fix: lodash 4\.17\.15 -> 4\.17\.21, then run npm install \(refreshes package-lock\.json\)/);
  });
});
