// Tree-sitter's WebAssembly build has a 64 KB stack; its error recovery recurses, and on some
// malformed input (found by `npm run fuzz`: a block, a name followed by two strings, then over a
// thousand nested calls) the stack runs over the module's static data and the parse traps.
// That instance is then unusable ("table index is out of bounds" on the next `new Parser()`).
// These tests hold SiteWarden to what a user needs: the file is reported as not analysed, and
// everything else (later files, other open documents, worker scans) keeps working.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Analyzer } from '../src/core/engine';
import { LiveDocument } from '../src/core/live-document';
import { ensureLanguages, isLanguageLoaded, ParserCrashError, parseSync, runtimeRestarts, treeSitter } from '../src/core/parser';
import type { Rule } from '../src/core/rule';
import { scanPaths } from '../src/core/scanner';
import { allRules } from '../src/rules';
import { scanWorkerScript } from '../src/workers/locate';

const ROOT = path.join(__dirname, '..', '..');
const ALL = ['python', 'javascript', 'typescript', 'tsx'] as const;
/** The smallest trigger found by reducing the fuzz input (1,200 calls already trap). */
const TRIGGER = '{a"" ""' + 'f('.repeat(2000);
const FUZZ_INPUT = fs.readFileSync(path.join(ROOT, 'test', 'fuzz', 'crashes', 'js-empty-string-runs.txt'), 'utf8');

const GOOD_JS = "const { exec } = require('child_process');\nmodule.exports = (req) => exec('ls ' + req.query.dir);\n";
const GOOD_PY = 'import hashlib\n\ndef digest(b):\n    return hashlib.md5(b).hexdigest()\n';

describe('a parser crash inside WebAssembly', function () {
  this.timeout(300_000); // a hang safety net, sized for a loaded 2-core machine
  const analyzer = new Analyzer(allRules);
  before(() => ensureLanguages(ALL));
  // Other test files parse after this one: leave them a loaded instance.
  after(() => ensureLanguages(ALL));

  for (const [name, text] of [['the reduced trigger', TRIGGER], ['the input the fuzzer found', FUZZ_INPUT]] as const) {
    it(`on ${name} is a ParserCrashError, and the next parse gets a new instance that works`, async () => {
      const restarts = runtimeRestarts();
      const before = treeSitter();
      assert.throws(() => analyzer.analyzeSync('bad.js', text, 'javascript'), (e: unknown) => {
        assert.ok(e instanceof ParserCrashError, String(e));
        assert.match((e as Error).message, /tree-sitter \(javascript\) crashed on this file \(memory access out of bounds|function signature mismatch|table index/);
        return true;
      });
      assert.equal(runtimeRestarts(), restarts + 1);
      // Nothing of the dead instance is used: its grammars are gone until loaded again.
      assert.equal(isLanguageLoaded('python'), false);
      assert.throws(() => parseSync('python', GOOD_PY), /not loaded/);
      await ensureLanguages(['python', 'javascript']);
      assert.notEqual(treeSitter(), before, 'a fresh copy of web-tree-sitter, so a fresh WebAssembly instance');
      const js = analyzer.analyzeSync('good.js', GOOD_JS, 'javascript');
      assert.deepEqual(js.findings.map((f) => f.ruleId), ['js-command-injection']);
      const py = analyzer.analyzeSync('good.py', GOOD_PY, 'python');
      assert.deepEqual(py.findings.map((f) => f.ruleId), ['py-weak-hash']);
      js.tree.delete();
      py.tree.delete();
    });
  }

  it('does not take down open documents: their next edit is analysed on the new instance', async () => {
    await ensureLanguages(ALL);
    const doc = new LiveDocument(analyzer, 'open.py', 'python');
    doc.update(GOOD_PY);
    assert.deepEqual(doc.current.map((f) => f.ruleId), ['py-weak-hash']);
    assert.throws(() => analyzer.analyzeSync('bad.js', TRIGGER, 'javascript'), ParserCrashError);
    await ensureLanguages(['python']);
    const edited = GOOD_PY.replace('md5', 'sha1');
    const r = doc.update(edited);
    assert.equal(r.mode, 'full'); // the old tree died with its instance: parsed again from scratch
    assert.deepEqual(r.findings.map((f) => [f.ruleId, f.range.start.line]), [['py-weak-hash', 3]]);
    const fresh = analyzer.analyzeSync('open.py', edited, 'python');
    assert.deepEqual(r.findings, fresh.findings);
    fresh.tree.delete();
    // Incremental again afterwards.
    assert.equal(doc.update(edited + '\n\ndef other():\n    return 1\n').mode, 'partial');
    doc.dispose();
  });

  it('in a rule is not blamed on the rule: the file stops, the instance is replaced', async () => {
    await ensureLanguages(ALL);
    const base = allRules.find((r) => r.meta.id === 'py-weak-hash')!;
    const trapping: Rule = {
      ...base,
      meta: { ...base.meta, id: 'test-trapping-rule' },
      create: () => ({
        call: () => {
          throw new (globalThis as unknown as { WebAssembly: { RuntimeError: new (m: string) => Error } }).WebAssembly.RuntimeError('memory access out of bounds');
        },
      }),
    };
    const blamed: string[] = [];
    const restarts = runtimeRestarts();
    assert.throws(() => new Analyzer([trapping]).analyzeSync('x.py', GOOD_PY, 'python', { onRuleError: (id) => blamed.push(id) }), ParserCrashError);
    assert.deepEqual(blamed, []);
    assert.equal(runtimeRestarts(), restarts + 1);
  });

  for (const workers of [0, 2]) {
    it(`in a workspace scan${workers ? ' on worker threads' : ''}: the file is reported, the files after it are analysed`, async () => {
      await ensureLanguages(ALL);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-crash-'));
      try {
        // Files are analysed in path order: good ones before and after each crashing one.
        fs.writeFileSync(path.join(dir, 'a_before.js'), GOOD_JS);
        fs.writeFileSync(path.join(dir, 'b_crash.js'), TRIGGER);
        fs.writeFileSync(path.join(dir, 'c_after.py'), GOOD_PY);
        fs.writeFileSync(path.join(dir, 'd_crash.ts'), FUZZ_INPUT);
        for (let i = 0; i < 6; i++) fs.writeFileSync(path.join(dir, `e_after${i}.js`), GOOD_JS);
        const parallel = workers ? { script: scanWorkerScript(), workers, minFiles: 1 } : undefined;
        const r = await scanPaths([dir], { rules: allRules, parallel });
        assert.deepEqual(r.errors.map((e) => path.basename(e.path)).sort(), ['b_crash.js', 'd_crash.ts']);
        for (const e of r.errors) assert.match(e.message, /tree-sitter \((javascript|typescript)\) crashed on this file/);
        assert.equal(r.filesScanned, 8);
        const byFile = new Map<string, string[]>();
        for (const f of r.findings) byFile.set(path.basename(f.file), [...(byFile.get(path.basename(f.file)) ?? []), f.ruleId]);
        assert.deepEqual(byFile.get('a_before.js'), ['js-command-injection']);
        assert.deepEqual(byFile.get('c_after.py'), ['py-weak-hash']);
        for (let i = 0; i < 6; i++) assert.deepEqual(byFile.get(`e_after${i}.js`), ['js-command-injection'], `e_after${i}.js`);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
