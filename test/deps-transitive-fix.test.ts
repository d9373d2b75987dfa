import * as assert from 'node:assert/strict';
import { checkDependencies, type DependencyReport } from '../src/deps/check';
import { depsTable } from '../src/cli/deps-command';
import { startFixtureRegistry, tmpDir, workspaceOf, type FixtureRegistry } from './registry-fixture';

// Issue 16, `npm audit fix` for transitive findings: which release of the direct dependency pulls
// a fixed version (from the `dependencies` of the packuments down the path), or that none does
// (then an override). Against a registry on 127.0.0.1 serving fixture packuments and advisories.

const rel = (deps: Record<string, string> = {}, extra: object = {}) => ({ dependencies: deps, ...extra });
const packument = (name: string, versions: Record<string, object>) => ({ name, 'dist-tags': { latest: Object.keys(versions).pop() }, versions });
const advisory = (id: number, range: string) => ({ id, url: `https://github.com/advisories/GHSA-${id}${id}${id}${id}-aaaa-aaaa`, title: 'Bad', severity: 'high', vulnerable_versions: range });

const DATA = {
  packuments: {
    // upd 1.0.0 asks qs ~6.5.0: 6.5.3 is fixed and admitted — a lockfile update is enough.
    upd: packument('upd', { '1.0.0': rel({ qs: '~6.5.0' }) }),
    qs: packument('qs', { '6.5.2': rel(), '6.5.3': rel() }),
    // inr 1.0.0 pins lib 1.0.0; 1.1.0 (in ^1.0.0) asks ^1.0.1: the bump is in the declared range.
    inr: packument('inr', { '1.0.0': rel({ lib: '1.0.0' }), '1.1.0': rel({ lib: '^1.0.1' }), '1.2.0': rel({ lib: '^1.0.1' }) }),
    lib: packument('lib', { '1.0.0': rel(), '1.0.1': rel() }),
    // maj: only 2.0.0 pulls a fixed old; 1.5.0 is deprecated and would have.
    maj: packument('maj', { '1.0.0': rel({ old: '1.0.0' }), '1.5.0': rel({ old: '^1.0.1' }, { deprecated: 'do not use' }), '2.0.0': rel({ old: '^1.0.1' }) }),
    old: packument('old', { '1.0.0': rel(), '1.0.1': rel() }),
    // none: no release lets go of pin 1.0.0.
    none: packument('none', { '1.0.0': rel({ pin: '1.0.0' }), '1.1.0': rel({ pin: '1.0.0' }) }),
    pin: packument('pin', { '1.0.0': rel(), '1.0.2': rel() }),
    // deep: top › mid › leaf. mid 1.x pins leaf 1.0.0, mid 2.0.0 asks ^1.0.1; top 1.2.0 asks mid ^2.0.0.
    top: packument('top', { '1.0.0': rel({ mid: '^1.0.0' }), '1.1.0': rel({ mid: '^1.0.0' }), '1.2.0': rel({ mid: '^2.0.0' }) }),
    mid: packument('mid', { '1.0.0': rel({ leaf: '1.0.0' }), '1.1.0': rel({ leaf: '1.0.0' }), '2.0.0': rel({ leaf: '^1.0.1' }) }),
    leaf: packument('leaf', { '1.0.0': rel(), '1.0.1': rel() }),
  },
  advisories: {
    qs: [advisory(1, '<6.5.3')],
    lib: [advisory(2, '<1.0.1')],
    old: [advisory(3, '<1.0.1')],
    pin: [advisory(4, '<1.0.2')],
    leaf: [advisory(5, '<1.0.1')],
  },
};

const MANIFEST = { name: 'app', version: '1.0.0', dependencies: { upd: '^1.0.0', inr: '^1.0.0', maj: '^1.0.0', none: '^1.0.0', top: '^1.0.0' } };

/** A package-lock v3 of MANIFEST at the old versions. */
function lockV3(): string {
  const pkg = (version: string, dependencies?: Record<string, string>) => ({ version, resolved: `https://registry.example/x-${version}.tgz`, ...(dependencies ? { dependencies } : {}) });
  return JSON.stringify({
    name: 'app',
    version: '1.0.0',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: 'app', version: '1.0.0', dependencies: MANIFEST.dependencies },
      'node_modules/upd': pkg('1.0.0', { qs: '~6.5.0' }),
      'node_modules/qs': pkg('6.5.2'),
      'node_modules/inr': pkg('1.0.0', { lib: '1.0.0' }),
      'node_modules/lib': pkg('1.0.0'),
      'node_modules/maj': pkg('1.0.0', { old: '1.0.0' }),
      'node_modules/old': pkg('1.0.0'),
      'node_modules/none': pkg('1.0.0', { pin: '1.0.0' }),
      'node_modules/pin': pkg('1.0.0'),
      'node_modules/top': pkg('1.0.0', { mid: '^1.0.0' }),
      'node_modules/mid': pkg('1.0.0', { leaf: '1.0.0' }),
      'node_modules/leaf': pkg('1.0.0'),
    },
  }, null, 2);
}

describe('deps: npm audit fix for transitive findings (issue 16)', function () {
  this.timeout(300_000);
  let reg: FixtureRegistry;
  let report: DependencyReport;
  before(async () => {
    reg = await startFixtureRegistry(DATA);
    const dir = workspaceOf({ 'package.json': JSON.stringify(MANIFEST, null, 2) + '\n', 'package-lock.json': lockV3() });
    report = await checkDependencies([dir], { npmRegistry: `${reg.url}/`, cacheDir: tmpDir('sw-cache-'), home: tmpDir('sw-home-'), env: {}, timeoutMs: 3000 });
  });
  after(() => reg.close());

  const message = (name: string) => {
    const f = report.findings.find((x) => x.ruleId === 'dep-vulnerable' && x.message.includes(`${name}@`));
    assert.ok(f, `${name} is reported: ${JSON.stringify(report.findings.map((x) => x.message))} ${JSON.stringify(report.problems)}`);
    return f.message;
  };

  it('the locked direct dependency already admits a fix: a lockfile update (npm audit fix)', () => {
    assert.match(message('qs'), /via upd › qs 6\.5\.2: .*The ranges of upd 1\.0\.0 already admit a fixed qs: a lockfile update brings it \(`npm audit fix`\)\./);
  });

  it('the smallest release of the direct dependency that pulls a fix, within the declared range', () => {
    assert.match(message('lib'), /inr 1\.1\.0 is the first release that pulls a fixed lib: the declared range admits it, a lockfile update brings it \(`npm audit fix`\)\./);
  });

  it('a major update, past a deprecated release: npm audit fix --force', () => {
    assert.match(message('old'), /maj 2\.0\.0 is the first release that pulls a fixed old \(a major update\): update maj to 2\.0\.0 \(`npm audit fix --force`\)\./);
  });

  it('no release pulls a fix: an overrides entry with the fixed version', () => {
    assert.match(message('pin'), /No release of none pulls a fixed pin \(`npm audit fix --force` cannot fix it\): add "overrides": \{ "pin": "1\.0\.2" \} to package\.json\./);
  });

  it('two levels down: the bump of the direct dependency that brings a mid release that pulls the fix', () => {
    assert.match(message('leaf'), /via top › mid › leaf 1\.0\.0: .*top 1\.2\.0 is the first release that pulls a fixed leaf: the declared range admits it/);
  });

  it('the deps table says the same on the fix line', () => {
    const table = depsTable(report, '/');
    assert.match(table, /fix: pin 1\.0\.0 -> 1\.0\.2 \(via none › pin 1\.0\.0\): No release of none pulls a fixed pin/);
    assert.match(table, /fix: lib 1\.0\.0 -> 1\.0\.1 \(via inr › lib 1\.0\.0\): inr 1\.1\.0 is the first release/);
  });
});
