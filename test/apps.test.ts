import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { scanPaths } from '../src/core/scanner';
import { allRules } from '../src/rules';

const FIX = path.join(__dirname, '..', '..', 'test', 'fixtures');

/** Lines marked `VULN` must carry a finding, lines marked `safe` none. */
function marked(dir: string): { vuln: Set<string>; safe: Set<string> } {
  const vuln = new Set<string>();
  const safe = new Set<string>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else fs.readFileSync(p, 'utf8').split('\n').forEach((l, i) => {
        if (/(#|\/\/) VULN\b/.test(l)) vuln.add(`${p}:${i + 1}`);
        if (/(#|\/\/) safe\b/.test(l)) safe.add(`${p}:${i + 1}`);
      });
    }
  };
  walk(dir);
  return { vuln, safe };
}

for (const app of ['flask-app', 'express-app']) {
  describe(`scan of the ${app} written for the tests`, () => {
    it('flags every line marked VULN and nothing else', async () => {
      const dir = path.join(FIX, app);
      const r = await scanPaths([dir], { rules: allRules });
      const flagged = new Set(r.findings.filter((f) => !f.suppression).map((f) => `${f.file}:${f.range.start.line + 1}`));
      const { vuln, safe } = marked(dir);
      assert.ok(vuln.size >= 5);
      assert.deepEqual([...vuln].filter((l) => !flagged.has(l)), [], 'missed');
      assert.deepEqual([...flagged].filter((l) => !vuln.has(l)), [], 'flagged beyond the VULN lines');
      assert.deepEqual([...safe].filter((l) => flagged.has(l)), [], 'safe variants flagged');
    });
  });
}
