import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkDependencies, type CheckOptions } from '../src/deps/check';
import { pypiProject, runCli, startFixtureRegistry, tmpDir, workspaceOf, type FixtureRegistry } from './registry-fixture';

// Issue 16, "cache": one cache folder (XDG_CACHE_HOME), a TTL, answers older than the TTL used
// because the registry could not be reached are marked stale and make the check incomplete
// (exit 3), a younger fallback is as good as an answer, and the warm path keeps a compact digest
// per package and revalidates with an ETag instead of downloading the packument again.

const README = 'x'.repeat(200_000);
const DATA = {
  packuments: {
    // A real packument carries much more than the check needs (readme, every version's manifest).
    lodash: { name: 'lodash', readme: README, 'dist-tags': { latest: '4.17.21', next: '5.0.0-0' }, versions: { '4.17.20': { name: 'lodash', dist: { tarball: 'x' }, deprecated: 'use 4.17.21' }, '4.17.21': { name: 'lodash', dist: { tarball: 'y' } } }, time: { '4.17.21': '2021-02-20T15:42:16.891Z' } },
  },
  pypi: pypiProject('requests', '2.32.3', { '2.32.3': [] }),
};

describe('deps: the registry cache (issue 16)', function () {
  this.timeout(300_000);
  let reg: FixtureRegistry;
  beforeEach(async () => {
    reg = await startFixtureRegistry(DATA);
  });
  afterEach(() => reg.close());

  const opts = (cacheDir: string, o: Partial<CheckOptions> = {}): CheckOptions => ({ npmRegistry: `${reg.url}/`, pypiIndex: `${reg.url}/pypi`, cacheDir, home: tmpDir('sw-home-'), env: {}, timeoutMs: 1000, ...o });
  const files = { 'package.json': '{"dependencies": {"lodash": "4.17.21"}}', 'requirements.txt': 'requests==2.32.3\n' };

  it('the CLI keeps its cache under $XDG_CACHE_HOME/sitewarden', async () => {
    const xdg = tmpDir('sw-xdg-');
    const r = await runCli(['deps', workspaceOf(files), '--npm-registry', `${reg.url}/`, '--pypi-index', `${reg.url}/pypi`], { XDG_CACHE_HOME: xdg });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.ok(fs.readdirSync(path.join(xdg, 'sitewarden', 'npm')).length > 0 && fs.readdirSync(path.join(xdg, 'sitewarden', 'pypi')).length > 0);
  });

  it('answers older than the TTL, used because the registry is down, are marked stale and give exit 3', async () => {
    const xdg = tmpDir('sw-xdg-');
    const args = ['deps', workspaceOf(files), '--npm-registry', `${reg.url}/`, '--pypi-index', `${reg.url}/pypi`];
    assert.equal((await runCli(args, { XDG_CACHE_HOME: xdg })).status, 0);
    reg.ctl.down = true;
    const within = await runCli(args, { XDG_CACHE_HOME: xdg });
    // Within the TTL nothing is asked: the registry being down does not matter yet.
    assert.equal(within.status, 0, within.stdout + within.stderr);
    const old = await runCli([...args, '--cache-ttl', '0'], { XDG_CACHE_HOME: xdg });
    assert.equal(old.status, 3, old.stdout + old.stderr);
    assert.match(old.stdout, /INCOMPLETE: .*used cached data older than the cache TTL because the registry could not be reached/);
  });

  it('in the report: stale rows and findings, incomplete; a fallback younger than the TTL is not stale', async () => {
    const cache = tmpDir('sw-cache-');
    const dir = workspaceOf({ 'package.json': '{"dependencies": {"lodash": "4.17.20"}}' });
    const fresh = await checkDependencies([dir], opts(cache));
    assert.equal(fresh.incomplete, false, JSON.stringify(fresh.notices));
    reg.ctl.down = true;
    const young = await checkDependencies([dir], opts(cache));
    assert.equal(young.incomplete, false, JSON.stringify(young.notices));
    assert.equal(young.packages[0].stale, undefined, 'data younger than the TTL is not stale');
    const stale = await checkDependencies([dir], opts(cache, { ttlMs: 0 }));
    assert.equal(stale.incomplete, true);
    assert.equal(stale.packages[0].stale, true);
    assert.ok(stale.findings.length > 0 && stale.findings.every((f) => f.stale && /out-of-date cached registry data/.test(f.message)));
  });

  it('the cache keeps a compact digest per package (versions, dist-tags, deprecations), and the warm path revalidates with the ETag', async () => {
    const cache = tmpDir('sw-cache-');
    reg.ctl.etag = '"lodash-1"';
    const dir = workspaceOf({ 'package.json': '{"dependencies": {"lodash": "4.17.21"}}' });
    await checkDependencies([dir], opts(cache));
    const entries = fs.readdirSync(path.join(cache, 'npm')).map((f) => fs.readFileSync(path.join(cache, 'npm', f), 'utf8'));
    assert.equal(entries.length, 1);
    assert.ok(entries[0].length < 2000, `digest of ${entries[0].length} bytes for a packument of ${JSON.stringify(DATA.packuments.lodash).length}`);
    const digest = JSON.parse(entries[0]).body;
    assert.deepEqual(digest['dist-tags'].latest, '4.17.21');
    assert.deepEqual(digest.versions['4.17.20'], { deprecated: 'use 4.17.21' });
    // Warm, within the TTL: no request at all (the packument digest and the advisory answer for
    // the same versions are both cached), so a warm re-check costs no round trip.
    const before = reg.seen.length;
    const warm = await checkDependencies([dir], opts(cache));
    assert.deepEqual(reg.seen.slice(before).map((s) => `${s.method} ${s.url}`), [], 'no request within the TTL');
    assert.deepEqual([warm.packages[0].status, warm.incomplete], ['ok', false]);
    // Past the TTL: one conditional GET, answered 304 (no body), and the same result.
    const r = await checkDependencies([dir], opts(cache, { ttlMs: 0 }));
    const last = reg.seen.filter((s) => s.method === 'GET').at(-1)!;
    assert.equal(last.ifNoneMatch, '"lodash-1"');
    assert.deepEqual([r.packages[0].status, r.incomplete], ['ok', false]);
  });
});
