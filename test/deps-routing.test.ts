import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { checkDependencies, type CheckOptions } from '../src/deps/check';
import { pypiProject, startFixtureRegistry, tmpDir, workspaceOf, type FixtureRegistry } from './registry-fixture';

// Issue 16, "registries like the package managers do": pip's index options, the user's PIP_*
// variables, Poetry and Pipfile sources route their packages (a private package's name never
// reaches the public index), npm's global npmrc, npm_config_* and a monorepo root's .npmrc
// route npm look-ups, and PyPI requests go through the user's proxy. Every registry is a real
// server on 127.0.0.1; "public" stands for pypi.org / registry.npmjs.org.

const PUBLIC_PYPI = { ...pypiProject('flask', '2.3.2', { '2.3.2': [] }) };
const PRIVATE_PYPI = { ...pypiProject('corp-lib', '1.0.0', { '1.0.0': [] }), ...pypiProject('flask', '3.0.0', { '3.0.0': [] }) };
const pkg = (name: string) => ({ name, 'dist-tags': { latest: '1.0.0' }, versions: { '1.0.0': {} } });

/** A forward proxy on 127.0.0.1 (CONNECT tunnels and absolute-URI requests), recording the targets. */
function startProxy(): Promise<{ url: string; targets: string[]; close: () => Promise<void> }> {
  const targets: string[] = [];
  const server = http.createServer((req, res) => {
    targets.push(req.url!);
    const u = new URL(req.url!);
    const up = http.request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode!, r.headers);
      r.pipe(res);
    });
    req.pipe(up);
  });
  server.on('connect', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    targets.push(req.url!);
    const [host, port] = req.url!.split(':');
    const up = net.connect(Number(port), host, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      up.write(head);
      up.pipe(socket);
      socket.pipe(up);
    });
    up.on('error', () => socket.destroy());
    socket.on('error', () => up.destroy());
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      resolve({ url: `http://127.0.0.1:${port}`, targets, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) });
    }),
  );
}

describe('deps: registries routed like the package managers (issue 16)', function () {
  this.timeout(300_000);
  let pub: FixtureRegistry;
  let priv: FixtureRegistry;
  beforeEach(async () => {
    pub = await startFixtureRegistry({ pypi: PUBLIC_PYPI, packuments: { lodash: pkg('lodash'), '@acme/ui': pkg('@acme/ui') } });
    priv = await startFixtureRegistry({ pypi: PRIVATE_PYPI, packuments: { '@acme/ui': pkg('@acme/ui'), lodash: pkg('lodash') } });
  });
  afterEach(async () => {
    await pub.close();
    await priv.close();
  });

  const opts = (o: Partial<CheckOptions> = {}): CheckOptions => ({ pypiIndex: `${pub.url}/pypi`, cacheDir: tmpDir('sw-cache-'), home: tmpDir('sw-home-'), env: {}, timeoutMs: 2000, ...o });
  const names = (r: FixtureRegistry) => r.seen.map((s) => s.url.split('/').filter(Boolean)[1] ?? s.url);
  const asked = (r: FixtureRegistry, name: string) => r.seen.some((s) => s.url.includes(`/${name}/`) || s.url === `/${name}` || s.url === `/${name.replace('/', '%2f')}`);

  it('requirements --index-url replaces the default index: nothing goes to the public one', async () => {
    const dir = workspaceOf({ 'requirements.txt': `--index-url ${priv.url}/simple\ncorp-lib==1.0.0\nflask==3.0.0\n` });
    const r = await checkDependencies([dir], opts());
    assert.deepEqual(r.packages.map((p) => [p.name, p.status]).sort(), [['corp-lib', 'ok'], ['flask', 'ok']], JSON.stringify(r.notices));
    assert.equal(pub.seen.length, 0, `public index asked: ${names(pub)}`);
    assert.ok(r.hostsContacted.includes(priv.url) && !r.hostsContacted.includes(pub.url));
  });

  it('--extra-index-url (in the file or PIP_EXTRA_INDEX_URL) is asked first: the private name never reaches the public index', async () => {
    for (const [files, env] of [
      [{ 'requirements.txt': `--extra-index-url ${priv.url}/simple\ncorp-lib==1.0.0\nflask==2.3.2\n` }, {}],
      [{ 'requirements.txt': 'corp-lib==1.0.0\nflask==2.3.2\n' }, { PIP_EXTRA_INDEX_URL: `${priv.url}/simple/` }],
    ] as const) {
      pub.seen.length = 0;
      const r = await checkDependencies([workspaceOf(files)], opts({ env }));
      assert.equal(r.packages.find((p) => p.name === 'corp-lib')?.status, 'ok', JSON.stringify(r.notices));
      assert.ok(!asked(pub, 'corp-lib'), `the public index saw ${names(pub)}`);
      assert.ok(asked(priv, 'corp-lib'));
    }
  });

  it('Poetry: a dependency with source = "corp" is looked up there only; the others on the default index', async () => {
    const toml = `[tool.poetry.dependencies]\npython = "^3.11"\nflask = "2.3.2"\ncorp-lib = { version = "1.0.0", source = "corp" }\n\n[[tool.poetry.source]]\nname = "corp"\nurl = "${priv.url}/simple/"\npriority = "explicit"\n`;
    const r = await checkDependencies([workspaceOf({ 'pyproject.toml': toml })], opts());
    assert.equal(r.packages.find((p) => p.name === 'corp-lib')?.status, 'ok', JSON.stringify(r.notices));
    assert.ok(!asked(pub, 'corp-lib') && asked(priv, 'corp-lib'));
    assert.ok(asked(pub, 'flask') && !asked(priv, 'flask'), 'an explicit source serves only the packages that name it');
  });

  it('Pipfile: the first [[source]] serves every package; index = "…" picks another', async () => {
    const pipfile = `[[source]]\nname = "corp"\nurl = "${priv.url}/simple"\nverify_ssl = false\n\n[[source]]\nname = "pypi"\nurl = "https://pypi.org/simple"\n\n[packages]\ncorp-lib = "==1.0.0"\nflask = { version = "==2.3.2", index = "pypi" }\n`;
    const r = await checkDependencies([workspaceOf({ Pipfile: pipfile })], opts());
    assert.deepEqual(r.packages.map((p) => [p.name, p.status]).sort(), [['corp-lib', 'ok'], ['flask', 'ok']], JSON.stringify(r.notices));
    assert.ok(!asked(pub, 'corp-lib') && asked(priv, 'corp-lib'));
    assert.ok(asked(pub, 'flask'), 'the source named pypi.org is the user\'s public index (--pypi-index here)');
  });

  it('no ${VAR} expansion from a workspace file: the URL is taken literally, nothing is read from the environment', async () => {
    const port = new URL(priv.url).port;
    const dir = workspaceOf({ 'requirements.txt': `--index-url http://127.0.0.1:\${CORP_PORT}/simple\ncorp-lib==1.0.0\n` });
    const r = await checkDependencies([dir], opts({ env: { CORP_PORT: port } }));
    assert.equal(priv.seen.length, 0, 'the variable was not expanded into the URL');
    assert.equal(pub.seen.length, 0, 'and the name did not fall through to the public index');
    assert.equal(r.incomplete, true, 'the package could not be checked: said, not hidden');
  });

  it('PyPI requests go through the user\'s HTTP(S)_PROXY, and not for hosts in NO_PROXY', async () => {
    const proxy = await startProxy();
    try {
      const dir = workspaceOf({ 'requirements.txt': 'flask==2.3.2\n' });
      const via = await checkDependencies([dir], opts({ env: { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url } }));
      assert.equal(via.packages[0].status, 'ok', JSON.stringify(via.notices));
      assert.ok(proxy.targets.some((t) => t.includes(new URL(pub.url).port)), `the proxy carried the look-up: ${proxy.targets}`);
      assert.ok(via.hostsContacted.includes(proxy.url));
      proxy.targets.length = 0;
      const direct = await checkDependencies([dir], opts({ env: { HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' } }));
      assert.equal(direct.packages[0].status, 'ok');
      assert.deepEqual(proxy.targets, [], 'NO_PROXY bypasses the proxy');
    } finally {
      await proxy.close();
    }
  });

  it('npm: npm_config_registry and npm_config_@scope:registry from the environment route look-ups', async () => {
    const dir = workspaceOf({ 'package.json': '{"dependencies": {"lodash": "1.0.0", "@acme/ui": "1.0.0"}}' });
    const r = await checkDependencies([dir], opts({ env: { npm_config_registry: `${pub.url}/`, 'npm_config_@acme:registry': `${priv.url}/` } }));
    assert.deepEqual(r.packages.map((p) => p.status), ['ok', 'ok'], JSON.stringify(r.notices));
    assert.ok(asked(priv, '@acme/ui') && !asked(pub, '@acme/ui'));
    assert.ok(asked(pub, 'lodash'));
  });

  it('npm: the global npmrc ($PREFIX/etc/npmrc) routes a scope and its token goes to that registry only', async () => {
    const prefix = tmpDir('sw-prefix-');
    fs.mkdirSync(path.join(prefix, 'etc'));
    fs.writeFileSync(path.join(prefix, 'etc', 'npmrc'), `registry=${pub.url}/\n@acme:registry=${priv.url}/\n//${priv.host}/:_authToken=global-token\n`);
    const dir = workspaceOf({ 'package.json': '{"dependencies": {"lodash": "1.0.0", "@acme/ui": "1.0.0"}}' });
    const r = await checkDependencies([dir], opts({ env: { npm_config_prefix: prefix } }));
    assert.deepEqual(r.packages.map((p) => p.status), ['ok', 'ok'], JSON.stringify(r.notices));
    const scoped = priv.seen.find((s) => s.url === '/@acme%2fui');
    assert.equal(scoped?.auth, 'Bearer global-token');
    assert.ok(pub.seen.every((s) => s.auth === undefined) && !asked(pub, '@acme/ui'));
  });

  it('npm monorepo: a workspace member reads the root .npmrc as well as its own, so @acme never reaches the public registry', async () => {
    const root = workspaceOf({
      '.npmrc': `registry=${pub.url}/\n@acme:registry=${priv.url}/\n`,
      'package.json': '{"name": "mono", "workspaces": ["packages/*"]}',
      'packages/app/package.json': '{"dependencies": {"@acme/ui": "1.0.0", "lodash": "1.0.0"}}',
    });
    const r = await checkDependencies([root], opts());
    assert.deepEqual(r.packages.map((p) => [p.name, p.status]).sort(), [['@acme/ui', 'ok'], ['lodash', 'ok']], JSON.stringify(r.notices));
    assert.ok(asked(priv, '@acme/ui') && !asked(pub, '@acme/ui'));
    assert.deepEqual(r.hostsContacted, [pub.url, priv.url].sort());
  });
});
