import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkDependencies, type CheckOptions, type DependencyReport } from '../src/deps/check';
import { lensTitle } from '../src/deps/lens';
import { appendIgnoreEntries, readIgnoreList } from '../src/deps/accepted-risks';
import { asDiagnostics } from '../src/extension/publish-policy';
import { pypiProject, runCli, startFixtureRegistry, tmpDir, workspaceOf, type FixtureRegistry } from './registry-fixture';

// Issue 16, "accepting a risk": a sitewarden-ignore comment on the manifest line, and an ignore
// list in .sitewarden/config (advisory id, reason, expiry), honoured by the check (the finding is
// kept, marked suppressed with its justification), the CLI's exit code, SARIF `suppressions`
// and the editor's diagnostics; `--omit dev` leaves dev dependencies out.

const FLASK = { id: 'PYSEC-2023-62', aliases: ['CVE-2023-30861'], fixed_in: ['2.3.2'] };
const GHSA = 'GHSA-p6mc-m468-83gw';
const DATA = {
  pypi: pypiProject('flask', '2.3.2', { '2.3.0': [FLASK], '2.3.2': [] }),
  packuments: {
    lodash: { name: 'lodash', 'dist-tags': { latest: '4.17.21' }, versions: { '4.17.15': {}, '4.17.21': {} } },
    'left-pad': { name: 'left-pad', 'dist-tags': { latest: '1.3.0' }, versions: { '1.1.0': {}, '1.3.0': {} } },
  },
  advisories: { lodash: [{ id: 1523, url: `https://github.com/advisories/${GHSA}`, title: 'Prototype Pollution', severity: 'high', vulnerable_versions: '<4.17.19' }] },
};
const config = (entries: string) => ({ '.sitewarden/config': entries });
const entry = (advisory: string, reason: string | undefined, expires?: string) => `[[dependencies.ignore]]\nadvisory = "${advisory}"\n${reason === undefined ? '' : `reason = "${reason}"\n`}${expires ? `expires = ${expires}\n` : ''}\n`;

describe('deps: accepting a risk (issue 16)', function () {
  this.timeout(300_000);
  let reg: FixtureRegistry;
  before(async () => {
    reg = await startFixtureRegistry(DATA);
  });
  after(() => reg.close());

  const opts = (o: Partial<CheckOptions> = {}): CheckOptions => ({ npmRegistry: `${reg.url}/`, pypiIndex: `${reg.url}/pypi`, cacheDir: tmpDir('sw-cache-'), home: tmpDir('sw-home-'), env: {}, timeoutMs: 3000, now: new Date('2026-03-01T12:00:00Z'), ...o });
  const vulnerable = (r: DependencyReport) => r.findings.filter((f) => f.ruleId === 'dep-vulnerable');

  it('a sitewarden-ignore[dep-vulnerable] comment on the requirements line suppresses the finding with its reason', async () => {
    const r = await checkDependencies([workspaceOf({ 'requirements.txt': 'flask==2.3.0  # sitewarden-ignore[dep-vulnerable]: only the CLI uses flask, no sessions\n' })], opts());
    const [f] = vulnerable(r);
    assert.ok(f, JSON.stringify(r.packages));
    assert.deepEqual(f.suppression, { kind: 'sitewarden-ignore', justification: 'only the CLI uses flask, no sessions (comment on requirements.txt line 1)' });
    assert.equal(r.packages[0].accepted, true);
    assert.equal(asDiagnostics(r.findings).length, 0, 'the editor shows no problem for it');
    assert.equal(lensTitle(r.packages[0]), 'flask 2.3.0: 1 known vulnerability, accepted risk · latest 2.3.2', 'and its lens no warning');
  });

  it('the comment also works alone on the line above, in pyproject.toml and Pipfile; another rule id does not suppress', async () => {
    const py = await checkDependencies([workspaceOf({ 'pyproject.toml': '[project]\nname = "a"\ndependencies = [\n  # sitewarden-ignore[dep-vulnerable]: patched in our fork\n  "flask==2.3.0",\n]\n' })], opts());
    assert.equal(vulnerable(py)[0]?.suppression?.justification, 'patched in our fork (comment on pyproject.toml line 5)');
    const pip = await checkDependencies([workspaceOf({ Pipfile: '[packages]\nflask = "==2.3.0" # sitewarden-ignore[dep-vulnerable]: reviewed\n' })], opts());
    assert.match(vulnerable(pip)[0]?.suppression?.justification ?? '', /^reviewed/);
    const other = await checkDependencies([workspaceOf({ 'requirements.txt': 'flask==2.3.0  # sitewarden-ignore[py-sql-injection]: unrelated\n' })], opts());
    assert.equal(vulnerable(other)[0]?.suppression, undefined);
  });

  it('.sitewarden/config: an advisory accepted until a date is suppressed; after the date it counts again, with a note', async () => {
    const files = { 'package.json': '{"dependencies": {"lodash": "4.17.15"}}', ...config(entry(GHSA, 'merge() is never called with user input', '2026-06-30')) };
    const before = await checkDependencies([workspaceOf(files)], opts());
    assert.deepEqual(vulnerable(before)[0]?.suppression, { kind: 'sitewarden-ignore', justification: 'merge() is never called with user input (.sitewarden/config, until 2026-06-30)' });
    const afterwards = await checkDependencies([workspaceOf(files)], opts({ now: new Date('2026-07-01T00:00:00Z') }));
    const [f] = vulnerable(afterwards);
    assert.equal(f.suppression, undefined, 'expired: it counts again');
    assert.match(f.message, /the accepted risk GHSA-p6mc-m468-83gw for lodash expired on 2026-06-30/);
    assert.ok(afterwards.notices.some((n) => n.note && /expired on 2026-06-30/.test(n.message)));
  });

  it('an entry may name an alias (CVE); one without a reason is not honoured and is reported', async () => {
    const aliased = await checkDependencies([workspaceOf({ 'requirements.txt': 'flask==2.3.0\n', ...config(entry('CVE-2023-30861', 'behind the proxy')) })], opts());
    assert.equal(vulnerable(aliased)[0]?.suppression?.justification, 'behind the proxy (.sitewarden/config)');
    const bare = await checkDependencies([workspaceOf({ 'requirements.txt': 'flask==2.3.0\n', ...config(entry('PYSEC-2023-62', undefined)) })], opts());
    assert.equal(vulnerable(bare)[0]?.suppression, undefined);
    assert.ok(bare.problems.some((p) => /no reason; not honoured/.test(p.message)), JSON.stringify(bare.problems));
  });

  it('CLI: an accepted risk does not fail `deps` (exit 0) and SARIF carries suppressions with the justification', async () => {
    const dir = workspaceOf({ 'package.json': '{"dependencies": {"lodash": "4.17.15"}}', ...config(entry(GHSA, 'accepted by security team', '2999-01-01')) });
    const deps = await runCli(['deps', dir, '--npm-registry', `${reg.url}/`]);
    assert.equal(deps.status, 0, deps.stdout + deps.stderr);
    assert.match(deps.stdout, /vulnerable \(accepted\)/);
    const out = path.join(tmpDir('sw-sarif-'), 'r.sarif');
    const scan = await runCli(['scan', dir, '--npm-registry', `${reg.url}/`, '--format', 'sarif', '--output', out, '--no-progress']);
    assert.equal(scan.status, 0, scan.stderr);
    const result = JSON.parse(fs.readFileSync(out, 'utf8')).runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'dep-vulnerable');
    assert.deepEqual(result?.suppressions, [{ kind: 'inSource', justification: 'accepted by security team (.sitewarden/config, until 2999-01-01)' }]);
  });

  it('--omit dev leaves devDependencies out (and says how many)', async () => {
    const dir = workspaceOf({ 'package.json': '{"devDependencies": {"lodash": "4.17.15"}}' });
    const all = await checkDependencies([dir], opts());
    assert.equal(vulnerable(all).length, 1);
    const prod = await checkDependencies([dir], opts({ omit: ['dev'] }));
    assert.deepEqual([prod.packages.length, prod.findings.length], [0, 0]);
    assert.ok(prod.notices.some((n) => n.note && /1 dev dependencies not checked \(--omit dev\)/.test(n.message)));
    const cli = await runCli(['deps', dir, '--npm-registry', `${reg.url}/`, '--omit', 'dev']);
    assert.equal(cli.status, 0, cli.stdout + cli.stderr);
  });
  it('an outdated package is accepted for one package by rule (and only that rule), until a date', async () => {
    const pkg = '{\n  "dependencies": {\n    "left-pad": "1.1.0",\n    "lodash": "4.17.15"\n  }\n}\n';
    const accepted = `[[dependencies.ignore]]\nrule = "dep-outdated"\npackage = "left-pad"\nreason = "pinned for the legacy build"\nexpires = 2026-06-30\n`;
    const r = await checkDependencies([workspaceOf({ 'package.json': pkg, ...config(accepted) })], opts());
    const outdated = r.findings.find((f) => f.ruleId === 'dep-outdated')!;
    assert.ok(outdated, JSON.stringify(r.findings.map((f) => f.ruleId)));
    assert.deepEqual(outdated.suppression, { kind: 'sitewarden-ignore', justification: 'pinned for the legacy build (.sitewarden/config, until 2026-06-30)' });
    assert.equal(vulnerable(r)[0].suppression, undefined, 'lodash is not named by the entry');
    const later = await checkDependencies([workspaceOf({ 'package.json': pkg, ...config(accepted) })], opts({ now: new Date('2026-07-01T12:00:00Z') }));
    const back = later.findings.find((f) => f.ruleId === 'dep-outdated')!;
    assert.equal(back.suppression, undefined);
    assert.match(back.message, /accepted risk dep-outdated for left-pad expired on 2026-06-30/);
  });

  it('a rule entry without a package, or with a rule that is not acceptable, is reported and not honoured', async () => {
    const bad = '[[dependencies.ignore]]\nrule = "dep-outdated"\nreason = "x"\n\n[[dependencies.ignore]]\nrule = "dep-vulnerable"\npackage = "lodash"\nreason = "y"\n';
    const r = await checkDependencies([workspaceOf({ 'package.json': '{"dependencies":{"left-pad":"1.1.0"}}', ...config(bad) })], opts());
    assert.equal(r.findings.find((f) => f.ruleId === 'dep-outdated')!.suppression, undefined);
    assert.equal(r.problems.filter((p) => /not honoured/.test(p.message)).length, 2, JSON.stringify(r.problems));
  });

  it('a line comment past its until= day no longer suppresses, and the finding says why it is back', async () => {
    const r = await checkDependencies([workspaceOf({ 'requirements.txt': '# sitewarden-ignore[dep-vulnerable]: waiting for the vendor until=2026-02-01\nflask==2.3.0\n' })], opts());
    const [f] = vulnerable(r);
    assert.equal(f.suppression, undefined);
    assert.match(f.message, /suppression expired after 2026-02-01: waiting for the vendor/);
  });

  it('appendIgnoreEntries keeps the file, quotes what it writes, and refuses a file that is not TOML', () => {
    const existing = '# accepted risks\n[[dependencies.ignore]]\nadvisory = "GHSA-aaaa"\nreason = "old"\n';
    const text = appendIgnoreEntries(existing, [
      { advisory: GHSA, package: 'lodash', reason: 'quote " and \\ and\nnewline', expires: '2027-01-31' },
      { advisory: '', rule: 'dep-outdated', package: 'left-pad', reason: 'pinned' },
    ]);
    assert.ok(text.startsWith(existing));
    const dir = workspaceOf({ '.sitewarden/config': text });
    const list = readIgnoreList(dir);
    assert.deepEqual(list.problems, []);
    assert.deepEqual(list.entries.slice(1), [
      { advisory: GHSA, package: 'lodash', reason: 'quote " and \\ and\nnewline', expires: '2027-01-31' },
      { advisory: '', rule: 'dep-outdated', package: 'left-pad', reason: 'pinned' },
    ]);
    assert.throws(() => appendIgnoreEntries('[dependencies\n', [{ advisory: GHSA, reason: 'r' }]), /not valid TOML.*nothing was added/);
    assert.equal(appendIgnoreEntries('', [{ advisory: GHSA, reason: 'r' }]).startsWith('[[dependencies.ignore]]'), true);
    assert.throws(() => appendIgnoreEntries(existing, [{ advisory: '', rule: 'dep-outdated', reason: 'no package named' }]), /would not be honoured.*no package/);
    const withBadEntry = `${existing}[[dependencies.ignore]]\nadvisory = "GHSA-bbbb"\n`;
    assert.ok(appendIgnoreEntries(withBadEntry, [{ advisory: GHSA, reason: 'r' }]).startsWith(withBadEntry), 'a person\'s entry without a reason does not block adding one');
  });
});
