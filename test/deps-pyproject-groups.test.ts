import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkDependencies } from '../src/deps/check';
import type { DependencyReport } from '../src/deps/check';
import { readPyproject } from '../src/deps/python-manifests';
import { bestCpuPerCall } from './cpu-time';
import { startFixtureRegistry, pypiProject, tmpDir, workspaceOf, type FixtureRegistry } from './registry-fixture';

// Issue 16: pyproject optional dependencies, Poetry groups (and legacy dev-dependencies), PEP 735
// dependency groups, uv and PDM dev dependencies are dependencies, each on its own line, the dev
// ones marked dev; nothing is skipped without a word.

const ADV = (id: string, fix: string) => ({ id, fixed_in: [fix] });

const DATA = {
  pypi: {
    ...pypiProject('flask', '2.3.2', { '2.3.0': [ADV('PYSEC-F', '2.3.2')], '2.3.2': [] }),
    ...pypiProject('redis', '4.5.4', { '4.5.3': [ADV('PYSEC-R', '4.5.4')], '4.5.4': [] }),
    ...pypiProject('pytest', '7.2.0', { '7.1.0': [ADV('PYSEC-P', '7.2.0')], '7.2.0': [] }),
    ...pypiProject('black', '24.3.0', { '23.1.0': [ADV('PYSEC-B', '24.3.0')], '24.3.0': [] }),
    ...pypiProject('mypy', '1.5.0', { '1.4.0': [ADV('PYSEC-M', '1.5.0')], '1.5.0': [] }),
    ...pypiProject('ruff', '0.1.0', { '0.0.1': [ADV('PYSEC-U', '0.1.0')], '0.1.0': [] }),
    ...pypiProject('coverage', '7.0.0', { '6.0': [ADV('PYSEC-C', '7.0.0')], '7.0.0': [] }),
    ...pypiProject('sphinx', '7.0.0', { '6.0.0': [ADV('PYSEC-S', '7.0.0')], '7.0.0': [] }),
    ...pypiProject('isort', '5.12.0', { '5.0.0': [ADV('PYSEC-I', '5.12.0')], '5.12.0': [] }),
  },
};

// Line numbers (0-based) are those of the entries below.
const PROJECT = [
  '[project]', // 0
  'name = "app"',
  'dependencies = ["flask==2.3.0"]', // 2
  '',
  '[project.optional-dependencies]', // 4
  'cache = ["redis==4.5.3"]', // 5
  '',
  '[dependency-groups]', // 7
  'test = ["pytest==7.1.0", "app @ file:///src"]', // 8
  'lint = ["black==23.1.0"]', // 9
  'all = [{include-group = "test"}, {include-group = "lint"}, "flask==2.3.0"]', // 10
  'broken = [{include-group = "nope"}, 42]', // 11
  '',
  '[tool.uv]', // 13
  'dev-dependencies = ["mypy==1.4.0"]', // 14
  '',
  '[tool.pdm.dev-dependencies]', // 16
  'style = ["ruff==0.0.1", "-e file:///${PROJECT_ROOT}/libs/shared#egg=shared"]', // 17
  '',
].join('\n');

const POETRY = [
  '[tool.poetry.dependencies]', // 0
  'python = "^3.10"',
  'flask = "2.3.0"', // 2
  '',
  '[tool.poetry.group.test.dependencies]', // 4
  'pytest = "7.1.0"', // 5
  'coverage = { version = "6.0" }', // 6
  '',
  '[tool.poetry.group.docs.dependencies]', // 8
  'sphinx = "6.0.0"', // 9
  'isort = [{ version = "5.0.0", python = "<3.8" }, { version = "5.12.0", python = ">=3.8" }]', // 10
  '',
  '[tool.poetry.dev-dependencies]', // 12
  'black = "23.1.0"', // 13
  '',
].join('\n');

describe('deps: pyproject dependency groups (issue 16)', function () {
  this.timeout(300_000);
  let reg: FixtureRegistry;
  before(async () => {
    reg = await startFixtureRegistry(DATA);
  });
  after(() => reg.close());

  const check = (files: Record<string, string>, omit?: 'dev'[]): Promise<DependencyReport> =>
    checkDependencies([workspaceOf(files)], { npmRegistry: `${reg.url}/`, pypiIndex: `${reg.url}/pypi`, cacheDir: tmpDir('sw-cache-'), home: tmpDir('sw-home-'), env: {}, timeoutMs: 3000, omit });
  const vulnerable = (r: DependencyReport) => r.findings.filter((f) => f.ruleId === 'dep-vulnerable').map((f) => [f.message.split(' ')[0], f.range.start.line]);

  it('PEP 621 extras, PEP 735 groups (includes read once), uv and PDM dev lists: each on its line, dev marked', () => {
    const dir = workspaceOf({ 'pyproject.toml': PROJECT });
    const r = readPyproject(path.join(dir, 'pyproject.toml'));
    assert.deepEqual(
      r.dependencies.map((d) => [d.name, d.line, !!d.dev, !!d.unchecked]),
      [
        ['flask', 2, false, false],
        ['redis', 5, false, false],
        ['pytest', 8, true, false],
        ['app', 8, true, true],
        ['black', 9, true, false],
        ['flask', 10, true, false],
        ['mypy', 14, true, false],
        ['ruff', 17, true, false],
        ['shared', 17, true, true],
      ],
    );
    const problems = r.problems.map((p) => p.message).join('\n');
    assert.match(problems, /\[dependency-groups\] broken: include-group "nope" names no group/);
    assert.match(problems, /\[dependency-groups\] broken: an entry that is not a requirement string is not read/);
  });

  it('an include cycle is reported, not followed forever', () => {
    const dir = workspaceOf({ 'pyproject.toml': '[dependency-groups]\na = [{include-group = "b"}, "flask==2.3.0"]\nb = [{include-group = "a"}]\n' });
    const r = readPyproject(path.join(dir, 'pyproject.toml'));
    assert.deepEqual(r.dependencies.map((d) => [d.name, d.line]), [['flask', 1]]);
    assert.match(r.problems.map((p) => p.message).join('\n'), /leads back to "a" \(a cycle\)/);
  });

  it('Poetry groups and legacy dev-dependencies: dev, edits go to the spec as written', () => {
    const dir = workspaceOf({ 'pyproject.toml': POETRY });
    const r = readPyproject(path.join(dir, 'pyproject.toml'));
    assert.deepEqual(
      r.dependencies.map((d) => [d.name, d.line, !!d.dev, d.unchecked ?? '']),
      [
        ['flask', 2, false, ''],
        ['pytest', 5, true, ''],
        ['coverage', 6, true, ''],
        ['sphinx', 9, true, ''],
        ['isort', 10, true, 'multiple constraints (one per environment) in [tool.poetry.group.docs.dependencies]'],
        ['black', 13, true, ''],
      ],
    );
    const text = fs.readFileSync(path.join(dir, 'pyproject.toml'), 'utf8');
    const cov = r.dependencies.find((d) => d.name === 'coverage')!;
    assert.equal(text.slice(cov.specStart, cov.specEnd), '6.0');
  });

  it('checked against the registry: every group is reported on its line; --omit dev keeps main and extras', async () => {
    const all = await check({ 'pyproject.toml': PROJECT });
    assert.deepEqual(vulnerable(all), [['flask', 2], ['redis', 5], ['pytest', 8], ['black', 9], ['flask', 10], ['mypy', 14], ['ruff', 17]]);
    const prod = await check({ 'pyproject.toml': PROJECT }, ['dev']);
    assert.deepEqual(vulnerable(prod), [['flask', 2], ['redis', 5]]);
    assert.ok(prod.notices.some((n) => /7 dev dependencies not checked \(--omit dev\)/.test(n.message)), JSON.stringify(prod.notices));
    const poetry = await check({ 'pyproject.toml': POETRY });
    assert.deepEqual(vulnerable(poetry), [['flask', 2], ['pytest', 5], ['coverage', 6], ['sphinx', 9], ['black', 13]]);
    const poetryProd = await check({ 'pyproject.toml': POETRY }, ['dev']);
    assert.deepEqual(vulnerable(poetryProd), [['flask', 2]]);
  });

  it('many groups: reading grows linearly with the groups (a search per group header was quadratic)', () => {
    const file = (n: number) => {
      const ids = Array.from({ length: n }, (_, i) => i);
      const text = [
        ...ids.flatMap((i) => [`[tool.poetry.group.g${i}.dependencies]`, `p${i} = "^1.0"`, '']),
        '[dependency-groups]',
        ...ids.map((i) => `d${i} = ["q${i}>=1.0"]`),
        '',
      ].join('\n');
      return path.join(workspaceOf({ 'pyproject.toml': text }), 'pyproject.toml');
    };
    const small = file(1000);
    const big = file(4000);
    const r = readPyproject(big);
    assert.equal(r.dependencies.length, 8000);
    assert.deepEqual([r.dependencies[3999].name, r.dependencies[3999].line, r.dependencies[7999].name, r.dependencies[7999].line], ['p3999', 3 * 3999 + 1, 'q3999', 3 * 4000 + 1 + 3999]);
    const a = bestCpuPerCall(() => readPyproject(small), 3, 50, 20);
    const b = bestCpuPerCall(() => readPyproject(big), 3, 50, 20);
    // 4x the groups: about 4x when linear, 16x when quadratic.
    assert.ok(b / a < 8, `1,000 -> 4,000 groups: ${a.toFixed(1)} -> ${b.toFixed(1)} ms CPU (${(b / a).toFixed(1)}x)`);
  });
});
