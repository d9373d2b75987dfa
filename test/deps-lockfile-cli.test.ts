import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { startFixtureRegistry, type FixtureData } from './fixture-registry';
import { shopData } from './shop-registry';
import { DATA, FORMATS } from './lockfile-fixtures';
import { readRequirements } from '../src/deps/python-manifests';
import { treeCoverage } from '../src/deps/tree-coverage';

// Issue 16: `sitewarden deps` and `sitewarden scan` on a repository with each lockfile format end
// with the right "N direct, M transitive checked (format: file)" line and exit code (1: findings;
// 3: the registry could not be reached), run as a user runs them, against a 127.0.0.1 registry.

const CLI = path.join(__dirname, '..', '..', 'dist', 'cli.js');
const SHOP = path.join(__dirname, '..', '..', 'test', 'fixtures', 'lockfiles', 'shop');
const tmp = (p: string) => fs.mkdtempSync(path.join(os.tmpdir(), p));

function workspace(files: Record<string, string>): string {
  const dir = tmp('sw-lockcli-');
  for (const [f, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, f), text);
  return dir;
}

/** The CLI run in the repository's folder, as a user runs it there (asynchronous: the registry lives in this process). */
function cli(args: string[], cwd: string): Promise<{ status: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, HOME: tmp('sw-home-'), XDG_CACHE_HOME: tmp('sw-xdg-') } });
    let out = '';
    p.stdout.on('data', (c) => (out += c));
    p.stderr.on('data', (c) => (out += c));
    p.on('close', (status) => resolve({ status, out }));
  });
}

// [direct, transitive, "format: lockfile"], by the FORMATS case name of test/lockfile-fixtures.ts.
// A compiled requirements file pins the whole tree: its `# via flask` lines are transitive.
const EXPECTED: Record<string, [number, number, string]> = {
  'yarn v1': [2, 2, 'yarn v1: yarn.lock'],
  'yarn berry': [2, 2, 'yarn berry: yarn.lock'],
  'pnpm v5.4': [2, 3, 'pnpm: pnpm-lock.yaml'], // react, a peer, is locked too
  'pnpm v6': [2, 2, 'pnpm: pnpm-lock.yaml'],
  'pnpm v9': [2, 3, 'pnpm: pnpm-lock.yaml'],
  'poetry.lock': [1, 2, 'poetry: poetry.lock'],
  'uv.lock': [1, 2, 'uv: uv.lock'],
  'pdm.lock': [1, 2, 'pdm: pdm.lock'],
  'Pipfile.lock': [2, 2, 'Pipfile.lock: Pipfile.lock'],
  'hash-pinned requirements': [1, 2, ''],
};

const expectedFor = (name: string) => {
  const key = Object.keys(EXPECTED).find((k) => name.startsWith(k));
  assert.ok(key, `an expectation for ${name}`);
  return EXPECTED[key];
};

function coverage(out: string, prefix: string): string {
  const lines = out.split('\n').filter((l) => /\d+ direct, \d+ transitive checked/.test(l));
  assert.equal(lines.length, 1, out);
  assert.ok(lines[0].startsWith(prefix), lines[0]);
  return lines[0].slice(prefix.length);
}

describe('deps and scan: the coverage line and exit code for each lockfile format (CLI, 127.0.0.1 registry)', function () {
  this.timeout(300_000);
  let reg: Awaited<ReturnType<typeof startFixtureRegistry>>;
  let shopReg: Awaited<ReturnType<typeof startFixtureRegistry>>;
  before(async () => {
    reg = await startFixtureRegistry(DATA);
    shopReg = await startFixtureRegistry(shopData('http://127.0.0.1') as FixtureData);
  });
  after(async () => {
    await reg.close();
    await shopReg.close();
  });
  const registry = (r: { url: string }) => ['--npm-registry', `${r.url}/`, '--pypi-index', `${r.url}/pypi`];

  for (const [name, files] of FORMATS) {
    it(name, async () => {
      const [direct, transitive, lock] = expectedFor(name);
      const want = `${direct} direct, ${transitive} transitive checked${lock ? ` (${lock})` : ''}`;
      const dir = workspace(files);
      const deps = await cli(['deps', '.', ...registry(reg)], dir);
      assert.equal(coverage(deps.out, ''), want);
      assert.equal(deps.status, 1, `vulnerable packages: exit 1\n${deps.out}`);
      const scan = await cli(['scan', '.', ...registry(reg)], dir);
      assert.equal(coverage(scan.out, 'sitewarden: dependencies: '), want);
      assert.equal(scan.status, 1, `vulnerable packages: exit 1\n${scan.out}`);
    });
  }

  for (const v of ['v1', 'v2', 'v3'] as const) {
    it(`package-lock ${v} (the shop app)`, async () => {
      const dir = workspace({ 'package.json': fs.readFileSync(path.join(SHOP, 'package.json'), 'utf8'), 'package-lock.json': fs.readFileSync(path.join(SHOP, `package-lock.${v}.json`), 'utf8') });
      const want = `4 direct, 5 transitive checked (package-lock ${v}: package-lock.json)`;
      const deps = await cli(['deps', '.', ...registry(shopReg)], dir);
      assert.equal(coverage(deps.out, ''), want);
      assert.equal(deps.status, 1, deps.out);
      const scan = await cli(['scan', '.', ...registry(shopReg)], dir);
      assert.equal(coverage(scan.out, 'sitewarden: dependencies: '), want);
      assert.equal(scan.status, 1, scan.out);
    });
  }

  it('--omit dev: the dev dependency and what only it pulls in are neither checked nor counted (package-lock v3)', async () => {
    const dir = workspace({ 'package.json': fs.readFileSync(path.join(SHOP, 'package.json'), 'utf8'), 'package-lock.json': fs.readFileSync(path.join(SHOP, 'package-lock.v3.json'), 'utf8') });
    for (const cmd of ['deps', 'scan']) {
      const r = await cli([cmd, '.', '--omit', 'dev', ...registry(shopReg)], dir);
      assert.equal(coverage(r.out, cmd === 'deps' ? '' : 'sitewarden: dependencies: '), '3 direct, 4 transitive checked (package-lock v3: package-lock.json)');
      assert.doesNotMatch(r.out, /minimist/, 'mkdirp (dev) pulls minimist in: not reported');
      assert.match(r.out, /via express › qs 6\.5\.1/);
      assert.equal(r.status, 1, r.out);
    }
  });

  it('the registry unreachable: the same line, the check INCOMPLETE, exit 3', async () => {
    const dir = workspace(FORMATS.find(([n]) => n.startsWith('poetry.lock'))![1]);
    const dead = ['--npm-registry', 'http://127.0.0.1:9/', '--pypi-index', 'http://127.0.0.1:9/pypi'];
    const deps = await cli(['deps', '.', ...dead], dir);
    assert.equal(coverage(deps.out, ''), '1 direct, 2 transitive checked (poetry: poetry.lock)');
    assert.equal(deps.status, 3, deps.out);
    const scan = await cli(['scan', '.', ...dead], dir);
    assert.equal(scan.status, 3, scan.out);
  });

  it('pip-compile annotations: `# via` on one line or several; one `-r` among them makes the pin direct', () => {
    const dir = workspace({
      'requirements.txt': ['flask==2.0.1', '    # via', '    #   -r requirements.in', '    #   flask-login', 'click==8.0.1', '    # via', '    #   flask', '    #   black', 'werkzeug==2.0.1  # a note', '    # via flask', '', '# via nothing', 'gunicorn==21.2.0', ''].join('\n'),
    });
    const r = readRequirements(path.join(dir, 'requirements.txt'));
    assert.deepEqual(r.dependencies.map((d) => [d.name, d.pulledBy ?? null]), [['flask', null], ['click', ['flask', 'black']], ['werkzeug', ['flask']], ['gunicorn', null]]);
    const c = treeCoverage([r]);
    assert.deepEqual([c.direct, c.transitive], [2, 2]);
  });
});
