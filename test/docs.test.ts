import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DOCS_DIR, expectedDocs } from '../scripts/gen-rule-docs';

describe('rule docs pages', () => {
  it('docs/rules matches the rule modules (run `npm run docs` after changing a rule)', () => {
    const stale: string[] = [];
    for (const [file, text] of expectedDocs()) {
      const p = path.join(DOCS_DIR, file);
      if (!fs.existsSync(p) || fs.readFileSync(p, 'utf8') !== text) stale.push(file);
    }
    assert.deepEqual(stale, [], 'stale or missing pages: run `npm run docs`');
  });
});
