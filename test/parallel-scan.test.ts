import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ScanPool } from '../src/core/parallel-scan';
import { wasmCompiles } from '../src/core/parser';
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
  // A call into another file: found through the workspace index, on whichever thread.
  fs.writeFileSync(path.join(dir, 'models.py'), 'import sqlite3\n\ndef find_user(name):\n    cur = sqlite3.connect("x.db").cursor()\n    cur.execute("SELECT * FROM users WHERE name = \'" + name + "\'")\n    return cur.fetchall()\n');
  fs.writeFileSync(path.join(dir, 'views.py'), 'from flask import request\nfrom models import find_user\n\ndef lookup():\n    return str(find_user(request.args["name"]))\n');
  return dir;
}

const FILES = 182;

const strip = (fs: { findings: unknown[] }) => JSON.stringify(fs.findings);

describe('workspace scans on worker threads', function () {
  this.timeout(300_000); // a hang safety net, sized for a loaded 2-core machine
  const dir = workspace();
  const script = scanWorkerScript();

  it('finds the worker entry in the compiled tree', () => assert.ok(script && fs.existsSync(script), String(script)));

  it('give the same findings, in the same order, as a scan on the calling thread', async () => {
    const here = await scanPaths([dir], { rules: allRules });
    const there = await scanPaths([dir], { rules: allRules, parallel: { script, workers: 2, minFiles: 1 } });
    assert.equal(there.filesScanned, FILES);
    assert.equal(there.findings.length, here.findings.length);
    assert.ok(here.findings.length >= 270, `findings: ${here.findings.length}`);
    assert.equal(strip(there), strip(here));
    assert.equal(there.linesScanned, here.linesScanned);
  });

  it('stop promptly when cancelled and keep what was done', async () => {
    let seen = 0;
    const r = await scanPaths([dir], { rules: allRules, parallel: { script, workers: 2, minFiles: 1 }, onProgress: () => seen++, isCancelled: () => seen >= 20 });
    assert.equal(r.cancelled, true);
    assert.ok(r.filesScanned >= 20 && r.filesScanned < FILES, `scanned ${r.filesScanned}`);
  });

  it('fall back to the calling thread when the workers cannot know a rule', async () => {
    const custom: Rule = { ...allRules.find((x) => x.meta.id === 'py-weak-hash')!, meta: { ...allRules.find((x) => x.meta.id === 'py-weak-hash')!.meta, id: 'custom-weak-hash' } };
    const r = await scanPaths([dir], { rules: [custom], parallel: { script, workers: 2, minFiles: 1 } });
    assert.equal(r.findings.filter((f) => f.ruleId === 'custom-weak-hash').length, 90);
    assert.deepEqual(r.errors, []);
  });

  it('the calling thread analyses too (the CLI): the same findings in the same order, the files split between the threads', async () => {
    const here = await scanPaths([dir], { rules: allRules });
    const r = await scanPaths([dir], { rules: allRules, parallel: { script, workers: 1, minFiles: 1, mainThread: true } });
    assert.equal(strip(r), strip(here));
    assert.deepEqual(r.errors, []);
    const p = r.parallel!;
    assert.equal(p.workers, 1);
    assert.ok(p.mainThreadFiles > 0, 'the main thread analysed files');
    assert.ok(p.workerFiles[0]! > 0, 'the worker analysed files');
    assert.equal(p.mainThreadFiles + p.workerFiles[0]!, FILES, 'each file once');
    // The files went out in batches, not one message per file.
    assert.ok(p.batches < p.workerFiles[0]!, `${p.batches} batches for ${p.workerFiles[0]} files`);
    assert.ok(here.findings.some((f) => f.file.endsWith('views.py') && f.ruleId.includes('sql')), 'the cross-file finding is there');
  });

  it('the workers compile no WebAssembly: the starting thread compiles each .wasm file once and shares it', async () => {
    const first = await scanPaths([dir], { rules: allRules, parallel: { script, workers: 2, minFiles: 1, filesPerWorker: 1 } });
    const compiled = wasmCompiles();
    assert.equal(first.parallel!.workers, 2);
    assert.deepEqual(first.parallel!.workerFiles.map((n) => n! > 0), [true, true]);
    assert.equal(first.parallel!.workerWasmCompiles, 0);
    // The runtime and four grammars, at most once each in this thread's life.
    assert.ok(compiled >= 1 && compiled <= 5, `compiled ${compiled}`);
    const again = await scanPaths([dir], { rules: allRules, parallel: { script, workers: 2, minFiles: 1, filesPerWorker: 1 } });
    assert.equal(wasmCompiles(), compiled, 'a second scan compiles nothing');
    assert.equal(again.parallel!.workerWasmCompiles, 0);
    assert.equal(strip(again), strip(first));
  });

  it('workers start while discovery runs (without a cache), after the cache look-up with one', async () => {
    const r = await scanPaths([dir], { rules: allRules, parallel: { script, workers: 1, minFiles: 1 } });
    assert.equal(r.parallel!.startedDuringDiscovery, 1);
    const cached = await scanPaths([dir], { rules: allRules, cache: new MemoryScanCache(), parallel: { script, workers: 1, minFiles: 1 } });
    assert.equal(cached.parallel!.startedDuringDiscovery, 0);
    assert.equal(cached.parallel!.workers, 1);
    assert.equal(strip(cached), strip(r));
  });

  it('one more worker per filesPerWorker files, up to the maximum, none below minFiles', async () => {
    const counts: number[] = [];
    for (const files of [9, 10, 109, 110, 5000]) {
      const pool = ScanPool.create({ script, workers: 3, minFiles: 10, filesPerWorker: 100 }, { ruleIds: ['py-weak-hash'], testPaths: undefined, maxFileBytes: 1 << 20 })!;
      pool.grow(files, ['python']);
      counts.push((await pool.close()).workers);
    }
    assert.deepEqual(counts, [0, 1, 1, 2, 3]);
  });

  it('stop promptly when cancelled with the main thread analysing, and keep what was done', async () => {
    let seen = 0;
    const r = await scanPaths([dir], { rules: allRules, parallel: { script, workers: 1, minFiles: 1, mainThread: true }, onProgress: () => seen++, isCancelled: () => seen >= 20 });
    assert.equal(r.cancelled, true);
    assert.ok(r.filesScanned >= 20 && r.filesScanned < FILES, `scanned ${r.filesScanned}`);
  });

  it('a re-scan with a cache analyses only what changed, and gives the same findings', async () => {
    const cache = new MemoryScanCache();
    const first = await scanPaths([dir], { rules: allRules, cache, parallel: { script, workers: 2, minFiles: 1 } });
    assert.equal(first.filesFromCache, 0);
    const again = await scanPaths([dir], { rules: allRules, cache });
    assert.equal(again.filesFromCache, FILES);
    assert.equal(strip(again), strip(first));
    fs.appendFileSync(path.join(dir, 'm7.py'), '\nimport pickle\npickle.loads(request.data)\n');
    const edited = await scanPaths([dir], { rules: allRules, cache });
    assert.equal(edited.filesFromCache, FILES - 1);
    assert.equal(edited.findings.length, first.findings.length + 1);
    const other = await scanPaths([dir], { rules: allRules.filter((r) => r.meta.id !== 'py-weak-hash'), cache });
    assert.equal(other.filesFromCache, 0, 'another rule set does not reuse the entries');
  });
});
