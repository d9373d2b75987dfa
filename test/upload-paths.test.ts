import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { scanPaths } from '../src/core/scanner';
import { allRules } from '../src/rules';

async function lines(code: string): Promise<number[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-upload-'));
  fs.writeFileSync(path.join(dir, 'upload.js'), code);
  const r = await scanPaths([dir], { rules: allRules.filter((x) => x.meta.id === 'js-path-traversal') });
  return r.findings.map((f) => f.range.start.line + 1).sort((a, b) => a - b);
}

describe('uploads: what the server chose is not request data', () => {
  it("multer's req.file.path and express-fileupload's tempFilePath are the server's; the client's file name is not", async () => {
    const found = await lines([
      "const fs = require('fs');",
      "app.post('/a', upload.single('f'), async (req, res) => {",
      '  const file = req.file;',
      '  await fs.promises.readFile(file.path);',
      "  await fs.promises.unlink(req.file.path);",
      '  fs.readFileSync(req.files.doc.tempFilePath);',
      "  fs.writeFileSync('/srv/up/' + req.file.originalname, 'x');",
      "  fs.writeFileSync('/srv/up/' + req.files.doc.name, 'x');",
      '});',
    ].join('\n'));
    assert.deepEqual(found, [7, 8]);
  });
});
