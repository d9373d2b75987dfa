import * as assert from 'node:assert/strict';
import { evaluatePackage, smallestSafeVersion, type AdvisoryFact, type PackageFacts, type VersionScheme } from '../src/deps/evaluate';
import { NPM_VERSIONS, npmFacts } from '../src/deps/npm-check';
import { PYPI_VERSIONS, pypiFacts } from '../src/deps/pypi-check';
import type { Dependency } from '../src/deps/types';

// The shared evaluation (src/deps/evaluate.ts) on its own: facts in, findings and a row out.
// npm and PyPI facts go through the same function; only the version scheme differs.

function dep(ecosystem: 'npm' | 'pypi', name: string, spec: string, extra: Partial<Dependency> = {}): Dependency {
  const line = `${name} ${spec}`;
  return { ecosystem, name, spec, file: ecosystem === 'npm' ? 'package.json' : 'requirements.txt', line: 3, column: name.length + 1, specStart: 40 + name.length + 1, specEnd: 40 + line.length, ...extra };
}

function facts(d: Dependency, f: Partial<PackageFacts>): PackageFacts {
  return { dep: d, versions: [], advisories: [], ...f };
}

const BOTH: [string, VersionScheme, Dependency][] = [
  ['npm', NPM_VERSIONS, dep('npm', 'left-pad', '^1.0.0')],
  ['pypi', PYPI_VERSIONS, dep('pypi', 'left-pad', '==1.0.0')],
];

describe('shared dependency evaluation', () => {
  for (const [eco, scheme, d] of BOTH) {
    it(`${eco}: an advisory fixed in 1.2.0 gives dep-vulnerable with the fix 1.2.0, not dep-outdated`, () => {
      const advisory: AdvisoryFact = { id: 'GHSA-aaaa-bbbb-cccc', severity: 'high', summary: 'GHSA-aaaa-bbbb-cccc', fixedIn: ['1.2.0'] };
      const e = evaluatePackage(facts(d, { version: '1.0.0', latest: '2.0.0', versions: ['1.0.0', '1.1.0', '1.2.0', '1.3.0', '2.0.0'], advisories: [advisory] }), scheme);
      assert.deepEqual(e.findings.map((f) => [f.ruleId, f.severity]), [['dep-vulnerable', 'high']]);
      assert.equal(e.findings[0].fix?.title, 'Update left-pad to 1.2.0');
      assert.match(e.findings[0].message, /has 1 known vulnerability: GHSA-aaaa-bbbb-cccc\. Fixed in 1\.2\.0\.$/);
      assert.equal(e.row.status, 'vulnerable');
      assert.deepEqual(e.row.advisories, ['GHSA-aaaa-bbbb-cccc']);
      assert.equal(e.row.installed, '1.0.0');
      assert.equal(e.row.latest, '2.0.0');
      assert.equal(e.row.ecosystem, eco);
    });

    it(`${eco}: the same facts without advisories give dep-outdated (major) and status outdated`, () => {
      const e = evaluatePackage(facts(d, { version: '1.0.0', latest: '2.0.0', versions: ['1.0.0', '2.0.0'] }), scheme);
      assert.deepEqual(e.findings.map((f) => f.ruleId), ['dep-outdated']);
      assert.equal(e.findings[0].message, 'left-pad 1.0.0 is behind the latest 2.0.0 (major).');
      assert.equal(e.findings[0].severity, 'low');
      assert.equal(e.row.status, 'outdated');
    });

    it(`${eco}: the latest version is ok with no findings; no advisory data makes the row unknown`, () => {
      const current = evaluatePackage(facts(d, { version: '2.0.0', latest: '2.0.0', versions: ['2.0.0'] }), scheme);
      assert.deepEqual([current.findings.length, current.row.status], [0, 'ok']);
      const behind = evaluatePackage(facts(d, { version: '1.0.0', latest: '2.0.0', versions: ['1.0.0', '2.0.0'], advisories: undefined }), scheme);
      assert.deepEqual(behind.findings.map((f) => f.ruleId), ['dep-outdated']);
      assert.equal(behind.row.status, 'unknown', '"outdated" would read as "no known vulnerabilities"');
    });

    it(`${eco}: stale facts mark every finding and the row`, () => {
      const e = evaluatePackage(facts(d, { version: '1.0.0', latest: '1.1.0', versions: ['1.0.0', '1.1.0'], deprecated: new Map([['1.0.0', 'use right-pad']]), stale: true }), scheme);
      assert.deepEqual(e.findings.map((f) => f.ruleId), ['dep-deprecated', 'dep-outdated']);
      for (const f of e.findings) {
        assert.equal(f.stale, true);
        assert.match(f.message, / \(from out-of-date cached registry data\)$/);
      }
      assert.equal(e.row.stale, true);
      assert.equal(e.row.status, 'deprecated');
    });

    it(`${eco}: a yanked version gives dep-yanked with the latest as fix`, () => {
      const e = evaluatePackage(facts(d, { version: '1.0.0', latest: '1.0.1', versions: ['1.0.0', '1.0.1'], yanked: { reason: 'broken wheel' } }), scheme);
      assert.deepEqual(e.findings.map((f) => f.ruleId), ['dep-yanked', 'dep-outdated']);
      assert.match(e.findings[0].message, /1\.0\.0 was yanked from (npm|PyPI): broken wheel\.$/);
      assert.equal(e.findings[1].message, 'left-pad 1.0.0 is behind the latest 1.0.1 (patch).');
      assert.equal(e.row.status, 'yanked');
    });
  }

  it('an advisory with a range applies only to versions inside it; the worst severity is the finding\'s', () => {
    const d = dep('npm', 'minimist', '^1.2.0');
    const advisories: AdvisoryFact[] = [
      { id: 'GHSA-low', severity: 'low', summary: 'GHSA-low (low) a', range: '<1.2.6' },
      { id: 'GHSA-crit', severity: 'critical', summary: 'GHSA-crit (critical) b', range: '<1.2.3' },
      { id: 'GHSA-other', severity: 'high', summary: 'GHSA-other (high) c', range: '>=2.0.0' },
    ];
    const versions = ['1.2.0', '1.2.3', '1.2.5', '1.2.6', '1.2.7'];
    const e = evaluatePackage(facts(d, { version: '1.2.0', latest: '1.2.7', versions, advisories }), NPM_VERSIONS);
    assert.equal(e.findings[0].severity, 'critical');
    assert.deepEqual(e.row.advisories, ['GHSA-low', 'GHSA-crit']);
    assert.equal(e.findings[0].message, 'minimist@1.2.0 has 2 known vulnerabilities: GHSA-low (low) a; GHSA-crit (critical) b. Fixed in 1.2.6.');
    // The fix keeps the spec's operator.
    assert.equal(e.findings[0].fix?.edits[0].newText, '^1.2.6');
    const notCovered = evaluatePackage(facts(d, { version: '1.2.6', latest: '1.2.7', versions, advisories }), NPM_VERSIONS);
    assert.deepEqual(notCovered.findings.map((f) => f.ruleId), ['dep-outdated']);
  });

  it('smallest safe version: skips deprecated versions; fixed-in counts only within its major; else the highest fix named', () => {
    const npmD = dep('npm', 'a', '^1.0.0');
    const rangeAdv: AdvisoryFact[] = [{ id: 'X', severity: 'high', summary: 'X', range: '<1.1.0' }];
    const npmF = facts(npmD, { version: '1.0.0', versions: ['1.0.0', '1.1.0', '1.1.1'], deprecated: new Map([['1.1.0', 'broken']]) });
    assert.equal(smallestSafeVersion(npmF, rangeAdv, NPM_VERSIONS), '1.1.1');
    assert.equal(smallestSafeVersion({ ...npmF, versions: ['1.0.0'] }, rangeAdv, NPM_VERSIONS), undefined);

    const pyD = dep('pypi', 'b', '==1.0');
    // Fixed in 1.4 (for 1.x) and 2.1 (for 2.x): 2.0 is not fixed, 1.4 is the smallest safe.
    const both: AdvisoryFact[] = [{ id: 'PYSEC-1', severity: 'high', summary: 'PYSEC-1', fixedIn: ['2.1', '1.4'] }];
    const pyF = facts(pyD, { version: '1.0', versions: ['1.0', '1.3', '1.4', '2.0', '2.1'] });
    assert.equal(smallestSafeVersion(pyF, both, PYPI_VERSIONS), '1.4');
    // 1.4 is not published: 2.0 is above the 1.x fix but not fixed (2.x is fixed in 2.1).
    assert.equal(smallestSafeVersion({ ...pyF, versions: ['1.0', '2.0', '2.1'] }, both, PYPI_VERSIONS), '2.1');
    // Two advisories, one fixed only in 3.0 which is not published: no release fixes both, the highest fix named is offered.
    const unpublished: AdvisoryFact[] = [...both, { id: 'PYSEC-2', severity: 'high', summary: 'PYSEC-2', fixedIn: ['3.0'] }];
    assert.equal(smallestSafeVersion(pyF, unpublished, PYPI_VERSIONS), '3.0');
    // No fix at all: the message says so in the ecosystem's words.
    const none = evaluatePackage(facts(npmD, { version: '1.0.0', versions: ['1.0.0'], advisories: [{ id: 'Y', severity: 'medium', summary: 'Y (medium) t', range: '*' }] }), NPM_VERSIONS);
    assert.equal(none.findings[0].message, 'a@1.0.0 has 1 known vulnerability: Y (medium) t. No fixed version is published.');
    assert.equal(none.findings[0].fix, undefined);
  });

  it('outdated levels: npm by semver, PyPI by release segments', () => {
    const cases: [VersionScheme, string, string, string][] = [
      [NPM_VERSIONS, '1.0.0', '1.1.0', 'minor'],
      [NPM_VERSIONS, '1.0.0', '1.0.1', 'patch'],
      [PYPI_VERSIONS, '1.0', '1.0.0.1', 'patch'],
      [PYPI_VERSIONS, '1.9', '1.10', 'minor'],
      [PYPI_VERSIONS, '1.9', '2.0', 'major'],
    ];
    for (const [scheme, from, to, want] of cases) {
      const e = evaluatePackage(facts(dep(scheme.ecosystem, 'p', '1'), { version: from, latest: to, versions: [from, to] }), scheme);
      assert.equal(e.findings[0]?.message, `p ${from} is behind the latest ${to} (${want}).`, `${scheme.ecosystem} ${from} → ${to}`);
    }
  });

  it('registry documents of both ecosystems become facts that give the same finding kinds', () => {
    const n = npmFacts(
      dep('npm', 'lodash', '^4.17.0'),
      '4.17.15',
      { 'dist-tags': { latest: '4.17.21' }, versions: { '4.17.15': {}, '4.17.21': {}, '5.0.0-beta.1': {} } },
      { lodash: [{ id: 1523, url: 'https://github.com/advisories/GHSA-p6mc-m468-83gw', title: 'Prototype Pollution', severity: 'moderate', vulnerable_versions: '<4.17.19' }, { id: 7, severity: 'high' }] },
      false,
    );
    assert.deepEqual(n.versions, ['4.17.15', '4.17.21'], 'prereleases are not offered');
    assert.deepEqual(n.advisories, [{ id: 'GHSA-p6mc-m468-83gw', severity: 'medium', summary: 'GHSA-p6mc-m468-83gw (medium) Prototype Pollution', range: '<4.17.19' }], 'an advisory without a vulnerable range is dropped');
    const p = pypiFacts(
      dep('pypi', 'Flask', '==2.0.1'),
      '2.0.1',
      ['2.0.1', '2.2.5', '3.0.0'],
      { info: { version: '3.0.0' }, releases: { '2.0.1': [{ yanked: true }], '2.2.5': [{}], '3.0.0': [{}] } },
      { info: { version: '2.0.1' }, vulnerabilities: [{ id: 'PYSEC-2023-62', aliases: ['CVE-2023-30861'], fixed_in: ['2.2.5', '2.3.2'] }, { id: 'GONE', withdrawn: '2024-01-01' }] },
      false,
    );
    assert.deepEqual(p.advisories, [{ id: 'PYSEC-2023-62', severity: 'high', summary: 'PYSEC-2023-62 / CVE-2023-30861', fixedIn: ['2.2.5', '2.3.2'], aliases: ['CVE-2023-30861'] }], 'withdrawn advisories are dropped');
    assert.deepEqual(p.yanked, { reason: undefined }, 'every file of the release is yanked');
    const ne = evaluatePackage(n, NPM_VERSIONS);
    const pe = evaluatePackage(p, PYPI_VERSIONS);
    assert.deepEqual(ne.findings.map((f) => f.ruleId), ['dep-vulnerable']);
    assert.deepEqual(pe.findings.map((f) => f.ruleId), ['dep-vulnerable', 'dep-yanked']);
    assert.equal(ne.findings[0].message, 'lodash@4.17.15 has 1 known vulnerability: GHSA-p6mc-m468-83gw (medium) Prototype Pollution. Fixed in 4.17.21.');
    assert.equal(pe.findings[0].message, 'Flask 2.0.1 has 1 known vulnerability: PYSEC-2023-62 / CVE-2023-30861. Fixed in 2.2.5.');
    assert.equal(pe.findings[1].message, 'Flask 2.0.1 was yanked from PyPI.');
    assert.equal(pe.findings[0].fix?.edits[0].newText, '==2.2.5');
    assert.deepEqual([ne.row.status, pe.row.status], ['vulnerable', 'vulnerable']);
  });
});
