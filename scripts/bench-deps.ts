/**
 * Dependency-check benchmark: a 300-dependency package.json against a registry on 127.0.0.1
 * that answers after 100 ms, cold (empty cache) and warm, and `npm outdated` against the same
 * registry for comparison.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { checkDependencies } from '../src/deps/check';

const COUNT = 300;
const LATENCY_MS = 100;

export interface DepsBench {
  dependencies: number;
  latencyMs: number;
  coldMs: number;
  warmMs: number;
  npmOutdatedMs?: number;
  npmOutdatedNote?: string;
}

function serve(): Promise<{ url: string; close: () => void }> {
  const server = http.createServer((req, res) => {
    setTimeout(() => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const name = decodeURIComponent((req.url ?? '/').slice(1).split('?')[0]);
        res.setHeader('content-type', 'application/json');
        res.setHeader('cache-control', 'public, max-age=300');
        if (req.method === 'POST') return res.end('{}');
        const m = /^pkg-(\d+)$/.exec(name);
        if (!m) {
          res.statusCode = 404;
          return res.end('{}');
        }
        const versions: Record<string, object> = {};
        for (const v of ['1.0.0', '1.1.0', '1.2.0', '2.0.0']) versions[v] = { name, version: v, dist: { tarball: `http://127.0.0.1/${name}-${v}.tgz`, shasum: '0' } };
        res.setHeader('etag', `"${name}-v1"`);
        res.end(JSON.stringify({ name, 'dist-tags': { latest: '2.0.0' }, versions, modified: '2026-01-01T00:00:00.000Z' }));
      });
    }, LATENCY_MS);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, close: () => { server.closeAllConnections(); server.close(); } })));
}

function time(cmd: string, args: string[], cwd: string, limitMs: number): Promise<{ ms: number; code: number | null }> {
  return new Promise((resolve) => {
    const t = Date.now();
    const p = spawn(cmd, args, { cwd, stdio: 'ignore', env: { ...process.env, npm_config_cache: path.join(cwd, '.npm-cache'), npm_config_audit: 'false', npm_config_fund: 'false' } });
    const timer = setTimeout(() => p.kill('SIGKILL'), limitMs);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ ms: Date.now() - t, code });
    });
  });
}

export async function benchDependencies(): Promise<DepsBench> {
  const reg = await serve();
  try {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-bench-deps-'));
    const deps: Record<string, string> = {};
    const lock: Record<string, { version: string }> = { '': { version: '1.0.0' } };
    for (let i = 0; i < COUNT; i++) {
      deps[`pkg-${i}`] = '^1.0.0';
      lock[`node_modules/pkg-${i}`] = { version: '1.0.0' };
    }
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'bench', version: '1.0.0', dependencies: deps }, null, 2));
    fs.writeFileSync(path.join(dir, 'package-lock.json'), JSON.stringify({ name: 'bench', lockfileVersion: 3, packages: lock }));
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-bench-cache-'));
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-bench-home-'));
    let t = Date.now();
    const cold = await checkDependencies([dir], { npmRegistry: reg.url, cacheDir, home });
    const coldMs = Date.now() - t;
    if (cold.findings.filter((f) => f.ruleId === 'dep-outdated').length !== COUNT) throw new Error('benchmark check did not see every dependency');
    t = Date.now();
    await checkDependencies([dir], { npmRegistry: reg.url, cacheDir, home });
    const warmMs = Date.now() - t;
    const npm = await time('npm', ['outdated', '--registry', reg.url], dir, 300_000);
    return { dependencies: COUNT, latencyMs: LATENCY_MS, coldMs, warmMs, npmOutdatedMs: npm.ms, npmOutdatedNote: `exit ${npm.code} (1 means outdated packages were found)` };
  } finally {
    reg.close();
  }
}

if (require.main === module) {
  void benchDependencies().then((r) => console.log(JSON.stringify(r, null, 2)));
}
