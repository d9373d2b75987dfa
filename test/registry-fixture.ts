import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { spawn } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import * as semver from 'semver';

/** One request as the fixture registry saw it. */
export interface Seen {
  method: string;
  url: string;
  auth?: string;
  body?: Record<string, string[]>;
  ifNoneMatch?: string;
}

export interface NpmAdvisoryFixture {
  id: number;
  url: string;
  title: string;
  severity: string;
  vulnerable_versions: string;
}

/** What the registry serves: npm packuments and advisories, PyPI documents by path (`/pypi/flask/json`). */
export interface RegistryData {
  packuments?: Record<string, object>;
  advisories?: Record<string, NpmAdvisoryFixture[]>;
  pypi?: Record<string, object>;
}

export interface FixtureRegistry {
  url: string;
  host: string;
  seen: Seen[];
  /** `down`: every request is answered 503; `etag`: packuments carry this ETag and 304 on a match. */
  ctl: { down?: boolean; etag?: string };
  close: () => Promise<void>;
}

/**
 * A registry on 127.0.0.1 with fixture data. The bulk advisory endpoint answers as npm's does:
 * for each package, the advisories whose vulnerable range covers one of the versions asked about.
 */
export function startFixtureRegistry(data: RegistryData): Promise<FixtureRegistry> {
  const seen: Seen[] = [];
  const ctl: FixtureRegistry['ctl'] = {};
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const s: Seen = { method: req.method!, url: req.url!, auth: req.headers.authorization, ifNoneMatch: req.headers['if-none-match'] as string | undefined };
      if (req.method === 'POST' && raw.length) s.body = JSON.parse((req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString());
      seen.push(s);
      const json = (code: number, body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(code, { 'content-type': 'application/json', ...headers });
        res.end(code === 304 ? undefined : JSON.stringify(body));
      };
      if (ctl.down) return json(503, { error: 'down' });
      const url = decodeURIComponent(req.url!.split('?')[0]);
      if (req.method === 'POST' && url.endsWith('/-/npm/v1/security/advisories/bulk')) {
        const out: Record<string, NpmAdvisoryFixture[]> = {};
        for (const [name, versions] of Object.entries(s.body ?? {})) {
          const hit = (data.advisories?.[name] ?? []).filter((a) => versions.some((v) => semver.satisfies(v, a.vulnerable_versions)));
          if (hit.length) out[name] = hit;
        }
        return json(200, out);
      }
      if (data.pypi?.[url]) return json(200, data.pypi[url]);
      const name = url.slice(1);
      const p = data.packuments?.[name];
      if (p) {
        if (ctl.etag && s.ifNoneMatch === ctl.etag) return json(304, undefined, { etag: ctl.etag });
        return json(200, p, ctl.etag ? { etag: ctl.etag } : {});
      }
      json(404, { error: 'not found' });
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      resolve({ url: `http://127.0.0.1:${port}`, host: `127.0.0.1:${port}`, seen, ctl, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) });
    }),
  );
}

/** A fresh folder holding `files` (paths may contain folders). */
export function workspaceOf(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-deps2-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

export const tmpDir = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));

/** A PyPI project document and its release documents: `releases` maps a version to its advisories (ids → fixed_in), `yanked` lists yanked ones. */
export function pypiProject(name: string, latest: string, releases: Record<string, { id: string; fixed_in: string[]; aliases?: string[] }[]>, yanked: string[] = []): Record<string, object> {
  const out: Record<string, object> = {
    [`/pypi/${name}/json`]: { info: { version: latest }, releases: Object.fromEntries(Object.keys(releases).map((v) => [v, [{ yanked: yanked.includes(v) }]])) },
  };
  for (const [v, vulns] of Object.entries(releases)) out[`/pypi/${name}/${v}/json`] = { info: { version: v, yanked: yanked.includes(v) }, vulnerabilities: vulns };
  return out;
}

const CLI = path.join(__dirname, '..', '..', 'dist', 'cli.js');

/**
 * The CLI in a child process, asynchronously: the fixture registry lives in this process, and
 * spawnSync would block the loop that answers it. HOME and XDG_CACHE_HOME are fresh folders.
 */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, HOME: tmpDir('sw-home-'), XDG_CACHE_HOME: tmpDir('sw-xdg-'), ...env } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (c) => (stdout += c));
    p.stderr.on('data', (c) => (stderr += c));
    p.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
