import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkDependencies, type DependencyReport } from '../src/deps/check';
import { readPackageJson } from '../src/deps/npm-manifests';
import { readPipfile, readPyproject, readRequirements } from '../src/deps/python-manifests';
import { startFixtureRegistry } from './fixture-registry';
import { DATA, vulnerable, PACKAGE_JSON, YARN_V1, PYPROJECT, UV_LOCK, PIPFILE, PIPFILE_LOCK, HASHED, FORMATS } from './lockfile-fixtures';

/**
 * Each lockfile format, read through the public readers and checked against a 127.0.0.1
 * registry: the locked versions of direct dependencies, the transitive packages with their
 * paths, and the hash-pinned / editable / constraint / marker forms of requirements files.
 */

const tmp = (p: string) => fs.mkdtempSync(path.join(os.tmpdir(), p));
function workspace(files: Record<string, string>): string {
  const dir = tmp('sw-lock-');
  for (const [f, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), text);
  }
  return dir;
}


describe('lockfiles: every format, checked against a 127.0.0.1 registry', function () {
  this.timeout(300_000);
  let reg: Awaited<ReturnType<typeof startFixtureRegistry>>;
  before(async () => {
    reg = await startFixtureRegistry(DATA);
  });
  after(() => reg.close());
  const opts = () => ({ npmRegistry: `${reg.url}/`, pypiIndex: `${reg.url}/pypi`, cacheDir: tmp('sw-cache-'), timeoutMs: 10_000, home: tmp('sw-home-') });

  for (const [name, files, expected] of FORMATS) {
    it(name, async () => {
      const dir = workspace(files);
      const r = await checkDependencies([dir], opts());
      assert.equal(r.incomplete, false, JSON.stringify(r.notices));
      assert.deepEqual(r.problems, []);
      assert.deepEqual(vulnerable(r), expected);
      assert.deepEqual(r.coverage?.unlocked, [], 'a lockfile (or a fully pinned requirements file) was read');
      // lodash ^4.17.21 resolves to its own block / entry: 4.17.21, not the transitive 4.17.15.
      const lodash = r.packages.find((p) => p.name === 'lodash' && p.declared);
      if (lodash) assert.deepEqual([lodash.installed, lodash.status], ['4.17.21', 'ok']);
    });
  }

  it('a requirements file with unpinned lines: said that transitive packages were not checked', async () => {
    const dir = workspace({ 'requirements.txt': 'flask>=2.0\n' });
    const r = await checkDependencies([dir], opts());
    assert.deepEqual(r.coverage?.unlocked.map((f) => path.basename(f)), ['requirements.txt']);
  });
});

describe('lockfiles: what the readers attach', () => {
  it('yarn v1: a range gets its own block (the first block of the name won before)', () => {
    const dir = workspace({ 'package.json': '{"dependencies": {"lodash": "^4.17.21", "qs": "~6.5.0"}}', 'yarn.lock': YARN_V1 });
    const r = readPackageJson(path.join(dir, 'package.json'), fs.realpathSync(dir));
    assert.deepEqual(r.dependencies.map((d) => [d.name, d.installed]), [['lodash', '4.17.21'], ['qs', '6.5.1']]);
  });

  it('package-lock v2: nested node_modules resolve from the requiring package outwards', () => {
    const lock = { lockfileVersion: 2, packages: { '': { dependencies: { a: '1', b: '1' } }, 'node_modules/a': { version: '1.0.0', dependencies: { c: '1' } }, 'node_modules/a/node_modules/c': { version: '1.0.0' }, 'node_modules/b': { version: '1.0.0', dependencies: { c: '2' } }, 'node_modules/c': { version: '2.0.0' } } };
    const dir = workspace({ 'package.json': '{"dependencies": {"a": "1", "b": "1"}}', 'package-lock.json': JSON.stringify(lock) });
    const r = readPackageJson(path.join(dir, 'package.json'), fs.realpathSync(dir));
    assert.deepEqual(r.transitive?.map((t) => `${t.path.join('>')}@${t.version}`), ['a>c@1.0.0', 'b>c@2.0.0']);
  });

  it('a dev-only transitive package is marked dev; one reached by a production dependency too is not', () => {
    const lock = { lockfileVersion: 3, packages: { '': {}, 'node_modules/a': { version: '1.0.0', dependencies: { c: '1' } }, 'node_modules/t': { version: '1.0.0', dev: true, dependencies: { c: '1', d: '1' } }, 'node_modules/c': { version: '1.0.0' }, 'node_modules/d': { version: '1.0.0', dev: true } } };
    const dir = workspace({ 'package.json': '{"devDependencies": {"t": "1"}, "dependencies": {"a": "1"}}', 'package-lock.json': JSON.stringify(lock) });
    const r = readPackageJson(path.join(dir, 'package.json'), fs.realpathSync(dir));
    assert.deepEqual(r.transitive?.map((t) => `${t.path.join('>')}${t.dev ? ' dev' : ''}`), ['a>c', 't>d dev']);
  });

  it('pyproject with uv.lock in a uv workspace root: the member reads the root lockfile', () => {
    const dir = workspace({ 'pyproject.toml': '[tool.uv.workspace]\nmembers = ["packages/*"]\n', 'uv.lock': UV_LOCK, 'packages/web/pyproject.toml': PYPROJECT });
    const r = readPyproject(path.join(dir, 'packages', 'web', 'pyproject.toml'), fs.realpathSync(dir));
    assert.deepEqual(r.dependencies.map((d) => [d.name, d.installed]), [['flask', '2.0.1']]);
    assert.deepEqual(r.transitive?.map((t) => t.path.join('>')).sort(), ['flask>click', 'flask>werkzeug']);
  });

  it('Pipfile.lock: Pipfile names match their PEP 503 form (Flask_Login is flask-login)', () => {
    const dir = workspace({ Pipfile: PIPFILE, 'Pipfile.lock': PIPFILE_LOCK });
    const r = readPipfile(path.join(dir, 'Pipfile'), fs.realpathSync(dir));
    assert.deepEqual(r.dependencies.map((d) => [d.name, d.installed]), [['Flask', '2.0.1'], ['Flask_Login', '0.6.0']]);
  });

  it('requirements: hashes and continuation lines, -e and VCS lines not checked, -c constraints constrain, markers for CPython 3.12 on Linux, local versions', () => {
    const dir = workspace({
      'requirements.txt': `${HASHED}-e git+https://github.com/acme/tool.git#egg=acme-tool\n-e ./libs/shared\n-c constraints.txt\nrequests\npywin32==306 ; sys_platform == "win32"\nbackports.zoneinfo==0.2.1 ; python_version < "3.9"\ntomli==2.0.1 ; python_version >= "3.8" and platform_system == "Linux"\ntorch==2.0.0+cpu\n`,
      'constraints.txt': 'requests==2.31.0\nurllib3==1.26.18\n',
    });
    const r = readRequirements(path.join(dir, 'requirements.txt'), undefined, undefined, fs.realpathSync(dir));
    assert.deepEqual(r.problems, []);
    assert.deepEqual(
      r.dependencies.map((d) => [d.name, d.line + 1, d.installed ?? '', d.unchecked ?? '']),
      [
        ['click', 4, '8.0.1', ''],
        ['flask', 8, '2.0.1', ''],
        ['werkzeug', 11, '2.0.1', ''],
        ['acme-tool', 14, '', 'an editable requirement (-e git+https://github.com/acme/tool.git#egg=acme-tool)'],
        ['shared', 15, '', 'an editable requirement (-e ./libs/shared)'],
        ['requests', 17, '2.31.0', ''],
        ['pywin32', 18, '306', 'its marker (sys_platform == "win32") is false on CPython 3.12 on Linux x86_64'],
        ['backports.zoneinfo', 19, '0.2.1', 'its marker (python_version < "3.9") is false on CPython 3.12 on Linux x86_64'],
        ['tomli', 20, '2.0.1', ''],
        ['torch', 21, '2.0.0+cpu', ''],
      ],
    );
    assert.equal(readSpan(dir, r.dependencies[1].specStart, r.dependencies[1].specEnd), '==2.0.1');
  });

  it('a lockfile that is not one is a problem, never fatal', () => {
    for (const [name, text] of [['package-lock.json', '{"packages": '], ['yarn.lock', '__metadata:\n  version: [\n'], ['pnpm-lock.yaml', 'a: *x\n'], ['poetry.lock', '[[package]\n']] as const) {
      const manifest: Record<string, string> = name === 'poetry.lock' ? { 'pyproject.toml': PYPROJECT } : { 'package.json': PACKAGE_JSON };
      const dir = workspace({ ...manifest, [name]: text });
      const file = path.join(dir, Object.keys(manifest)[0]);
      const r = name === 'poetry.lock' ? readPyproject(file, fs.realpathSync(dir)) : readPackageJson(file, fs.realpathSync(dir));
      assert.match(r.problems.map((p) => p.message).join('\n'), new RegExp(`${name.replace('.', '\\.')} not read \\(.+\\); transitive packages not checked`), name);
      assert.equal(r.dependencies.length >= 1, true);
    }
  });

  it('a lockfile linked to a file outside the scanned folder is not read', () => {
    const outer = tmp('sw-outer-');
    fs.writeFileSync(path.join(outer, 'package-lock.json'), JSON.stringify({ lockfileVersion: 3, packages: { '': {}, 'node_modules/express': { version: '4.16.0' } } }));
    const dir = path.join(outer, 'ws');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'package.json'), PACKAGE_JSON);
    fs.symlinkSync('../package-lock.json', path.join(dir, 'package-lock.json'));
    const r = readPackageJson(path.join(dir, 'package.json'), fs.realpathSync(dir));
    assert.equal(r.dependencies[0].installed, undefined);
    assert.match(r.problems[0]?.message ?? '', /package-lock\.json not read \(.*outside/);
  });

  it('a 20 MB lockfile is read; the tree walk counts work linear in the edges (a 50,000-deep chain too)', () => {
    const big = (n: number, fanout: number, lean = false) => {
      const packages: Record<string, unknown> = { '': {} };
      for (let i = 0; i < n; i++) packages[`node_modules/p${i}`] = { version: '1.0.0', ...(lean ? {} : { resolved: `https://registry.npmjs.org/p${i}/-/p${i}-1.0.0.tgz`, integrity: `sha512-${'A'.repeat(86)}==` }), dependencies: Object.fromEntries(Array.from({ length: fanout }, (_, k) => [`p${(i + k + 1) % n}`, '^1.0.0'])) };
      return JSON.stringify({ lockfileVersion: 3, packages }, null, lean ? 0 : 2);
    };
    const read = (text: string) => {
      const dir = workspace({ 'package.json': '{"dependencies": {"p0": "^1.0.0"}}', 'package-lock.json': text });
      return readPackageJson(path.join(dir, 'package.json'), fs.realpathSync(dir));
    };
    const text = big(40_000, 8);
    assert.ok(text.length > 20e6, `${(text.length / 1e6).toFixed(1)} MB`);
    const r = read(text);
    assert.deepEqual(r.problems, []);
    assert.equal(r.transitive?.length, 39_999);
    // Work, not time: each edge is visited once (a quadratic walk would visit ~n² / 2).
    const { lockedTree } = require('../src/deps/lockfiles/tree') as typeof import('../src/deps/lockfiles/tree');
    const { parseNpmLock } = require('../src/deps/lockfiles/npm-lock') as typeof import('../src/deps/lockfiles/npm-lock');
    for (const [n, fanout] of [[5_000, 1], [50_000, 1], [5_000, 8]]) {
      const g = parseNpmLock(big(n, fanout, true));
      const work = { edges: 0 };
      const tree = lockedTree(g, [{ id: 'node_modules/p0' }], work);
      assert.equal(tree.length, n);
      assert.equal(work.edges, n * fanout);
      assert.ok(tree[n - 1].path.length <= 16, 'paths of a long chain are shortened, not copied whole');
    }
  });
});

function readSpan(dir: string, start: number, end: number): string {
  return fs.readFileSync(path.join(dir, 'requirements.txt'), 'utf8').slice(start, end);
}
