import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { spawnSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { lensTitle } from '../src/deps/lens';
import { bumpSpec, checkDependencies } from '../src/deps/check';
import { readPipfile, readRequirements, readPyproject } from '../src/deps/python-manifests';
import { readPackageJson } from '../src/deps/npm-manifests';
import { applyEdits } from '../src/core/engine';
import { cpuTime } from './cpu-time';

const CLI = path.join(__dirname, '..', '..', 'dist', 'cli.js');

interface Seen {
  method: string;
  url: string;
  auth?: string;
  gzip: boolean;
  body?: unknown;
  /** Date.now() when the request ended. */
  at: number;
}

/** Faults the registry can be switched into: every matching request misbehaves this way. */
type Fault = '500' | '404' | '429' | 'timeout' | 'reset' | 'truncated' | 'invalid-json' | 'null-json' | 'html' | 'drip' | 'ratelimit-window';
/** Which routes a fault applies to: PyPI JSON API, npm packuments, the npm bulk advisory POST, or every route. */
type FaultTarget = 'pypi' | 'packument' | 'bulk' | 'all';

/** A registry on 127.0.0.1 serving npm packuments, the bulk advisory endpoint and the PyPI JSON API, with fault routes and a fault switch. */
function startRegistry(): Promise<{ url: string; host: string; seen: Seen[]; ctl: { fault?: { kind: Fault; on: FaultTarget }; windowUntil?: number }; close: () => Promise<void> }> {
  const seen: Seen[] = [];
  const ctl: { fault?: { kind: Fault; on: FaultTarget }; windowUntil?: number } = {};
  let ratelimited = 0;
  const packuments: Record<string, unknown> = {
    lodash: { name: 'lodash', 'dist-tags': { latest: '4.17.21' }, versions: { '4.17.15': {}, '4.17.20': {}, '4.17.21': {} } },
    express: { name: 'express', 'dist-tags': { latest: '4.21.2' }, versions: { '4.17.1': {}, '4.21.2': {} } },
    request: { name: 'request', 'dist-tags': { latest: '2.88.2' }, versions: { '2.88.2': { deprecated: 'request has been deprecated, see https://github.com/request/request/issues/3142' } } },
    '@acme/ui': { name: '@acme/ui', 'dist-tags': { latest: '1.0.0' }, versions: { '1.0.0': {} } },
  };
  const pypi: Record<string, unknown> = {
    '/pypi/flask/json': { info: { version: '3.1.0' }, releases: { '2.0.1': [{}], '2.2.5': [{}], '3.1.0': [{}] } },
    '/pypi/flask/2.0.1/json': { info: { version: '2.0.1' }, vulnerabilities: [{ id: 'PYSEC-2023-62', aliases: ['CVE-2023-30861', 'GHSA-m2qf-hxjv-5gpq'], fixed_in: ['2.2.5', '2.3.2'], link: 'https://osv.dev/vulnerability/PYSEC-2023-62' }] },
    '/pypi/requests/json': { info: { version: '2.32.3' }, releases: { '2.32.3': [{}] } },
    '/pypi/requests/2.32.3/json': { info: { version: '2.32.3' }, vulnerabilities: [] },
    '/pypi/oldpkg/json': { info: { version: '1.4.1' }, releases: { '1.4.0': [{ yanked: true }], '1.4.1': [{}] } },
    '/pypi/oldpkg/1.4.0/json': { info: { version: '1.4.0', yanked: true, yanked_reason: 'broken wheel' }, vulnerabilities: [] },
  };
  const ADVISORIES = { lodash: [{ id: 1523, url: 'https://github.com/advisories/GHSA-p6mc-m468-83gw', title: 'Prototype Pollution in lodash', severity: 'high', vulnerable_versions: '<4.17.19' }] };
  /** What a healthy registry answers. */
  const healthy = (method: string, url: string): [number, unknown] => {
    if (method === 'POST' && url === '/-/npm/v1/security/advisories/bulk') return [200, ADVISORIES];
    if (pypi[url]) return [200, pypi[url]];
    const name = url.slice(1);
    if (packuments[name]) return [200, packuments[name]];
    return [404, { error: 'not found' }];
  };
  /** Misbehaves as `kind`; `ok` sends the healthy answer (for faults that end up answering). */
  const misbehave = (kind: Fault, req: http.IncomingMessage, res: http.ServerResponse, body: unknown, ok: () => void): void => {
    const text = JSON.stringify(body);
    switch (kind) {
      case '500':
        res.writeHead(500, { 'content-type': 'application/json' });
        return void res.end('{"error":"internal"}');
      case '404':
        res.writeHead(404, { 'content-type': 'application/json' });
        return void res.end('{"error":"not found"}');
      case '429':
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' });
        return void res.end('{"error":"slow down"}');
      case 'ratelimit-window': {
        // 429 until one second after the first request: a client that ignores Retry-After never gets through.
        ctl.windowUntil ??= Date.now() + 1000;
        if (Date.now() >= ctl.windowUntil) return ok();
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' });
        return void res.end('{"error":"slow down"}');
      }
      case 'timeout':
        return; // never answers; close() drops the socket
      case 'reset':
        return void req.socket.destroy();
      case 'truncated':
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(text.length + 500) });
        res.write(text.slice(0, Math.ceil(text.length / 2)));
        return void setTimeout(() => req.socket.destroy(), 20);
      case 'invalid-json':
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end(text.slice(0, Math.ceil(text.length / 2)));
      case 'null-json':
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end('null');
      case 'html':
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        return void res.end('<!DOCTYPE html><html><body><h1>Service temporarily unavailable</h1></body></html>');
      case 'drip': {
        // A valid answer, one byte every 40 ms: each byte is well inside any idle timeout, the whole takes seconds.
        const bytes = Buffer.from(text.padEnd(120, ' '));
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(bytes.length) });
        let i = 0;
        const t = setInterval(() => {
          if (i < bytes.length) res.write(bytes.subarray(i, ++i));
          else {
            clearInterval(t);
            res.end();
          }
        }, 40);
        return void res.on('close', () => clearInterval(t));
      }
    }
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const gzip = req.headers['content-encoding'] === 'gzip';
      const s: Seen = { method: req.method!, url: req.url!, auth: req.headers.authorization, gzip, at: Date.now() };
      seen.push(s);
      const url = decodeURIComponent(req.url!.split('?')[0]);
      const json = (code: number, body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(code, { 'content-type': 'application/json', etag: `"${Buffer.from(JSON.stringify(body)).length}"`, ...headers });
        res.end(JSON.stringify(body));
      };
      if (req.method === 'POST' && url === '/-/npm/v1/security/advisories/bulk') s.body = JSON.parse((gzip ? gunzipSync(raw) : raw).toString());
      const target: FaultTarget = req.method === 'POST' ? 'bulk' : url.startsWith('/pypi/') ? 'pypi' : 'packument';
      const [code, body] = healthy(req.method!, url);
      const answer = () => {
        if (code === 200 && pypi[url] && req.headers['if-none-match'] === `"${Buffer.from(JSON.stringify(body)).length}"`) {
          res.writeHead(304);
          return res.end();
        }
        json(code, body);
      };
      const f = ctl.fault;
      if (f && (f.on === 'all' || f.on === target)) return misbehave(f.kind, req, res, body, answer);
      if (url === '/pypi/broken/json') return json(500, { error: 'boom' });
      if (url === '/pypi/garbage/json') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end('{"info": {"version": ');
      }
      if (url === '/pypi/reset/json') return req.socket.destroy();
      if (url === '/pypi/slow/json') return setTimeout(() => json(200, {}), 3000);
      if (url === '/pypi/ratelimited/json') {
        if (ratelimited++ === 0) return json(429, {}, { 'retry-after': '1' });
        return json(200, { info: { version: '1.0.0' }, releases: { '1.0.0': [{}] } });
      }
      if (url === '/pypi/ratelimited/1.0.0/json') return json(200, { info: { version: '1.0.0' }, vulnerabilities: [] });
      answer();
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const port = (server.address() as AddressInfo).port;
    resolve({ url: `http://127.0.0.1:${port}`, host: `127.0.0.1:${port}`, seen, ctl, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) });
  }));
}

function workspace(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-deps-'));
  for (const [f, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), text);
  }
  return dir;
}

const PACKAGE_JSON = '{\n  "name": "shop",\n  "dependencies": {\n    "express": "^4.17.1",\n    "lodash": "^4.17.15",\n    "request": "^2.88.2"\n  }\n}\n';
const LOCK = JSON.stringify({ lockfileVersion: 3, packages: { '': {}, 'node_modules/express': { version: '4.21.2' }, 'node_modules/lodash': { version: '4.17.15' }, 'node_modules/request': { version: '2.88.2' } } });

/** The text between two offsets of a file in a test workspace. */
function readSpan(dir: string, file: string, start: number, end: number): string {
  return fs.readFileSync(path.join(dir, file), 'utf8').slice(start, end);
}

describe('dependency manifests', () => {
  it('package.json with positions and lockfile versions', () => {
    const dir = workspace({ 'package.json': PACKAGE_JSON, 'package-lock.json': LOCK });
    const r = readPackageJson(path.join(dir, 'package.json'));
    assert.deepEqual(r.dependencies.map((d) => [d.name, d.spec, d.line, d.column, d.installed]), [['express', '^4.17.1', 3, 16, '4.21.2'], ['lodash', '^4.17.15', 4, 15, '4.17.15'], ['request', '^2.88.2', 5, 16, '2.88.2']]);
  });

  it('requirements: pins, ranges, extras, markers, includes with a cycle, index options, VCS lines unchecked', () => {
    const dir = workspace({
      'requirements.txt': '--index-url https://pypi.internal/simple\n-r base.txt\nrequests[socks] >= 2.31 ; python_version >= "3.8"\ngit+https://github.com/x/y.git#egg=y\n',
      'base.txt': 'flask==2.0.1  # web\n-r requirements.txt\n',
    });
    const r = readRequirements(path.join(dir, 'requirements.txt'));
    assert.deepEqual(r.dependencies.map((d) => [d.name, d.spec, d.line, d.unchecked ?? '']), [['flask', '==2.0.1', 0, ''], ['requests', '>=2.31', 2, ''], ['git+https://github.com/x/y.git#egg=y', '', 3, 'VCS, URL or local requirement'].map((x, i) => (i === 0 ? 'y' : x))]);
    assert.deepEqual(r.indexUrls, ['https://pypi.internal/simple']);
    assert.match(r.problems[0].message, /include cycle/);
  });

  it('pyproject.toml: PEP 621 and Poetry', () => {
    const dir = workspace({ 'pyproject.toml': '[project]\nname = "x"\ndependencies = [\n  "flask==2.0.1",\n  "requests>=2.31",\n]\n\n[tool.poetry.dependencies]\npython = "^3.11"\ndjango = "^4.2"\n' });
    const r = readPyproject(path.join(dir, 'pyproject.toml'));
    assert.deepEqual(r.dependencies.map((d) => [d.name, d.spec, d.line]), [['flask', '==2.0.1', 3], ['requests', '>=2.31', 4], ['django', '>=4.2.0,<5.0.0', 9]]);
  });

  it('a name is not found inside a longer one: flask is not pytest-flask', () => {
    const dir = workspace({
      'pyproject.toml': '[tool.poetry.dependencies]\npytest-flask = "^1.2"\nflask = "^2.0"\n',
      Pipfile: '[packages]\nflask-login = "==0.6.0"\nflask = "==2.0.1"\n',
    });
    const py = readPyproject(path.join(dir, 'pyproject.toml'));
    assert.deepEqual(py.dependencies.map((d) => [d.name, d.line, dir && readSpan(dir, 'pyproject.toml', d.specStart, d.specEnd)]), [['pytest-flask', 1, '^1.2'], ['flask', 2, '^2.0']]);
    const pip = readPipfile(path.join(dir, 'Pipfile'));
    assert.deepEqual(pip.dependencies.map((d) => [d.name, d.line, readSpan(dir, 'Pipfile', d.specStart, d.specEnd)]), [['flask-login', 1, '==0.6.0'], ['flask', 2, '==2.0.1']]);
  });

  it('manifests with 20,000 entries are read with every position right, in time linear in the entries (reading was quadratic)', () => {
    const manifests = (count: number) => {
      const names = Array.from({ length: count }, (_, i) => `pkg-${i}`);
      const dir = workspace({
        'pyproject.toml': `[project]\nname = "x"\ndependencies = [\n${names.map((n) => `  "${n}>=1.0",`).join('\n')}\n]\n\n[tool.poetry.dependencies]\n${names.map((n) => `${n}b = "^1.2"`).join('\n')}\n`,
        Pipfile: `[packages]\n${names.map((n) => `${n} = "==1.0"`).join('\n')}\n`,
        'package.json': JSON.stringify({ dependencies: Object.fromEntries(names.map((n) => [n, '^1.0.0'])) }, null, 2),
      });
      return { dir, names };
    };
    /** Reads all three; CPU time of this process, so a busy machine does not change the ratio much. */
    const read = (dir: string) => {
      // The least of three reads: noise on a loaded machine only ever adds time.
      let best: { py: ReturnType<typeof readPyproject>; pip: ReturnType<typeof readPipfile>; pkg: ReturnType<typeof readPackageJson>; ms: number } | undefined;
      for (let i = 0; i < 3; i++) {
        const [out, ms] = cpuTime(() => ({ py: readPyproject(path.join(dir, 'pyproject.toml')), pip: readPipfile(path.join(dir, 'Pipfile')), pkg: readPackageJson(path.join(dir, 'package.json')) }));
        if (!best || ms < best.ms) best = { ...out, ms };
      }
      return best!;
    };
    read(manifests(500).dir); // compiled and warm before anything is compared
    const quarter = read(manifests(5000).dir);
    const { dir, names } = manifests(20000);
    const { py, pip, pkg, ms } = read(dir);
    // Growth, not a time limit: 4x the entries costs about 4x when linear, 16x when quadratic
    // (pyproject alone took 15.7 s at 20,000 entries before).
    assert.ok(ms / quarter.ms < 8, `5,000 -> 20,000 entries: ${quarter.ms.toFixed(0)} -> ${ms.toFixed(0)} ms CPU (${(ms / quarter.ms).toFixed(1)}x)`);
    assert.equal(quarter.py.dependencies.length, 10000);
    assert.equal(py.dependencies.length, 40000);
    for (const i of [0, 9999, 19999]) {
      assert.deepEqual([py.dependencies[i].line, readSpan(dir, 'pyproject.toml', py.dependencies[i].specStart, py.dependencies[i].specEnd)], [3 + i, '>=1.0']);
      assert.deepEqual([py.dependencies[20000 + i].line, readSpan(dir, 'pyproject.toml', py.dependencies[20000 + i].specStart, py.dependencies[20000 + i].specEnd)], [20006 + i, '^1.2']);
      assert.deepEqual([pip.dependencies[i].line, pip.dependencies[i].column], [1 + i, names[i].length + 4]);
      assert.deepEqual([pkg.dependencies[i].line, pkg.dependencies[i].column], [2 + i, names[i].length + 9]);
    }
  });

  it('requirement includes may not leave the scanned folder (nothing outside is read or echoed)', async () => {
    const outer = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-outer-'));
    fs.writeFileSync(path.join(outer, 'secret.txt'), 'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n');
    const dir = path.join(outer, 'project');
    fs.mkdirSync(path.join(dir, 'reqs'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'reqs', 'common.txt'), 'flask==2.0.1\n');
    fs.writeFileSync(path.join(dir, 'requirements.txt'), '-r reqs/common.txt\n-r ../secret.txt\n-r /proc/self/environ\n');
    const r = await checkDependencies([dir], { offline: true, cacheDir: fs.mkdtempSync(path.join(os.tmpdir(), 'sw-cache-')) });
    assert.ok(r.packages.some((p) => p.name === 'flask'), 'an include inside the folder is read');
    const said = JSON.stringify(r);
    assert.doesNotMatch(said, /wJalrXUtnFEMI|AWS_SECRET|PATH=/);
    assert.equal(r.problems.filter((p) => /outside the scanned folder/.test(p.message)).length, 2);
  });

  it('fix edits keep the spec style', () => {
    assert.equal(bumpSpec('^4.17.15', '4.17.20', 'npm'), '^4.17.20');
    assert.equal(bumpSpec('~1.2.0', '1.2.9', 'npm'), '~1.2.9');
    assert.equal(bumpSpec('4.17.15', '4.17.20', 'npm'), '4.17.20');
    assert.equal(bumpSpec('==2.0.1', '2.2.5', 'pypi'), '==2.2.5');
    assert.equal(bumpSpec('>=2.0,<3', '2.2.5', 'pypi'), '>=2.2.5,<3');
    assert.equal(bumpSpec('>=2.0,<2.1', '2.2.5', 'pypi'), '>=2.2.5');
  });
});

describe('dependency check against a registry on 127.0.0.1', function () {
  // A hang safety net only, sized for a loaded machine; the timeouts under test are the client's.
  this.timeout(300_000);
  let reg: Awaited<ReturnType<typeof startRegistry>>;
  before(async () => {
    reg = await startRegistry();
  });
  after(() => reg.close());
  // The registry answers at once: a client timeout a loaded machine cannot hit by accident.
  const opts = (cacheDir: string) => ({ npmRegistry: `${reg.url}/`, pypiIndex: `${reg.url}/pypi`, cacheDir, timeoutMs: 10_000, home: fs.mkdtempSync(path.join(os.tmpdir(), 'sw-home-')) });

  it('the lockfile-pinned vulnerable version and the requirements pin carry findings naming the advisories; current ones none', async () => {
    const dir = workspace({ 'package.json': PACKAGE_JSON, 'package-lock.json': LOCK, 'requirements.txt': 'flask==2.0.1\nrequests==2.32.3\n' });
    const r = await checkDependencies([dir], opts(fs.mkdtempSync(path.join(os.tmpdir(), 'sw-cache-'))));
    assert.equal(r.incomplete, false, JSON.stringify(r.notices));
    const by = (id: string) => r.findings.filter((f) => f.ruleId === id).map((f) => `${path.basename(f.file)}:${f.range.start.line + 1}`);
    assert.deepEqual(by('dep-vulnerable'), ['package.json:5', 'requirements.txt:1']);
    const lodash = r.findings.find((f) => f.ruleId === 'dep-vulnerable' && f.file.endsWith('package.json'))!;
    assert.match(lodash.message, /GHSA-p6mc-m468-83gw/);
    assert.equal(applyEdits(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'), lodash.fix!.edits).includes('"lodash": "^4.17.20"'), true);
    const flask = r.findings.find((f) => f.ruleId === 'dep-vulnerable' && f.file.endsWith('requirements.txt'))!;
    assert.match(flask.message, /PYSEC-2023-62 \/ CVE-2023-30861/);
    assert.equal(applyEdits('flask==2.0.1\nrequests==2.32.3\n', flask.fix!.edits), 'flask==2.2.5\nrequests==2.32.3\n');
    assert.deepEqual(by('dep-deprecated'), ['package.json:6']);
    assert.ok(!r.findings.some((f) => /express|requests/.test(f.snippet)), 'up-to-date lines carry none');
    const bulk = reg.seen.find((s) => s.url.includes('advisories/bulk'))!;
    assert.equal(bulk.gzip, true, 'bulk body is gzipped as npm sends it');
    assert.deepEqual(bulk.body, { express: ['4.21.2'], lodash: ['4.17.15'], request: ['2.88.2'] });
    // One bulk call for the project, and one about the releases above the vulnerable lodash (to pick a fix no advisory covers).
    const bulks = reg.seen.filter((s) => s.url.includes('advisories/bulk'));
    assert.equal(bulks.length, 2, 'one bulk call, one for fix candidates');
    assert.deepEqual(bulks[1].body, { lodash: ['4.17.20', '4.17.21'] });
    // The editor's lens above each manifest line says the same, in a few words.
    const lens = (name: string) => lensTitle(r.packages.find((p) => p.name === name)!);
    assert.match(lens('lodash'), /^\$\(warning\) lodash 4\.17\.15 is vulnerable: .*GHSA-p6mc-m468-83gw.* · latest 4\.17\.21$/);
    assert.match(lens('flask'), /flask 2\.0\.1 is vulnerable: PYSEC-2023-62/);
    assert.match(lens('express'), /^\$\(check\) express 4\.21\.2 is current/);
    assert.match(lens('request'), /request is deprecated/);
  });

  it('yanked PyPI releases are reported', async () => {
    const dir = workspace({ 'requirements.txt': 'oldpkg==1.4.0\n' });
    const r = await checkDependencies([dir], opts(fs.mkdtempSync(path.join(os.tmpdir(), 'sw-cache-'))));
    assert.match(r.findings.find((f) => f.ruleId === 'dep-yanked')!.message, /yanked from PyPI: broken wheel/);
  });

  for (const fault of ['broken', 'garbage', 'reset', 'slow']) {
    it(`a registry fault (${fault}) is an outage notice naming the host, never "no vulnerabilities"`, async () => {
      const dir = workspace({ 'requirements.txt': `${fault}==1.0\n` });
      // 1 s: the `slow` route answers after 3 s, so it must time out.
      const r = await checkDependencies([dir], { ...opts(fs.mkdtempSync(path.join(os.tmpdir(), 'sw-cache-'))), timeoutMs: 1000 });
      assert.equal(r.incomplete, true);
      assert.equal(r.notices.length, 1);
      assert.match(r.notices[0].message, new RegExp(`could not check 1 package\\(s\\) at 127\\.0\\.0\\.1:\\d+`));
      assert.equal(r.packages[0].status, 'unknown');
    });
  }

  it('429 with Retry-After is retried', async () => {
    const dir = workspace({ 'requirements.txt': 'ratelimited==1.0.0\n' });
    const r = await checkDependencies([dir], opts(fs.mkdtempSync(path.join(os.tmpdir(), 'sw-cache-'))));
    assert.equal(r.incomplete, false);
    assert.equal(r.packages[0].status, 'ok');
  });

  it('a cache answers offline, and a registry that then fails yields stale data marked as stale', async () => {
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-cache-'));
    const dir = workspace({ 'requirements.txt': 'flask==2.0.1\n' });
    await checkDependencies([dir], opts(cache));
    const off = await checkDependencies([dir], { ...opts(cache), offline: true });
    assert.equal(off.findings.filter((f) => f.ruleId === 'dep-vulnerable').length, 1);
    const dead = await checkDependencies([dir], { ...opts(cache), pypiIndex: 'http://127.0.0.1:9/pypi', timeoutMs: 300 });
    assert.equal(dead.incomplete, true, 'another host has no cache');
  });

  it('.npmrc tokens (the user\'s own) go only to their own registry host', async () => {
    const other = await startRegistry();
    try {
      const host = new URL(reg.url).host;
      // Credentials come from the user's ~/.npmrc only; the workspace .npmrc routes the scope.
      const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-home-'));
      fs.writeFileSync(path.join(home, '.npmrc'), `registry=${reg.url}/\n//${host}/:_authToken=\${TEST_NPM_TOKEN}\n`);
      const dir = workspace({
        'package.json': '{"dependencies": {"lodash": "4.17.21", "@acme/ui": "1.0.0"}}',
        '.npmrc': `@acme:registry=${other.url.replace('127.0.0.1', 'localhost')}/\n`,
      });
      const before = reg.seen.length;
      await checkDependencies([dir], { ...opts(fs.mkdtempSync(path.join(os.tmpdir(), 'sw-cache-'))), home, npmRegistry: undefined, env: { TEST_NPM_TOKEN: 's3cret-token' } });
      const mine = reg.seen.slice(before).filter((s) => s.url === '/lodash');
      assert.equal(mine[0]?.auth, 'Bearer s3cret-token');
      const theirs = other.seen.filter((s) => s.url.includes('acme'));
      assert.ok(theirs.length >= 1, 'scoped package fetched from its registry');
      assert.equal(theirs[0].auth, undefined, 'the token is not sent to another host');
    } finally {
      await other.close();
    }
  });

  it('CLI: deps exits 1 on a vulnerable dependency and 3 on an outage; scan exits 3 when only the check failed', async () => {
    const dir = workspace({ 'package.json': PACKAGE_JSON, 'package-lock.json': LOCK, 'requirements.txt': 'flask==2.0.1\n' });
    const env = { ...process.env, HOME: fs.mkdtempSync(path.join(os.tmpdir(), 'sw-home-')) };
    const run = (args: string[]) => new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      // Asynchronous: the registry runs in this process.
      const { spawn } = require('node:child_process') as typeof import('node:child_process');
      const p = spawn(process.execPath, [CLI, ...args], { env, cwd: dir });
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (d: Buffer) => (stdout += d));
      p.stderr.on('data', (d: Buffer) => (stderr += d));
      p.on('close', (status) => resolve({ status, stdout, stderr }));
    });
    const ok = await run(['deps', '.', '--npm-registry', `${reg.url}/`, '--pypi-index', `${reg.url}/pypi`]);
    assert.equal(ok.status, 1, ok.stderr);
    assert.match(ok.stdout, /lodash\s+\^4\.17\.15\s+4\.17\.15\s+4\.17\.21\s+vulnerable\s+GHSA-p6mc-m468-83gw/);
    const down = workspace({ 'requirements.txt': 'broken==1.0\n', 'app.py': 'x = 1\n' });
    const scan = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
      const { spawn } = require('node:child_process') as typeof import('node:child_process');
      const p = spawn(process.execPath, [CLI, 'scan', down, '--npm-registry', `${reg.url}/`, '--pypi-index', `${reg.url}/pypi`], { env });
      let stderr = '';
      p.stderr.on('data', (d: Buffer) => (stderr += d));
      p.on('close', (status) => resolve({ status, stderr }));
    });
    assert.equal(scan.status, 3, scan.stderr);
    assert.match(scan.stderr, /incomplete: could not check 1 package\(s\) at 127\.0\.0\.1/);
    void spawnSync;
  });
});

describe('registry fault matrix (real HTTP on 127.0.0.1)', function () {
  // A hang safety net only, sized for a loaded machine; the timeouts under test are the client's.
  this.timeout(300_000);
  let reg: Awaited<ReturnType<typeof startRegistry>>;
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => void rejections.push(reason);
  before(async () => {
    reg = await startRegistry();
    process.on('unhandledRejection', onRejection);
  });
  after(async () => {
    process.off('unhandledRejection', onRejection);
    await reg.close();
  });
  afterEach(() => {
    reg.ctl.fault = undefined;
    reg.ctl.windowUntil = undefined;
  });
  const tmp = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const opts = (cacheDir = tmp('sw-cache-')) => ({ npmRegistry: `${reg.url}/`, pypiIndex: `${reg.url}/pypi`, cacheDir, timeoutMs: 300, home: tmp('sw-home-') });
  /** For checks the registry answers: a client timeout a loaded machine cannot hit by accident. */
  const answered = (cacheDir = tmp('sw-cache-')) => ({ ...opts(cacheDir), timeoutMs: 10_000 });
  /** Requests the registry saw for a fault target since `from`. */
  const hitsOn = (target: FaultTarget, from: number) => reg.seen.slice(from).filter((s) => (target === 'bulk' ? s.method === 'POST' : target === 'pypi' ? s.url.startsWith('/pypi/') : s.method === 'GET' && !s.url.startsWith('/pypi/')));
  /** Runs the check; fails on a rejection nobody handled, during the run or just after it. */
  const check = async (dir: string, o: Parameters<typeof checkDependencies>[1]) => {
    const before = rejections.length;
    const r = await checkDependencies([dir], o);
    await new Promise((res) => setTimeout(res, 50));
    assert.deepEqual(rejections.slice(before).map(String), [], 'no unhandled rejection');
    return r;
  };
  const ECOSYSTEMS = {
    pypi: { files: { 'requirements.txt': 'flask==2.0.1\n' }, name: 'flask', targets: ['pypi'] as FaultTarget[] },
    npm: { files: { 'package.json': '{"dependencies": {"lodash": "4.17.15"}}' }, name: 'lodash', targets: ['packument', 'bulk'] as FaultTarget[] },
  };
  const OUTAGES: Fault[] = ['500', '429', 'timeout', 'reset', 'truncated', 'invalid-json', 'null-json', 'html', 'drip'];

  for (const target of ['pypi', 'packument', 'bulk'] as FaultTarget[]) {
    const eco = target === 'pypi' ? ECOSYSTEMS.pypi : ECOSYSTEMS.npm;
    for (const kind of [...OUTAGES, ...(target === 'bulk' ? (['404'] as Fault[]) : [])]) {
      it(`${target} ${kind}: incomplete, an outage notice naming host:port, the package unknown`, async () => {
        reg.ctl.fault = { kind, on: target };
        const before = reg.seen.length;
        const r = await check(workspace(eco.files), opts());
        assert.equal(r.incomplete, true, JSON.stringify(r.notices));
        const notice = r.notices.find((n) => !n.stale);
        assert.ok(notice, JSON.stringify(r.notices));
        assert.equal(notice.host, reg.host);
        assert.match(notice.message, new RegExp(`could not check 1 package\\(s\\) at ${reg.host.replace(/\./g, '\\.')}`));
        assert.deepEqual(r.packages.map((p) => [p.name, p.status]), [[eco.name, 'unknown']]);
        assert.ok(!r.findings.some((f) => f.ruleId === 'dep-vulnerable'), 'no claim either way about vulnerabilities');
        // Bounded by attempts, not judged by the clock: each request is tried at most three
        // times (and a 429 waited for once more); the mocha timeout is the hang safety net.
        const hits = hitsOn(target, before).length;
        assert.ok(hits >= 1 && hits <= 6, `${hits} requests to the failing ${target} route`);
      });
    }
  }

  for (const target of ['pypi', 'packument'] as FaultTarget[]) {
    const eco = target === 'pypi' ? ECOSYSTEMS.pypi : ECOSYSTEMS.npm;
    it(`${target} 404: "not found on the registry", neither an outage nor a clean result`, async () => {
      reg.ctl.fault = { kind: '404', on: target };
      const r = await check(workspace(eco.files), answered());
      assert.deepEqual(r.packages.map((p) => [p.name, p.status]), [[eco.name, 'unknown']]);
      assert.ok(!r.notices.some((n) => /could not check/.test(n.message)), `not an outage: ${JSON.stringify(r.notices)}`);
      assert.equal(r.incomplete, false, 'the registry answered');
      assert.equal(r.problems.length, 1, JSON.stringify(r.problems));
      assert.match(r.problems[0].message, new RegExp(`${eco.name} .*not found on the registry .*${reg.host.replace(/\./g, '\\.')}`));
      assert.equal(r.packages[0].note, 'not found on the registry');
    });
  }

  for (const target of ['pypi', 'packument', 'bulk'] as FaultTarget[]) {
    const eco = target === 'pypi' ? ECOSYSTEMS.pypi : ECOSYSTEMS.npm;
    it(`${target} 429 with Retry-After: waits as told, then gets through`, async () => {
      reg.ctl.fault = { kind: 'ratelimit-window', on: target };
      const before = reg.seen.length;
      const r = await check(workspace(eco.files), answered());
      assert.equal(r.incomplete, false, JSON.stringify(r.notices));
      assert.deepEqual(r.packages.map((p) => [p.name, p.status]), [[eco.name, 'vulnerable']]);
      const hits = hitsOn(target, before);
      // A lower bound (the client waited as told): a busy machine only makes the wait longer.
      assert.ok(hits.at(-1)!.at - hits[0].at >= 1000, `the last attempt came after Retry-After (${hits.map((h) => h.at - hits[0].at)})`);
    });
  }

  for (const [ecoName, eco] of Object.entries(ECOSYSTEMS)) {
    for (const kind of OUTAGES) {
      it(`${ecoName}: after a good check, the same host failing (${kind}) serves the cache, marked stale`, async () => {
        const cache = tmp('sw-cache-');
        const dir = workspace(eco.files);
        const fresh = await check(dir, answered(cache));
        assert.equal(fresh.incomplete, false, JSON.stringify(fresh.notices));
        assert.equal(fresh.packages[0].status, 'vulnerable');
        reg.ctl.fault = { kind, on: 'all' };
        // ttlMs 0: the cache is out of date, so the registry is asked and fails.
        const r = await check(dir, { ...opts(cache), ttlMs: 0 });
        // Data older than the TTL is not today's answer: the run is incomplete (exit 3), and says why.
        assert.equal(r.incomplete, true, `stale data makes the check incomplete: ${JSON.stringify(r.notices)}`);
        assert.deepEqual(r.notices.map((n) => [n.host, n.stale]), [[reg.host, true]]);
        assert.match(r.notices[0].message, /cached data/);
        assert.deepEqual(r.packages.map((p) => [p.name, p.status, p.stale]), [[eco.name, 'vulnerable', true]]);
        const vuln = r.findings.filter((f) => f.ruleId === 'dep-vulnerable');
        assert.equal(vuln.length, 1);
        assert.equal(vuln[0].stale, true);
        assert.match(vuln[0].message, /cached registry data/);
        assert.ok(!fresh.findings.some((f) => f.stale || /cached registry data/.test(f.message)), 'fresh findings are not marked');
      });
    }
  }
});
