/** The audit's progress counts every file the scan reads: code files and the text files (templates, .env, config). */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { scanPaths } from '../src/core/scanner';
import { allRules } from '../src/rules';

describe('scan progress', () => {
  it('reaches the number of files scanned, text files included', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-progress-'));
    try {
      fs.writeFileSync(path.join(dir, 'app.py'), 'import os\ndef f(cmd):\n    os.system(cmd)\n');
      fs.writeFileSync(path.join(dir, '.env'), 'DEBUG=1\n');
      fs.mkdirSync(path.join(dir, 'templates'));
      fs.writeFileSync(path.join(dir, 'templates', 'page.html'), '<p>{{ name|safe }}</p>\n');
      fs.writeFileSync(path.join(dir, 'settings.yml'), 'name: demo\n');
      const calls: [number, number][] = [];
      const r = await scanPaths([dir], { rules: allRules, onProgress: (done, total) => calls.push([done, total]) });
      assert.ok(r.filesScanned >= 4, `scanned ${r.filesScanned}`);
      const last = calls[calls.length - 1];
      assert.deepEqual(last, [r.filesScanned, r.filesScanned], 'the last report is every file audited');
      assert.ok(calls.every(([done, total]) => done <= total && total === last[1]), 'one total throughout');
      assert.equal(new Set(calls.slice(0, -1).map(([d]) => d)).size, r.filesScanned, 'one step per file');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
