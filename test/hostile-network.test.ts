/**
 * Issue 12, attacks 1–5 and 15: a scanned repository that tries to use the dependency check
 * against the user — leaking a secret through its .npmrc, catching the user's token with its own
 * proxy or a redirect, getting credentials printed, or flooding memory and the cache with a gzip
 * bomb. Every server here is real HTTP on 127.0.0.1; nothing is judged by a wall clock.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { createGzip, gunzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { checkDependencies, type CheckOptions } from '../src/deps/check';
import { HttpClient, HttpError } from '../src/deps/http-client';
import { redactText, redactUrl } from '../src/core/redact';

const CLI = path.join(__dirname, '..', '..', 'dist', 'cli.js');

interface Seen {
  method: string;
  url: string;
  auth?: string;
  body?: unknown;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, raw: Buffer) => boolean | void;

const PACKUMENTS: Record<string, unknown> = {
  lodash: { name: 'lodash', 'dist-tags': { latest: '4.17.21' }, versions: { '4.17.15': {}, '4.17.21': {} } },
  express: { name: 'express', 'dist-tags': { latest: '4.21.2' }, versions: { '4.21.2': {} } },
};
const PYPI: Record<string, unknown> = {
  '/pypi/flask/json': { info: { version: '3.1.0' }, releases: { '2.0.1': [{}], '3.1.0': [{}] } },
  '/pypi/flask/2.0.1/json': { info: { version: '2.0.1' }, vulnerabilities: [{ id: 'PYSEC-2023-62', fixed_in: ['2.2.5'] }] },
  '/pypi/flask/3.1.0/json': { info: { version: '3.1.0' }, vulnerabilities: [] },
};
const ADVISORIES = { lodash: [{ id: 1523, url: 'https://github.com/advisories/GHSA-p6mc-m468-83gw', title: 'Prototype Pollution in lodash', severity: 'high', vulnerable_versions: '<4.17.19' }] };

/** A registry on 127.0.0.1 (npm packuments, the bulk advisory POST, PyPI JSON) that records every request; `handle` may take a request over. */
function startRegistry(handle?: Handler): Promise<{ url: string; host: string; port: number; seen: Seen[]; close: () => Promise<void> }> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const s: Seen = { method: req.method!, url: req.url!, auth: req.headers.authorization };
      if (req.method === 'POST' && raw.length) s.body = JSON.parse((req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString());
      seen.push(s);
      if (handle?.(req, res, raw)) return;
      const url = decodeURIComponent(req.url!.split('?')[0]);
      const json = (code: number, body: unknown) => {
        res.writeHead(code, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.method === 'POST' && url.endsWith('/-/npm/v1/security/advisories/bulk')) return json(200, ADVISORIES);
      if (PYPI[url]) return json(200, PYPI[url]);
      const name = url.split('/').pop()!;
      if (PACKUMENTS[name]) return json(200, PACKUMENTS[name]);
      json(404, { error: 'not found' });
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      resolve({ url: `http://127.0.0.1:${port}`, host: `127.0.0.1:${port}`, port, seen, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) });
    }),
  );
}

/** A forward proxy on 127.0.0.1 that records what reaches it (absolute-form requests and CONNECT tunnels) and passes it on. */
function startProxy(): Promise<{ url: string; seen: { kind: 'request' | 'connect'; target: string; auth?: string }[]; close: () => Promise<void> }> {
  const seen: { kind: 'request' | 'connect'; target: string; auth?: string }[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    seen.push({ kind: 'request', target: req.url!, auth: req.headers.authorization });
    const u = new URL(req.url!);
    const up = http.request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode!, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    seen.push({ kind: 'connect', target: req.url! });
    const [host, port] = req.url!.split(':');
    const up = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      up.write(head);
      up.pipe(client);
      client.pipe(up);
    });
    sockets.add(up).add(client);
    up.on('error', () => client.destroy());
    client.on('error', () => up.destroy());
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      resolve({
        url: `http://127.0.0.1:${port}`,
        seen,
        close: () => new Promise<void>((r) => {
          for (const s of sockets) s.destroy();
          server.closeAllConnections();
          server.close(() => r());
        }),
      });
    }),
  );
}

const tmp = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));

function workspace(files: Record<string, string>): string {
  const dir = tmp('sw-hostile-net-');
  for (const [f, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), text);
  }
  return dir;
}

/** A home folder, with the user's own ~/.npmrc when given. */
function home(npmrc?: string): string {
  const h = tmp('sw-home-');
  if (npmrc !== undefined) fs.writeFileSync(path.join(h, '.npmrc'), npmrc);
  return h;
}

/** Every file under a folder (the cache must stay empty after a refused answer). */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.lstatSync(path.join(dir, f)).isFile());
}

function runCli(args: string[], o: { cwd: string; env: NodeJS.ProcessEnv }): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // Asynchronous: the registry runs in this process.
    const p = spawn(process.execPath, [CLI, ...args], { cwd: o.cwd, env: o.env });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d));
    p.stderr.on('data', (d: Buffer) => (stderr += d));
    p.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** An environment for the CLI with nothing of this machine's in it that could route requests. */
function cliEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home(), ...extra };
  return env;
}

describe('hostile network: workspace configuration is data, not authority (issue 12)', function () {
  this.timeout(300_000); // a hang safety net, sized for a loaded 2-core machine

  it('attack 1: a workspace .npmrc token with ${CI_SECRET} is neither expanded nor sent; its registry still routes the look-up', async () => {
    const reg = await startRegistry();
    try {
      const dir = workspace({
        'package.json': '{"dependencies": {"lodash": "4.17.15"}}',
        '.npmrc': `registry=${reg.url}/\n//${reg.host}/:_authToken=\${CI_SECRET}\n`,
      });
      const r = await checkDependencies([dir], { cacheDir: tmp('sw-cache-'), home: home(), env: { CI_SECRET: 'ci-secret-value' }, timeoutMs: 2000 });
      // (A second POST asks about lodash's fix candidates.)
      assert.deepEqual([...new Set(reg.seen.map((s) => s.method))].sort(), ['GET', 'POST'], 'the packument GET and the bulk POST went to the workspace registry');
      assert.ok(reg.seen.every((s) => s.auth === undefined), 'no Authorization at all');
      assert.deepEqual(r.hostsContacted, [reg.url]);
      assert.equal(r.packages[0].status, 'vulnerable');
    } finally {
      await reg.close();
    }
  });

  it('attack 1 through the CLI: `scan` sends no secret and says which hosts it contacted; --trust-workspace-config opts into npm\'s meaning', async () => {
    const reg = await startRegistry();
    try {
      const dir = workspace({
        'package.json': '{"dependencies": {"lodash": "4.17.21"}}',
        '.npmrc': `registry=${reg.url}/\n//${reg.host}/:_authToken=\${CI_SECRET}\n`,
        'app.py': 'x = 1\n',
      });
      const plain = await runCli(['scan', '.'], { cwd: dir, env: cliEnv({ CI_SECRET: 'ci-secret-value' }) });
      assert.equal(plain.status, 0, plain.stderr);
      assert.ok(reg.seen.length >= 2, JSON.stringify(reg.seen));
      assert.ok(reg.seen.every((s) => s.auth === undefined), JSON.stringify(reg.seen));
      assert.match(plain.stderr, new RegExp(`dependency check contacted ${reg.url.replace(/\./g, '\\.')}`));
      const before = reg.seen.length;
      const trusted = await runCli(['scan', '.', '--trust-workspace-config'], { cwd: dir, env: cliEnv({ CI_SECRET: 'ci-secret-value' }) });
      assert.equal(trusted.status, 0, trusted.stderr);
      assert.ok(reg.seen.slice(before).some((s) => s.auth === 'Bearer ci-secret-value'), 'trusted: the workspace .npmrc has npm\'s meaning');
    } finally {
      await reg.close();
    }
  });

  it('attack 2: proxy / https-proxy / strict-ssl / noproxy in the workspace .npmrc are ignored; the user\'s token goes only to the user\'s registry', async () => {
    const reg = await startRegistry();
    const proxy = await startProxy();
    try {
      const userHome = home(`registry=${reg.url}/\n//${reg.host}/:_authToken=user-own-token\n`);
      const dir = workspace({
        'package.json': '{"dependencies": {"lodash": "4.17.15"}}',
        '.npmrc': `proxy=${proxy.url}/\nhttps-proxy=${proxy.url}/\nnoproxy=nothing.invalid\nstrict-ssl=false\nlocal-address=127.0.0.1\nca=bogus\n`,
      });
      const r = await checkDependencies([dir], { cacheDir: tmp('sw-cache-'), home: userHome, env: {}, timeoutMs: 2000 });
      assert.deepEqual(proxy.seen, [], 'the workspace proxy saw nothing');
      assert.ok(reg.seen.length >= 2);
      assert.ok(reg.seen.every((s) => s.auth === 'Bearer user-own-token'), JSON.stringify(reg.seen));
      assert.equal(r.incomplete, false, JSON.stringify(r.notices));
      assert.deepEqual(r.hostsContacted, [reg.url]);
    } finally {
      await proxy.close();
      await reg.close();
    }
  });

  it('the user\'s own proxy (~/.npmrc proxy=) is still used, and named among the hosts contacted', async () => {
    const reg = await startRegistry();
    const proxy = await startProxy();
    try {
      const userHome = home(`registry=${reg.url}/\nproxy=${proxy.url}/\n`);
      const dir = workspace({ 'package.json': '{"dependencies": {"lodash": "4.17.21"}}' });
      const r = await checkDependencies([dir], { cacheDir: tmp('sw-cache-'), home: userHome, env: {}, timeoutMs: 2000 });
      assert.equal(r.incomplete, false, JSON.stringify(r.notices));
      assert.ok(proxy.seen.length >= 1, 'the request went through the user\'s proxy');
      assert.ok(proxy.seen.every((s) => s.target.includes(reg.host)), JSON.stringify(proxy.seen));
      assert.deepEqual(r.hostsContacted, [reg.url, proxy.url].sort());
    } finally {
      await proxy.close();
      await reg.close();
    }
  });

  it('workspaceConfig \'ignored\' (Restricted Mode): the workspace .npmrc is not read at all; the user\'s registry is used', async () => {
    const mine = await startRegistry();
    const theirs = await startRegistry();
    try {
      const dir = workspace({ 'package.json': '{"dependencies": {"lodash": "4.17.21"}}', '.npmrc': `registry=${theirs.url}/\n` });
      const r = await checkDependencies([dir], { cacheDir: tmp('sw-cache-'), home: home(`registry=${mine.url}/\n`), env: {}, workspaceConfig: 'ignored', timeoutMs: 2000 });
      assert.equal(theirs.seen.length, 0);
      assert.ok(mine.seen.length >= 1);
      assert.deepEqual(r.hostsContacted, [mine.url]);
    } finally {
      await mine.close();
      await theirs.close();
    }
  });

  it('a workspace registry on the token\'s host but over http gets no token (a workspace cannot downgrade the scheme)', async () => {
    const reg = await startRegistry();
    try {
      // The user's token is keyed to this host:port (npm's nerf dart has no scheme) but the user
      // never named an http registry there: only https may carry it.
      const dir = workspace({ 'package.json': '{"dependencies": {"lodash": "4.17.21"}}', '.npmrc': `registry=${reg.url}/\n` });
      await checkDependencies([dir], { cacheDir: tmp('sw-cache-'), home: home(`//${reg.host}/:_authToken=user-own-token\n`), env: {}, timeoutMs: 2000 });
      assert.ok(reg.seen.length >= 1);
      assert.ok(reg.seen.every((s) => s.auth === undefined), JSON.stringify(reg.seen));
    } finally {
      await reg.close();
    }
  });

  it('attack 3: a redirect to another port of the same host carries no Authorization; a same-origin redirect keeps it', async () => {
    const other = await startRegistry();
    const reg = await startRegistry((req, res) => {
      if (req.url === '/lodash' || req.method === 'POST') {
        res.writeHead(req.method === 'POST' ? 307 : 302, { location: `${other.url}${req.url}` });
        res.end();
        return true;
      }
      if (req.url === '/express') {
        res.writeHead(301, { location: '/moved/express' });
        res.end();
        return true;
      }
    });
    try {
      const userHome = home(`registry=${reg.url}/\n//${reg.host}/:_authToken=user-own-token\n`);
      const dir = workspace({ 'package.json': '{"dependencies": {"lodash": "4.17.15", "express": "4.21.2"}}' });
      const r = await checkDependencies([dir], { cacheDir: tmp('sw-cache-'), home: userHome, env: {}, timeoutMs: 2000 });
      assert.deepEqual([...new Set(other.seen.map((s) => `${s.method} ${s.url}`))].sort(), ['GET /lodash', 'POST /-/npm/v1/security/advisories/bulk']);
      assert.ok(other.seen.every((s) => s.auth === undefined), 'nothing for the other port');
      assert.ok(other.seen.find((s) => s.method === 'POST')!.body, 'a 307 keeps the POST body');
      assert.deepEqual(reg.seen.filter((s) => s.url === '/moved/express').map((s) => s.auth), ['Bearer user-own-token']);
      assert.equal(r.packages.find((p) => p.name === 'lodash')!.status, 'vulnerable');
      assert.deepEqual(r.hostsContacted, [reg.url, other.url].sort());
    } finally {
      await reg.close();
      await other.close();
    }
  });
});

describe('hostile network: credentials in index URLs (issue 12, attack 4)', function () {
  this.timeout(300_000); // a hang safety net, sized for a loaded 2-core machine
  const SECRET = 's3cr3t-pw';
  const basic = `Basic ${Buffer.from(`alice:${SECRET}`).toString('base64')}`;
  /** A private index: 401 without the right Basic header; `broken` always fails. */
  const privateIndex = () =>
    startRegistry((req, res) => {
      if (req.headers.authorization !== basic) {
        res.writeHead(401, { 'www-authenticate': 'Basic' });
        res.end();
        return true;
      }
      if (req.url!.startsWith('/pypi/broken/')) {
        res.writeHead(500);
        res.end();
        return true;
      }
    });

  it('userinfo in the index URL becomes a Basic header for that origin, so a private index is checked; it appears nowhere in the report', async () => {
    const reg = await privateIndex();
    try {
      const dir = workspace({ 'requirements.txt': 'flask==2.0.1\nbroken==1.0\n' });
      const r = await checkDependencies([dir], { pypiIndex: `http://alice:${SECRET}@${reg.host}/pypi`, cacheDir: tmp('sw-cache-'), home: home(), env: {}, timeoutMs: 1000 });
      assert.equal(r.packages.find((p) => p.name === 'flask')!.status, 'vulnerable', JSON.stringify(r.notices));
      assert.ok(reg.seen.every((s) => s.auth === basic && !s.url.includes(SECRET)));
      assert.equal(r.notices.length, 1, 'broken is an outage');
      assert.ok(!JSON.stringify(r).includes(SECRET), JSON.stringify(r));
      assert.ok(!JSON.stringify(r).includes('alice'), 'the user name is credentials too');
      assert.deepEqual(r.hostsContacted, [reg.url]);
    } finally {
      await reg.close();
    }
  });

  it('CLI: PIP_INDEX_URL with credentials reaches neither stderr nor SARIF; the private index is checked', async () => {
    const reg = await privateIndex();
    try {
      const dir = workspace({ 'requirements.txt': 'flask==3.1.0\nbroken==1.0\n', 'app.py': 'x = 1\n' });
      const env = cliEnv({ PIP_INDEX_URL: `http://alice:${SECRET}@${reg.host}/simple` });
      const out = await runCli(['scan', '.', '--format', 'sarif'], { cwd: dir, env });
      assert.equal(out.status, 3, `broken is an outage: ${out.stderr}`);
      assert.ok(!out.stdout.includes(SECRET) && !out.stderr.includes(SECRET), out.stderr);
      const sarif = JSON.parse(out.stdout) as { runs: { invocations: { toolExecutionNotifications: { message: { text: string } }[] }[] }[] };
      const notes = sarif.runs[0].invocations[0].toolExecutionNotifications.map((n) => n.message.text);
      assert.ok(notes.some((t) => t.includes(`contacted ${reg.url}`)), JSON.stringify(notes));
      assert.ok(notes.some((t) => /could not check 1 package/.test(t)), JSON.stringify(notes));
      assert.ok(reg.seen.some((s) => s.url === '/pypi/flask/3.1.0/json' && s.auth === basic), 'flask was checked against the private index');
    } finally {
      await reg.close();
    }
  });

  it('the Basic header from index userinfo does not follow a redirect to another port', async () => {
    const other = await startRegistry();
    const reg = await startRegistry((req, res) => {
      if (req.url!.startsWith('/pypi/flask/')) {
        res.writeHead(302, { location: `${other.url}${req.url}` });
        res.end();
        return true;
      }
    });
    try {
      const dir = workspace({ 'requirements.txt': 'flask==2.0.1\n' });
      const r = await checkDependencies([dir], { pypiIndex: `http://alice:${SECRET}@${reg.host}/pypi`, cacheDir: tmp('sw-cache-'), home: home(), env: {}, timeoutMs: 2000 });
      assert.equal(r.packages[0].status, 'vulnerable', JSON.stringify(r.notices));
      // (Release documents of fix candidates are asked too.)
      assert.ok(reg.seen.length >= 2 && reg.seen.every((s) => s.auth === basic), 'the index itself gets the header');
      assert.ok(other.seen.length >= 2 && other.seen.every((s) => s.auth === undefined), 'the other port gets none');
    } finally {
      await reg.close();
      await other.close();
    }
  });

  it('an index URL in a workspace manifest routes its packages (issue 16) but never gets credentials: not its own userinfo, not the user\'s index credentials (guard)', async () => {
    const theirs = await startRegistry();
    const mine = await privateIndex();
    try {
      const dir = workspace({ 'requirements.txt': `--index-url http://bob:planted@${theirs.host}/simple\n--extra-index-url ${theirs.url}/simple\nflask==2.0.1\n`, 'pyproject.toml': `[[tool.poetry.source]]\nname = "x"\nurl = "${theirs.url}/simple"\n` });
      const r = await checkDependencies([dir], { pypiIndex: `http://alice:${SECRET}@${mine.host}/pypi`, cacheDir: tmp('sw-cache-'), home: home(), env: {}, timeoutMs: 2000 });
      assert.ok(theirs.seen.length >= 1 && theirs.seen.every((s) => s.auth === undefined), 'the workspace index is asked, without any Authorization');
      assert.ok(mine.seen.every((s) => s.auth === basic), 'the user\'s credentials go only to the user\'s index');
      assert.ok(r.hostsContacted.includes(theirs.url), 'and the report names the host');
      assert.ok(!JSON.stringify(r).includes('planted'));
    } finally {
      await theirs.close();
      await mine.close();
    }
  });

  it('redaction removes userinfo from URLs in any text', () => {
    assert.equal(redactUrl(`https://alice:${SECRET}@h.example/simple`), 'https://h.example/simple');
    assert.equal(redactText(`failed: http://alice:${SECRET}@127.0.0.1:9/x and git+https://tok@github.com/a`), 'failed: http://***@127.0.0.1:9/x and git+https://***@github.com/a');
  });
});

/** Streams `{"info":…,"pad":"aaaa…"}` of `total` decoded bytes, gzip-compressed as it goes, and stops when the client goes away. */
function serveBomb(res: http.ServerResponse, total: number, gzip: boolean, produced: { bytes: number }): void {
  res.writeHead(200, { 'content-type': 'application/json', ...(gzip ? { 'content-encoding': 'gzip' } : {}) });
  const head = Buffer.from('{"info":{"version":"1.0.0"},"releases":{"1.0.0":[{}]},"dist-tags":{"latest":"1.0.0"},"versions":{"1.0.0":{}},"pad":"');
  const chunk = Buffer.alloc(64 * 1024, 'a');
  const sink = gzip ? createGzip({ level: 9 }) : undefined;
  if (sink) sink.pipe(res);
  const out: NodeJS.WritableStream = sink ?? res;
  let closed = false;
  res.on('close', () => {
    closed = true;
    sink?.destroy();
  });
  out.write(head);
  produced.bytes += head.length;
  const pump = () => {
    while (!closed && produced.bytes < total) {
      produced.bytes += chunk.length;
      if (!out.write(chunk)) return void out.once('drain', pump);
    }
    if (!closed) out.end('"}');
  };
  pump();
}

describe('hostile network: bounded answers (issue 12, attack 5)', function () {
  this.timeout(300_000); // a hang safety net, sized for a loaded 2-core machine
  const CAP = 1024 * 1024;
  const TOTAL = 48 * 1024 * 1024;

  for (const [name, gzip] of [['a gzip bomb (a small compressed body inflating far past the cap)', true], ['a plain chunked answer past the cap', false]] as const) {
    it(`${name}: the read stops at the cap, nothing is cached, the run reports an outage (npm and PyPI)`, async () => {
      const produced = { bytes: 0 };
      const reg = await startRegistry((req, res) => {
        if (req.url === '/lodash' || req.url === '/pypi/flask/json' || req.method === 'POST') {
          serveBomb(res, TOTAL, gzip, produced);
          return true;
        }
      });
      try {
        const cacheDir = tmp('sw-cache-');
        const dir = workspace({ 'package.json': '{"dependencies": {"lodash": "4.17.15"}}', 'requirements.txt': 'flask==2.0.1\n' });
        const o: CheckOptions = { npmRegistry: `${reg.url}/`, pypiIndex: `${reg.url}/pypi`, cacheDir, home: home(), env: {}, timeoutMs: 10000, maxResponseBytes: CAP };
        const r = await checkDependencies([dir], o);
        assert.equal(r.incomplete, true);
        assert.deepEqual(r.packages.map((p) => [p.name, p.status]).sort(), [['flask', 'unknown'], ['lodash', 'unknown']]);
        const notice = r.notices.find((n) => !n.stale)!;
        assert.match(notice.message, /could not check 2 package\(s\)/);
        const m = /larger than (\d+) bytes decoded; aborted after (\d+) bytes/.exec(notice.message);
        assert.ok(m, notice.message);
        assert.equal(Number(m[1]), CAP);
        assert.ok(Number(m[2]) > CAP && Number(m[2]) <= CAP + 256 * 1024, `stopped near the cap: ${m[2]}`);
        assert.deepEqual(filesUnder(cacheDir), [], 'nothing cached');
        // Not asked again: an answer past the cap stays past it.
        assert.equal(reg.seen.filter((s) => s.url === '/lodash').length, 1);
        assert.equal(reg.seen.filter((s) => s.method === 'POST').length, 1);
      } finally {
        await reg.close();
      }
    });
  }

  it('at the deadline the body is aborted: no answer is read on after the check gave up (guard)', async () => {
    // Each answer: gzip of 48 MB, produced 256 KB at a time on a timer, far slower than the deadline allows.
    const answers: { aborted: Promise<boolean> }[] = [];
    const reg = await startRegistry((req, res) => {
      if (req.url !== '/pypi/flask/json' && req.url !== '/lodash') return;
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      const gz = createGzip();
      gz.pipe(res);
      gz.write('{"info":{"version":"1.0.0"},"pad":"');
      let produced = 0;
      const t = setInterval(() => {
        produced += 256 * 1024;
        if (produced >= TOTAL) {
          clearInterval(t);
          gz.end('"}');
        } else gz.write(Buffer.alloc(256 * 1024, 'a'));
      }, 20);
      answers.push({ aborted: new Promise((resolve) => res.once('close', () => { clearInterval(t); resolve(!res.writableFinished); })) });
      return true;
    });
    try {
      const cacheDir = tmp('sw-cache-');
      const dir = workspace({ 'requirements.txt': 'flask==2.0.1\n', 'package.json': '{"dependencies": {"lodash": "4.17.15"}}' });
      const r = await checkDependencies([dir], { npmRegistry: `${reg.url}/`, pypiIndex: `${reg.url}/pypi`, cacheDir, home: home(), env: {}, timeoutMs: 300 });
      assert.equal(r.incomplete, true);
      assert.deepEqual(r.packages.map((p) => p.status), ['unknown', 'unknown']);
      assert.match(r.notices[0].message, /could not check 2 package\(s\).*no complete answer within 300 ms/);
      assert.ok(answers.length >= 1);
      // Every answer was cut off by the client, none read to its end after the check returned.
      assert.deepEqual(await Promise.all(answers.map((a) => a.aborted)), answers.map(() => true));
      // (The advisory answer was healthy and is cached; the two cut-off answers are not.)
      assert.deepEqual([...filesUnder(path.join(cacheDir, 'npm')), ...filesUnder(path.join(cacheDir, 'pypi'))], []);
    } finally {
      await reg.close();
    }
  });

  it('HttpClient: the abort reason and the decoded bytes read are reported, whatever the compressed size', async () => {
    const produced = { bytes: 0 };
    const reg = await startRegistry((_req, res) => {
      serveBomb(res, TOTAL, true, produced);
      return true;
    });
    try {
      const e = await new HttpClient().request({ url: `${reg.url}/x`, timeoutMs: 10000, maxBytes: CAP }).then(() => undefined, (err: unknown) => err);
      assert.ok(e instanceof HttpError, String(e));
      assert.equal(e.reason, 'too-large');
      assert.ok(e.bytesRead! > CAP && e.bytesRead! <= CAP + 256 * 1024, String(e.bytesRead));
    } finally {
      await reg.close();
    }
  });

  it('a content-length past the cap is refused before the body is read', async () => {
    const reg = await startRegistry((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(TOTAL) });
      res.write('{"pad":"');
      return true;
    });
    try {
      const e = await new HttpClient().request({ url: `${reg.url}/x`, timeoutMs: 10000, maxBytes: CAP }).then(() => undefined, (err: unknown) => err);
      assert.ok(e instanceof HttpError && e.reason === 'too-large' && e.bytesRead === 0, String(e));
    } finally {
      await reg.close();
    }
  });

  it('a packument listing more versions than any real package is refused before any version is sorted (work is counted, not timed)', async () => {
    const versions: Record<string, object> = {};
    for (let i = 0; i <= 50_000; i++) versions[`1.0.${i}`] = {};
    const reg = await startRegistry((req, res) => {
      if (req.url !== '/huge') return;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ name: 'huge', 'dist-tags': { latest: '1.0.50000' }, versions }));
      return true;
    });
    try {
      const cacheDir = tmp('sw-cache-');
      const dir = workspace({ 'package.json': '{"dependencies": {"huge": "1.0.0"}}' });
      const r = await checkDependencies([dir], { npmRegistry: `${reg.url}/`, cacheDir, home: home(), env: {}, timeoutMs: 5000 });
      assert.equal(r.incomplete, true);
      assert.match(r.notices[0].message, /more than 50000 versions/);
      assert.deepEqual(filesUnder(path.join(cacheDir, 'npm')), []);
    } finally {
      await reg.close();
    }
  });

  it('all answers of one check together stay under maxTotalBytes: past it, the rest are outages', async () => {
    const pad = 'x'.repeat(600 * 1024);
    let served = 0;
    const reg = await startRegistry((req, res) => {
      const m = /^\/(p\d)$/.exec(req.url!);
      if (!m) return;
      const body = JSON.stringify({ name: m[1], 'dist-tags': { latest: '1.0.0' }, versions: { '1.0.0': {} }, pad });
      served += body.length;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
      return true;
    });
    try {
      const names = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'];
      const dir = workspace({ 'package.json': JSON.stringify({ dependencies: Object.fromEntries(names.map((n) => [n, '1.0.0'])) }) });
      const r = await checkDependencies([dir], { npmRegistry: `${reg.url}/`, cacheDir: tmp('sw-cache-'), home: home(), env: {}, timeoutMs: 5000, maxResponseBytes: CAP, maxTotalBytes: 2 * CAP, concurrency: 1 });
      assert.ok(served > 2 * CAP, 'the registry offered more than the budget');
      assert.equal(r.incomplete, true);
      // Three packuments of 600 KiB fit in 2 MiB; the fourth, and the advisory answer, do not.
      assert.deepEqual(r.packages.map((p) => [p.name, p.latest ?? null]), [['p1', '1.0.0'], ['p2', '1.0.0'], ['p3', '1.0.0'], ['p4', null], ['p5', null], ['p6', null]]);
      assert.ok(r.packages.every((p) => p.status === 'unknown'), 'without advisories nothing is called clean');
      assert.match(r.notices.find((n) => !n.stale)!.message, /passed 2097152 bytes in total/);
    } finally {
      await reg.close();
    }
  });

  it('the cache folder stays under its size cap: the oldest entries are evicted', async () => {
    const names = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'];
    const pad = 'x'.repeat(4000);
    const reg = await startRegistry((req, res) => {
      const m = /^\/pypi\/(a\d)\/(?:1\.0\.0\/)?json$/.exec(req.url!);
      if (!m) return;
      res.writeHead(200, { 'content-type': 'application/json' });
      // The pad sits in a field the check keeps, so that it reaches the cache.
      res.end(JSON.stringify({ info: { version: '1.0.0', yanked_reason: pad }, releases: { '1.0.0': [{}] }, vulnerabilities: [] }));
      return true;
    });
    try {
      const cacheDir = tmp('sw-cache-');
      const dir = workspace({ 'requirements.txt': names.map((n) => `${n}==1.0.0\n`).join('') });
      const r = await checkDependencies([dir], { pypiIndex: `${reg.url}/pypi`, cacheDir, home: home(), env: {}, timeoutMs: 2000, maxCacheBytes: 20_000, concurrency: 1 });
      assert.equal(r.incomplete, false, JSON.stringify(r.notices));
      const files = filesUnder(path.join(cacheDir, 'pypi'));
      const size = files.reduce((n, f) => n + fs.statSync(path.join(cacheDir, 'pypi', f)).size, 0);
      assert.ok(files.length > 0 && files.length < names.length * 2, `${files.length} entries`);
      assert.ok(size <= 20_000, `${size} bytes cached`);
      assert.ok(!files.some((f) => f.endsWith('.tmp')), 'no temp file left');
    } finally {
      await reg.close();
    }
  });
});

describe('deps output paths (issue 12, item 15)', function () {
  this.timeout(300_000); // a hang safety net, sized for a loaded 2-core machine
  it('deps --format json: every file is relative to the cwd (findings, packages, problems)', async () => {
    const reg = await startRegistry();
    try {
      const dir = workspace({ 'web/package.json': '{"dependencies": {"lodash": "4.17.15"}}', 'api/requirements.txt': 'flask==2.0.1\n', 'broken/package.json': '{ not json' });
      const out = await runCli(['deps', dir, '--format', 'json', '--npm-registry', `${reg.url}/`, '--pypi-index', `${reg.url}/pypi`], { cwd: dir, env: cliEnv({}) });
      assert.equal(out.status, 1, out.stderr);
      const r = JSON.parse(out.stdout) as { findings: { file: string }[]; packages: { file: string }[]; problems: { file: string }[] };
      assert.ok(r.findings.length && r.packages.length && r.problems.length, out.stdout);
      const files = [...r.findings, ...r.packages, ...r.problems].map((x) => x.file);
      assert.deepEqual(files.filter((f) => path.isAbsolute(f)), [], 'no absolute path');
      assert.ok(files.includes(path.join('web', 'package.json')) && files.includes(path.join('api', 'requirements.txt')) && files.includes(path.join('broken', 'package.json')), JSON.stringify(files));
    } finally {
      await reg.close();
    }
  });
});
