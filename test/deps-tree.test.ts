import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { checkDependencies, type DependencyReport } from '../src/deps/check';
import { depsTable, relativeReport } from '../src/cli/deps-command';
import { startFixtureRegistry } from './fixture-registry';
import { shopData } from './shop-registry';

/**
 * The whole dependency tree from the lockfile (issue 16): transitive advisories reported on the
 * direct dependency's line with the path, the counts, robust specs, and the side-by-side with
 * `npm audit --package-lock-only` against the same 127.0.0.1 registry.
 */

const CLI = path.join(__dirname, '..', '..', 'dist', 'cli.js');
const SHOP = path.join(__dirname, '..', '..', 'test', 'fixtures', 'lockfiles', 'shop');
const tmp = (p: string) => fs.mkdtempSync(path.join(os.tmpdir(), p));

function workspace(files: Record<string, string>): string {
  const dir = tmp('sw-tree-');
  for (const [f, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), text);
  }
  return dir;
}

/** The shop app with one of its lockfiles as package-lock.json. */
function shop(version: 'v1' | 'v2' | 'v3'): string {
  return workspace({ 'package.json': fs.readFileSync(path.join(SHOP, 'package.json'), 'utf8'), 'package-lock.json': fs.readFileSync(path.join(SHOP, `package-lock.${version}.json`), 'utf8') });
}

/** The monorepo fixture: two workspace members (one with an `npm:` alias), one root package-lock v3. */
function mono(): string {
  const dir = tmp('sw-mono-');
  fs.cpSync(path.join(SHOP, '..', 'mono'), dir, { recursive: true });
  return dir;
}

const vulnerableNames = (r: DependencyReport) => [...new Set(r.packages.filter((p) => p.status === 'vulnerable').map((p) => p.name))].sort();

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { cwd, env });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d));
    p.stderr.on('data', (d: Buffer) => (stderr += d));
    p.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('dependency tree: every locked package checked (127.0.0.1 registry)', function () {
  this.timeout(300_000);
  let reg: Awaited<ReturnType<typeof startFixtureRegistry>>;
  before(async () => {
    reg = await startFixtureRegistry(shopData('http://127.0.0.1'));
  });
  after(() => reg.close());
  const opts = () => ({ npmRegistry: `${reg.url}/`, cacheDir: tmp('sw-cache-'), timeoutMs: 10_000, home: tmp('sw-home-') });

  for (const v of ['v1', 'v2', 'v3'] as const) {
    it(`package-lock ${v}: transitive advisories on the line of the direct dependency that pulls them in, with the path`, async () => {
      const dir = shop(v);
      const before = reg.requests.length;
      const r = await checkDependencies([dir], opts());
      assert.equal(r.incomplete, false, JSON.stringify(r.notices));
      assert.deepEqual(vulnerableNames(r), ['lodash', 'minimist', 'ms', 'qs']);
      const vuln = r.findings.filter((f) => f.ruleId === 'dep-vulnerable').map((f) => `${f.range.start.line + 1} ${f.message.split(':')[0]}`).sort();
      // package.json: express on line 6, lodash on 7, mkdirp (dev) on 11.
      assert.deepEqual(vuln, ['11 via mkdirp › minimist 0.0.8', '6 via express › debug › ms 2.0.0', '6 via express › qs 6.5.1', '7 lodash@4.17.15 has 1 known vulnerability']);
      const qs = r.findings.find((f) => f.message.includes('via express › qs'))!;
      assert.match(qs.message, /GHSA-hrpp-h998-j3pp/);
      assert.match(qs.message, /Fixed in 6\.5\.3/);
      assert.equal(qs.fix, undefined, 'the manifest does not name qs: no edit of the express line');
      // The nested copy (debug's own ms 2.0.0) is checked, the top-level ms 2.1.3 is clean.
      assert.ok(r.packages.some((p) => p.name === 'ms' && p.installed === '2.1.3' && p.status === 'ok'));
      assert.deepEqual(r.coverage && [r.coverage.direct, r.coverage.transitive, r.coverage.lockfiles.map((l) => l.format)], [4, 5, [`package-lock ${v}`]]);
      const bulk = reg.requests.slice(before).find((q) => q.method === 'POST')!;
      assert.deepEqual(bulk.body, { express: ['4.16.0'], lodash: ['4.17.15'], ms: ['2.1.3', '2.0.0'], mkdirp: ['0.5.1'], 'body-parser': ['1.18.2'], debug: ['2.6.9'], qs: ['6.5.1'], minimist: ['0.0.8'] });
      assert.match(depsTable(r, dir), /^4 direct, 5 transitive checked \(package-lock v\d: package-lock\.json\)$/m);
    });
  }

  it('side by side with npm audit --package-lock-only: the same vulnerable packages for v1, v2 and v3 lockfiles and an npm workspace', async function () {
    const npm = spawnSync('npm', ['--version'], { encoding: 'utf8' });
    if (npm.status !== 0) {
      console.log('      (skipped: npm is not installed, so there is nothing to compare with)');
      return this.skip();
    }
    for (const v of ['v1', 'v2', 'v3', 'mono'] as const) {
      const dir = v === 'mono' ? mono() : shop(v);
      const home = tmp('sw-npm-home-');
      // npm's own cache and config in a fresh HOME: nothing from this machine takes part.
      const env = { ...process.env, HOME: home, npm_config_cache: path.join(home, 'cache'), npm_config_update_notifier: 'false', npm_config_userconfig: path.join(home, '.npmrc') };
      const audit = await run('npm', ['audit', '--package-lock-only', '--json', '--registry', `${reg.url}/`], dir, env);
      const report = JSON.parse(audit.stdout) as { vulnerabilities: Record<string, { via: (string | { source: number })[] }> };
      // npm also lists the packages that depend on a vulnerable one (via: names); the packages with
      // advisories of their own (via: advisory objects) are the ones to compare.
      const npmSet = Object.entries(report.vulnerabilities).filter(([, x]) => x.via.some((y) => typeof y === 'object')).map(([k]) => k).sort();
      const ours = vulnerableNames(await checkDependencies([dir], opts()));
      assert.deepEqual(ours, npmSet, `${v}: npm audit ${npmSet.join(', ')}; sitewarden ${ours.join(', ')}`);
      assert.deepEqual(ours, ['lodash', 'minimist', 'ms', 'qs']);
    }
  });

  it('without a lockfile: said that transitive packages were not checked', async () => {
    const dir = workspace({ 'package.json': fs.readFileSync(path.join(SHOP, 'package.json'), 'utf8') });
    const r = await checkDependencies([dir], opts());
    assert.deepEqual(r.coverage?.unlocked.map((f) => path.basename(f)), ['package.json']);
    assert.match(depsTable(r, dir), /^package\.json: no lockfile, transitive packages were not checked$/m);
    assert.match(depsTable(r, dir), /^4 direct, 0 transitive checked$/m);
    assert.deepEqual(relativeReport(r, dir).coverage?.unlocked, ['package.json'], 'JSON output: paths relative like the rest');
  });

  it('a workspace member uses the root lockfile (npm workspaces, v3)', async () => {
    const lock = {
      name: 'mono',
      lockfileVersion: 3,
      packages: {
        '': { name: 'mono', workspaces: ['packages/*'] },
        'node_modules/api': { resolved: 'packages/api', link: true },
        'packages/api': { name: 'api', version: '1.0.0', dependencies: { express: '^4.16.0' } },
        'node_modules/express': { version: '4.16.0', dependencies: { qs: '~6.5.1' } },
        'node_modules/qs': { version: '6.5.1' },
      },
    };
    const dir = workspace({
      'package.json': '{ "name": "mono", "private": true, "workspaces": ["packages/*"] }\n',
      'package-lock.json': JSON.stringify(lock, null, 2),
      'packages/api/package.json': '{\n  "name": "api",\n  "dependencies": {\n    "express": "^4.16.0"\n  }\n}\n',
    });
    const r = await checkDependencies([dir], opts());
    const express = r.packages.find((p) => p.name === 'express')!;
    assert.equal(express.installed, '4.16.0', 'the member\'s version comes from the root lockfile');
    const qs = r.findings.find((f) => f.message.startsWith('via express › qs 6.5.1'))!;
    assert.ok(qs, JSON.stringify(r.findings.map((f) => f.message)));
    assert.equal(path.relative(dir, qs.file), path.join('packages', 'api', 'package.json'));
    assert.equal(qs.range.start.line, 3);
  });
});

describe('robust specs: never fatal, each not-checked package says why (127.0.0.1 registry)', function () {
  this.timeout(300_000);
  let reg: Awaited<ReturnType<typeof startFixtureRegistry>>;
  before(async () => {
    reg = await startFixtureRegistry(shopData('http://127.0.0.1'));
  });
  after(() => reg.close());
  const opts = () => ({ npmRegistry: `${reg.url}/`, cacheDir: tmp('sw-cache-'), timeoutMs: 10_000, home: tmp('sw-home-') });
  const SPECS: Record<string, string> = {
    lodash: 'latest',
    qs: 'next',
    ms: '*',
    debug: '2.x',
    'old-lodash': 'npm:lodash@4.17.15',
    api: 'workspace:*',
    express: 'catalog:',
    'local-a': 'file:../a',
    'local-b': 'link:../b',
    'gh-dep': 'github:user/repo',
    'git-dep': 'git+https://example.invalid/x.git#v1',
    shorthand: 'user/repo#main',
    tarball: 'https://example.invalid/t-1.0.0.tgz',
    'local-tgz': './vendor/t-1.0.0.tgz',
  };

  it('dist-tags, latest, *, x ranges, npm: aliases, workspace:, catalog:, file:/link:/git/URL/tarball specs', async () => {
    const dir = workspace({ 'package.json': JSON.stringify({ name: 'x', dependencies: SPECS }, null, 2) });
    const r = await checkDependencies([dir], opts());
    const row = (name: string) => r.packages.find((p) => p.name === name || (name === 'old-lodash' && p.declared === '4.17.15'));
    assert.equal(row('lodash')?.installed, '4.17.21', '"latest" is the dist-tag latest');
    assert.equal(row('ms')?.installed, '2.1.3');
    assert.equal(row('debug')?.installed, '2.6.9');
    // The alias installs lodash 4.17.15: lodash is checked, and the fix edits only the range.
    const alias = r.findings.find((f) => f.ruleId === 'dep-vulnerable' && f.message.startsWith('lodash@4.17.15'))!;
    assert.ok(alias, JSON.stringify(r.findings.map((f) => f.message)));
    const text = fs.readFileSync(path.join(dir, 'package.json'), 'utf8');
    assert.equal(text.slice(alias.fix!.edits[0].start, alias.fix!.edits[0].end), '4.17.15');
    const notChecked = Object.fromEntries(r.packages.filter((p) => p.status === 'unchecked').map((p) => [p.name, p.note]));
    assert.deepEqual(Object.keys(notChecked).sort(), ['api', 'express', 'gh-dep', 'git-dep', 'local-a', 'local-b', 'local-tgz', 'qs', 'shorthand', 'tarball']);
    assert.match(notChecked.qs!, /^not checked: the dist-tag "next" and no lockfile pins it$/);
    assert.match(notChecked.api!, /^not checked: a workspace package/);
    assert.match(notChecked.express!, /^not checked: a pnpm catalog: version/);
    assert.match(notChecked['local-a']!, /^not checked: a local path \(file:\.\.\/a\)$/);
    assert.match(notChecked['git-dep']!, /^not checked: a git dependency/);
    assert.match(notChecked.tarball!, /^not checked: a URL or tarball/);
    assert.equal(r.incomplete, false);
  });

  it('CLI scan with "latest" in package.json keeps the code findings and does not exit 2 (was: fatal: Invalid comparator)', async () => {
    const dir = workspace({
      'package.json': '{\n  "name": "x",\n  "dependencies": {\n    "lodash": "latest",\n    "qs": "beta"\n  }\n}\n',
      'app.js': "const express = require('express');\nconst app = express();\napp.get('/', (req, res) => { eval(req.query.code); res.send('ok'); });\n",
    });
    const env = { ...process.env, HOME: tmp('sw-home-'), XDG_CACHE_HOME: tmp('sw-xdg-') };
    const r = await run(process.execPath, [CLI, 'scan', dir, '--format', 'json', '--npm-registry', `${reg.url}/`], dir, env);
    assert.notEqual(r.status, 2, r.stderr);
    assert.doesNotMatch(r.stderr, /fatal/);
    const findings = JSON.parse(r.stdout) as { ruleId: string }[];
    assert.ok(findings.some((f) => !f.ruleId.startsWith('dep-')), `code findings kept: ${findings.map((f) => f.ruleId).join(', ')}`);
  });
});
