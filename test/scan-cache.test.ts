/**
 * The CLI's persistent scan cache (src/core/scan-cache.ts): a second run on an unchanged tree
 * analyses nothing, anything that changes a file's findings misses, and a broken or hostile cache
 * folder is never trusted.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { scanPaths, type ScanOptions } from '../src/core/scanner';
import { DiskScanCache, fileCacheKey, scanSignature, MAX_SCAN_CACHE_ENTRY_BYTES } from '../src/core/scan-cache';
import { allRules } from '../src/rules';

const ROOT = path.join(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');

const VULNERABLE = `import subprocess
from flask import Flask, request

app = Flask(__name__)


@app.route('/run')
def run():
    return subprocess.check_output(request.args['cmd'], shell=True)
`;

function tree(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-scancache-'));
  fs.writeFileSync(path.join(dir, 'app.py'), VULNERABLE);
  fs.writeFileSync(path.join(dir, 'other.py'), VULNERABLE.replace("'cmd'", "'other'"));
  fs.writeFileSync(path.join(dir, 'server.js'), "const { exec } = require('child_process');\nrequire('express')().get('/', (req, res) => exec(req.query.c));\n");
  return dir;
}

function cacheDir(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sw-scancache-dir-')), 'scan');
}

async function scan(dir: string, cache: DiskScanCache, extra: Partial<ScanOptions> = {}) {
  return scanPaths([dir], { rules: allRules, cache, engineVersion: 'test-1', ...extra });
}

const entries = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => n.endsWith('.json')) : []);
const summary = (r: { findings: { ruleId: string; file: string; severity: string; range: unknown }[] }) =>
  r.findings.map((f) => `${f.ruleId} ${path.basename(f.file)} ${f.severity} ${JSON.stringify(f.range)}`).sort();

describe('persistent scan cache', () => {
  it('a second run on an unchanged tree takes every file from the cache, with the same findings', async () => {
    const dir = tree();
    const cd = cacheDir();
    const cold = await scan(dir, new DiskScanCache(cd, { ruleIds: allRules.map((r) => r.meta.id) }));
    assert.equal(cold.filesFromCache, 0);
    assert.ok(cold.findings.length >= 3, JSON.stringify(summary(cold)));
    assert.equal(entries(cd).length, 3);
    const warmCache = new DiskScanCache(cd, { ruleIds: allRules.map((r) => r.meta.id) });
    const warm = await scan(dir, warmCache);
    assert.equal(warm.filesFromCache, 3);
    assert.deepEqual(warmCache.stats, { hits: 3, misses: 0, rejected: 0, written: 0 });
    assert.deepEqual(summary(warm), summary(cold));
    assert.equal(warm.linesScanned, cold.linesScanned);
  });

  it('a changed file, rule set, setting or engine version misses', async () => {
    const dir = tree();
    const cd = cacheDir();
    const ids = allRules.map((r) => r.meta.id);
    await scan(dir, new DiskScanCache(cd, { ruleIds: ids }));
    fs.appendFileSync(path.join(dir, 'app.py'), '\n# changed\n');
    const changed = await scan(dir, new DiskScanCache(cd, { ruleIds: ids }));
    assert.equal(changed.filesFromCache, 2, 'only the edited file is analysed again');
    const fewer = allRules.filter((r) => r.meta.id !== allRules[0].meta.id);
    assert.equal((await scan(dir, new DiskScanCache(cd, { ruleIds: ids }), { rules: fewer })).filesFromCache, 0, 'another rule set');
    assert.equal((await scan(dir, new DiskScanCache(cd, { ruleIds: ids }), { testPaths: 'normal' })).filesFromCache, 0, 'another --test-paths');
    assert.equal((await scan(dir, new DiskScanCache(cd, { ruleIds: ids }), { engineVersion: 'test-2' })).filesFromCache, 0, 'another build');
  });

  it('a file renamed into or out of a test path misses: its severity depends on the path', async () => {
    const dir = tree();
    const cd = cacheDir();
    const ids = allRules.map((r) => r.meta.id);
    const first = await scan(dir, new DiskScanCache(cd, { ruleIds: ids }));
    assert.ok(!first.findings.some((f) => f.inTestCode));
    fs.mkdirSync(path.join(dir, 'tests'));
    fs.renameSync(path.join(dir, 'app.py'), path.join(dir, 'tests', 'app.py'));
    const moved = await scan(dir, new DiskScanCache(cd, { ruleIds: ids }));
    assert.equal(moved.filesFromCache, 2);
    assert.ok(moved.findings.some((f) => f.inTestCode && f.file.endsWith(path.join('tests', 'app.py'))));
    fs.renameSync(path.join(dir, 'tests', 'app.py'), path.join(dir, 'app.py'));
    const back = await scan(dir, new DiskScanCache(cd, { ruleIds: ids }));
    assert.equal(back.filesFromCache, 3, 'the first run cached the file at its old path');
    assert.ok(!back.findings.some((f) => f.inTestCode));
  });

  it('the key is the same for identical inputs and carries the UTC day only for files with an expiring suppression', () => {
    const signature = scanSignature({ engineVersion: 'x', ruleIds: ['a'], testPaths: 'demote' });
    const plain = Buffer.from('x = 1\n');
    const expiring = Buffer.from('os.system(x)  # sitewarden-ignore[py-command-injection]: reviewed until=2027-01-31\n');
    const key = (content: Buffer, now: string, extra: object = {}) => fileCacheKey({ signature, path: '/p/a.py', relPath: 'a.py', content, now: new Date(now), ...extra });
    assert.equal(key(plain, '2027-01-31T23:00:00Z'), key(plain, '2027-02-01T01:00:00Z'));
    assert.equal(key(expiring, '2027-01-31T01:00:00Z'), key(expiring, '2027-01-31T23:00:00Z'));
    assert.notEqual(key(expiring, '2027-01-31T23:00:00Z'), key(expiring, '2027-02-01T01:00:00Z'));
    assert.notEqual(key(plain, '2027-01-31T00:00:00Z'), key(plain, '2027-01-31T00:00:00Z', { importedSummaries: 'digest' }), 'the cross-file hook is in the key');
    assert.notEqual(key(plain, '2027-01-31T00:00:00Z'), key(plain, '2027-01-31T00:00:00Z', { relPath: 'tests/a.py' }));
  });

  it('a corrupt, truncated, oversized, mismatched or injecting entry is ignored and rewritten', async () => {
    const dir = tree();
    const cd = cacheDir();
    const ids = allRules.map((r) => r.meta.id);
    const cold = await scan(dir, new DiskScanCache(cd, { ruleIds: ids }));
    const files = entries(cd).map((n) => path.join(cd, n));
    assert.equal(files.length, 3);
    const good = JSON.parse(fs.readFileSync(files[0], 'utf8'));
    fs.writeFileSync(files[0], 'not json at all {');
    const text1 = fs.readFileSync(files[1], 'utf8');
    fs.writeFileSync(files[1], text1.slice(0, Math.floor(text1.length / 2)));
    // Padded past the entry cap: not even read.
    fs.writeFileSync(files[2], JSON.stringify({ ...JSON.parse(fs.readFileSync(files[2], 'utf8')), pad: 'x'.repeat(MAX_SCAN_CACHE_ENTRY_BYTES) }));
    const c = new DiskScanCache(cd, { ruleIds: ids });
    const r = await scan(dir, c);
    assert.equal(r.filesFromCache, 0);
    assert.equal(c.stats.written, 3);
    assert.deepEqual(summary(r), summary(cold));
    // Well-formed JSON that lies: a finding of another file, an unknown rule, a broken range.
    const lies = [
      { ...good, findings: [...good.findings, { ...good.findings[0], file: '/etc/passwd' }] },
      { ...good, findings: [{ ...good.findings[0], ruleId: 'made-up-rule' }] },
      { ...good, findings: [{ ...good.findings[0], range: { start: { line: -1, column: 0 }, end: null } }] },
      { ...good, findings: [{ ...good.findings[0], severity: 'none' }] },
      { ...good, findings: 'x' },
      { ...good, format: 999 },
      { ...good, key: 'another' },
      null,
    ];
    for (const lie of lies) {
      fs.writeFileSync(files[0], JSON.stringify(lie));
      const l = new DiskScanCache(cd, { ruleIds: ids });
      const again = await scan(dir, l);
      assert.equal(again.filesFromCache, 2, JSON.stringify(lie)?.slice(0, 200));
      assert.ok(!again.findings.some((f) => f.file === '/etc/passwd' || f.ruleId === 'made-up-rule'));
      assert.deepEqual(summary(again), summary(cold));
    }
  });

  it('a symlinked entry is neither read nor written through', async function () {
    if (process.platform === 'win32') this.skip();
    const dir = tree();
    const cd = cacheDir();
    const ids = allRules.map((r) => r.meta.id);
    await scan(dir, new DiskScanCache(cd, { ruleIds: ids }));
    const victim = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sw-victim-')), 'victim.json');
    const files = entries(cd).map((n) => path.join(cd, n));
    // The victim holds a valid entry: a followed link would serve it as a hit.
    fs.copyFileSync(files[0], victim);
    const before = fs.readFileSync(victim, 'utf8');
    for (const f of files) {
      fs.rmSync(f);
      fs.symlinkSync(victim, f);
    }
    const c = new DiskScanCache(cd, { ruleIds: ids });
    const r = await scan(dir, c);
    assert.equal(r.filesFromCache, 0, 'a link is not read');
    assert.equal(fs.readFileSync(victim, 'utf8'), before, 'the link target is not written');
    for (const f of files) assert.ok(fs.lstatSync(f).isFile(), 'the link was replaced by a file');
    assert.equal((await scan(dir, new DiskScanCache(cd, { ruleIds: ids }))).filesFromCache, 3);
  });

  it('the folder stays under its size cap, oldest entries out first', async () => {
    const dir = tree();
    const cd = cacheDir();
    const c = new DiskScanCache(cd, { ruleIds: allRules.map((r) => r.meta.id), maxBytes: 1 });
    await scan(dir, c);
    assert.equal(c.stats.written, 3);
    assert.equal(entries(cd).length, 1, 'each write past the cap removes the older ones');
  });

  it('CLI: --cache-dir makes the second run read the cache; --no-cache writes nothing', () => {
    const dir = tree();
    const xdg = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-xdg-'));
    const env = { ...process.env, XDG_CACHE_HOME: xdg };
    const run = (...args: string[]) => spawnSync(process.execPath, [CLI, 'scan', '--no-deps', '--format', 'json', ...args, dir], { encoding: 'utf8', env });
    const none = run('--no-cache');
    assert.equal(none.status, 1, none.stderr);
    assert.deepEqual(fs.readdirSync(xdg), [], '--no-cache writes nothing');
    const dflt = run();
    assert.equal(dflt.status, 1, dflt.stderr);
    assert.equal(entries(path.join(xdg, 'sitewarden', 'scan')).length, 3, 'default: the scan folder of XDG_CACHE_HOME');
    const cd = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sw-cd-')), 'c');
    const a = run('--cache-dir', cd);
    assert.equal(entries(cd).length, 3);
    const stamp = new Map(entries(cd).map((n) => [n, fs.statSync(path.join(cd, n)).mtimeMs]));
    const b = run('--cache-dir', cd);
    assert.equal(b.status, 1, b.stderr);
    assert.deepEqual(JSON.parse(b.stdout), JSON.parse(a.stdout), 'same report from the cache');
    assert.deepEqual(new Map(entries(cd).map((n) => [n, fs.statSync(path.join(cd, n)).mtimeMs])), stamp, 'a hit rewrites nothing');
    assert.equal(run('--cache-dir', cd, '--no-cache').status, 2, 'the two options exclude each other');
  });
});
