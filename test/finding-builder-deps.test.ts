import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkDependencies } from '../src/deps/check';
import { DEPENDENCY_RULES } from '../src/deps/rules';
import { buildFinding } from '../src/core/finding';
import { stableFingerprints } from '../src/core/report/fingerprint';

// PyPI answers for one outdated pin, from a server on 127.0.0.1.
const PYPI: Record<string, unknown> = {
  '/pypi/flask/json': { info: { version: '3.0.0' }, releases: { '2.0.1': [{}], '3.0.0': [{}] } },
  '/pypi/flask/2.0.1/json': { info: { version: '2.0.1' }, vulnerabilities: [] },
};

describe('one finding builder: dependency findings', () => {
  let server: http.Server;
  let url = '';
  const asked: string[] = [];
  before(async () => {
    server = http.createServer((req, res) => {
      const p = (req.url ?? '').split('?')[0];
      asked.push(p);
      const body = PYPI[p];
      res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body ?? {}));
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  it('a dependency finding is the builder\'s finding for the same fields (snippet "name spec", fingerprint)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-builder-deps-'));
    fs.writeFileSync(path.join(dir, 'requirements.txt'), 'flask==2.0.1\n');
    const r = await checkDependencies([dir], {
      pypiIndex: `${url}/pypi`, npmRegistry: `${url}/`, timeoutMs: 60_000,
      cacheDir: fs.mkdtempSync(path.join(os.tmpdir(), 'sw-cache-')), home: fs.mkdtempSync(path.join(os.tmpdir(), 'sw-home-')),
    });
    assert.deepEqual(r.findings.map((f) => f.ruleId), ['dep-outdated'], `${JSON.stringify(r.notices)} asked ${asked.join(', ')}`);
    const f = r.findings[0];
    const meta = DEPENDENCY_RULES.find((x) => x.meta.id === 'dep-outdated')!.meta;
    const direct = buildFinding({ meta, file: f.file, range: f.range, lineText: 'flask ==2.0.1', message: f.message, severity: 'low', confidence: 'high', fix: f.fix });
    assert.equal(f.snippet, 'flask ==2.0.1');
    assert.ok(f.fix, 'the outdated pin has an update fix');
    assert.equal(JSON.stringify(f), JSON.stringify(direct));
    const rel = (x: { file: string }) => path.relative(dir, x.file);
    assert.deepEqual(stableFingerprints([f], rel), stableFingerprints([direct], rel));
  });
});
