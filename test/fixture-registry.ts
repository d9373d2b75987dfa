import * as http from 'node:http';
import * as semver from 'semver';
import { gunzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';

/** An advisory as npm's bulk endpoint answers it. */
export interface BulkAdvisory {
  id: number;
  url: string;
  title: string;
  severity: 'low' | 'moderate' | 'high' | 'critical';
  vulnerable_versions: string;
  cwe?: string[];
}

export interface FixtureData {
  /** npm packuments by name (versions may carry dependencies and dist, as npm reads them). */
  packuments?: Record<string, unknown>;
  /** npm advisories by package name. */
  advisories?: Record<string, BulkAdvisory[]>;
  /** PyPI JSON API documents by path (`/pypi/flask/json`, `/pypi/flask/2.0.1/json`). */
  pypi?: Record<string, unknown>;
}

export interface Request {
  method: string;
  url: string;
  body?: unknown;
}

/**
 * A registry on 127.0.0.1 serving npm packuments, the npm bulk advisory endpoint and the PyPI
 * JSON API from fixture data. The bulk endpoint answers as the real one: for each name asked
 * about, the advisories whose vulnerable range contains one of the versions asked about. npm
 * itself (`npm audit --registry`) can be pointed at it.
 */
export function startFixtureRegistry(data: FixtureData): Promise<{ url: string; requests: Request[]; close: () => Promise<void> }> {
  const requests: Request[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const url = decodeURIComponent(req.url!.split('?')[0]);
      const r: Request = { method: req.method!, url };
      requests.push(r);
      const json = (code: number, body: unknown) => {
        res.writeHead(code, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.method === 'POST' && url === '/-/npm/v1/security/advisories/bulk') {
        const asked = JSON.parse((req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString() || '{}') as Record<string, string[]>;
        r.body = asked;
        const out: Record<string, BulkAdvisory[]> = {};
        for (const [name, versions] of Object.entries(asked)) {
          const hits = (data.advisories?.[name] ?? []).filter((a) => versions.some((v) => semver.valid(v) && semver.satisfies(v, a.vulnerable_versions)));
          if (hits.length) out[name] = hits;
        }
        return json(200, out);
      }
      if (req.method === 'POST') return json(404, { error: 'not found' });
      if (data.pypi && Object.prototype.hasOwnProperty.call(data.pypi, url)) return json(200, data.pypi[url]);
      const name = url.slice(1);
      if (data.packuments && Object.prototype.hasOwnProperty.call(data.packuments, name)) return json(200, data.packuments[name]);
      json(404, { error: 'not found' });
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      resolve({
        url: `http://127.0.0.1:${port}`,
        requests,
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      });
    }),
  );
}
