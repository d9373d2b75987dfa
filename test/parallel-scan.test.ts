import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Rule } from '../src/core/rule';
import { MemoryScanCache, scanPaths } from '../src/core/scanner';
import { allRules } from '../src/rules';
import { scanWorkerScript } from '../src/workers/locate';

/** A workspace big enough to be spread over workers, with findings in many files. */
function workspace(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-par-'));
  for (let i = 0; i < 90; i++) {
    const py = `import hashlib, subprocess\nfrom flask import request\n\ndef v${i}():\n    subprocess.call(request.args["c"], shell=True)\n    return hashlib.md5(b"${i}").hexdigest()\n`;
    const js = `const { exec } = require('child_process');\nmodule.exports = (req) => exec('ls ' + req.query.d${i});\n`;
    fs.writeFileSync(path.join(dir, `m${i}.py`), py);
    fs.writeFileSync(path.join(dir, `s${i}.js`), js);
  }
  return dir;
}

const strip = (fs: { findings: unknown[] }) => JSON.stringify(fs.findings);

describe('workspace scans on worker threads', function () {
  this.timeout(300_000); // a hang safety net, sized for a loaded 2-core machine
  const dir = workspace();
  const script = scanWorkerScript();

  it('finds the worker entry in the compiled tree', () => assert.ok(script && fs.existsSync(script), String(script)));

  it('give the same findings, in the same order, as a scan on the calling thread', async () => {
    const here = await scanPaths([dir], { rules: allRules });
    const there = await scanPaths([dir], { rules: allRules, parallel: { script, workers: 2, minFiles: 1 } });
    assert.equal(there.filesScanned, 180);
    assert.equal(there.findings.length, here.findings.length);
    assert.ok(here.findings.length >= 270, `findings: ${here.findings.length}`);
    assert.equal(strip(there), strip(here));
    assert.equal(there.linesScanned, here.linesScanned);
  });

  it('stop promptly when cancelled and keep what was done', async () => {
    let seen = 0;
    const r = await scanPaths([dir], { rules: allRules, parallel: { script, workers: 2, minFiles: 1 }, onProgress: () => seen++, isCancelled: () => seen >= 20 });
    assert.equal(r.cancelled, true);
    assert.ok(r.filesScanned >= 20 && r.filesScanned < 180, `scanned ${r.filesScanned}`);
  });

  it('fall back to the calling thread when the workers cannot know a rule', async () => {
    const custom: Rule = { ...allRules.find((x) => x.meta.id === 'py-weak-hash')!, meta: { ...allRules.find((x) => x.meta.id === 'py-weak-hash')!.meta, id: 'custom-weak-hash' } };
    const r = await scanPaths([dir], { rules: [custom], parallel: { script, workers: 2, minFiles: 1 } });
    assert.equal(r.findings.filter((f) => f.ruleId === 'custom-weak-hash').length, 90);
    assert.deepEqual(r.errors, []);
  });

  it('a re-scan with a cache analyses only what changed, and gives the same findings', async () => {
    const cache = new MemoryScanCache();
    const first = await scanPaths([dir], { rules: allRules, cache, parallel: { script, workers: 2, minFiles: 1 } });
    assert.equal(first.filesFromCache, 0);
    const again = await scanPaths([dir], { rules: allRules, cache });
    assert.equal(again.filesFromCache, 180);
    assert.equal(strip(again), strip(first));
    fs.appendFileSync(path.join(dir, 'm7.py'), '\nimport pickle\npickle.loads(request.data)\n');
    const edited = await scanPaths([dir], { rules: allRules, cache });
    assert.equal(edited.filesFromCache, 179);
    assert.equal(edited.findings.length, first.findings.length + 1);
    const other = await scanPaths([dir], { rules: allRules.filter((r) => r.meta.id !== 'py-weak-hash'), cache });
    assert.equal(other.filesFromCache, 0, 'another rule set does not reuse the entries');
  });
});
