import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Analyzer, applyEdits } from '../src/core/engine';
import { WorkspaceIndex } from '../src/core/workspace-index';
import { LiveDocument } from '../src/core/live-document';
import { detectLanguage } from '../src/core/languages';
import { ensureLanguages } from '../src/core/parser';
import type { Finding } from '../src/core/types';
import { allRules } from '../src/rules';

before(() => ensureLanguages(['python', 'javascript', 'typescript', 'tsx']));

const root = path.join(__dirname, '..', '..', 'test');
const analyzer = new Analyzer(allRules);
const wholeFile = new Set(allRules.filter((r) => analyzer.isWholeFile(r)).map((r) => r.meta.id));

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return detectLanguage(p) ? [p] : [];
  });
}

/** What a user sees of a finding: where, what, and what the quick fix would do. */
function shown(fs: readonly Finding[], skip: ReadonlySet<string> = new Set()): string[] {
  return fs.filter((f) => !skip.has(f.ruleId)).map((f) => JSON.stringify([f.ruleId, f.range, f.message, f.severity, f.confidence, f.suppression ?? null, f.related ?? null, f.flow ?? null, f.fix?.edits ?? null]));
}

/** Deterministic pseudo-random numbers, so a failure names the seed that reproduces it. */
function prng(seed: number): (n: number) => number {
  let x = seed >>> 0 || 1;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

const STEPS = Number(process.env.SITEWARDEN_LIVE_STEPS ?? 25);
const SNIPPETS = ['x', ' ', '\n', '(', ')', '"', "'", ':', '#', '//', 'request.args["q"]', 'os.system(cmd)', 'eval(x)', '\n    y = 1\n', 'import os\n', 'const a = 1;\n', '{', '}', 'def f():\n    pass\n', '`${a}`'];

/** One typing-like edit: insert a snippet, delete a few characters, or duplicate a line. */
function randomEdit(text: string, rnd: (n: number) => number): string {
  const at = rnd(text.length + 1);
  switch (rnd(4)) {
    case 0:
    case 1:
      return text.slice(0, at) + SNIPPETS[rnd(SNIPPETS.length)] + text.slice(at);
    case 2:
      return text.slice(0, at) + text.slice(Math.min(text.length, at + 1 + rnd(3)));
    default: {
      const lines = text.split('\n');
      const i = rnd(lines.length);
      lines.splice(i, 0, lines[i]);
      return lines.join('\n');
    }
  }
}

describe('live documents: re-checking only the edited statements', function () {
  this.timeout(300_000); // a hang safety net, sized for a loaded 2-core machine
  const files = [...sourceFiles(path.join(root, 'corpus')), ...sourceFiles(path.join(root, 'fixtures', 'flask-app')), ...sourceFiles(path.join(root, 'fixtures', 'express-app'))];

  it('gives what a full analysis gives after every edit (whole-file rules after the catch-up pass)', () => {
    assert.ok(files.length >= 10, `corpus files: ${files.length}`);
    const modes = { full: 0, partial: 0, unchanged: 0 };
    // Both analyses see the same workspace index (cross-file summaries), holding the edited text.
    const index = new WorkspaceIndex({ root, files, analyzer });
    for (const [i, file] of files.entries()) {
      const lang = detectLanguage(file)!;
      const rnd = prng(1000 + i);
      let text = fs.readFileSync(file, 'utf8');
      index.setText(file, text);
      const live = new LiveDocument(analyzer, file, lang, { workspace: index.forFile() });
      try {
        live.update(text);
        let revertTo: string | undefined;
        for (let step = 0; step < STEPS; step++) {
          const before = text;
          // An edit that broke the syntax is undone next (as a typist would finish or undo it),
          // so the file stays mostly well-formed over many steps; the undo is checked too.
          text = revertTo ?? randomEdit(text, rnd);
          revertTo = undefined;
          index.setText(file, text);
          const r = live.update(text);
          modes[r.mode]++;
          const fresh = analyzer.analyzeSync(file, text, lang, { workspace: index.forFile() });
          const expected = fresh.findings;
          if (fresh.tree.rootNode.hasError) revertTo = before;
          fresh.tree.delete();
          const why = `${path.relative(root, file)}, seed ${1000 + i}, step ${step}, ${r.mode}; edit at ${[...before].findIndex((c, k) => c !== text[k])}`;
          const skip = r.mode === 'partial' ? wholeFile : new Set<string>();
          assert.deepEqual(shown(r.findings, skip), shown(expected, skip), why);
          if (step % 5 === 4) assert.deepEqual(shown(live.refresh().findings), shown(expected), `${why}, after the full pass`);
        }
      } finally {
        live.dispose();
      }
    }
    console.log(`      re-check modes over ${files.length} files: ${JSON.stringify(modes)}`);
    assert.ok(modes.partial > modes.full, `most edits re-check only what they touched: ${JSON.stringify(modes)}`);
  });

  it('edits that leave syntax errors in many functions still re-check only the edited one, and agree with a full analysis', () => {
    const lines: string[] = ['import os', 'import hashlib', 'from flask import Flask, request', 'app = Flask(__name__)', ''];
    for (let i = 0; lines.length < 600; i++) lines.push(`@app.route("/r${i}")`, `def view_${i}():`, `    q = request.args.get("q", "")`, `    h = hashlib.md5(q.encode()).hexdigest()`, `    return os.system(q)`, '');
    const live = new LiveDocument(analyzer, 'big.py', 'python');
    try {
      live.update(lines.join('\n'));
      let partial = 0;
      for (let i = 0; i < 60; i++) {
        // Column 4 of successive lines: `    xreturn …` and the like are syntax errors that stay.
        const row = 300 + (i % 50);
        lines[row] = lines[row].slice(0, 4) + 'x' + lines[row].slice(4);
        const text = lines.join('\n');
        const r = live.update(text);
        if (r.mode === 'partial') partial++;
        const fresh = analyzer.analyzeSync('big.py', text, 'python');
        assert.deepEqual(shown(r.findings, wholeFile), shown(fresh.findings, wholeFile), `edit ${i}`);
        fresh.tree.delete();
      }
      assert.ok(partial >= 55, `partial re-checks: ${partial} of 60`);
    } finally {
      live.dispose();
    }
  });

  it('renaming a function nobody calls stays partial; renaming an imported name re-checks everything', () => {
    const code = 'import hashlib\nfrom flask import request\n\ndef a():\n    return hashlib.md5(b"x")\n\ndef helper():\n    return 1\n';
    const live = new LiveDocument(analyzer, 'app.py', 'python');
    try {
      assert.deepEqual(live.update(code).findings.map((f) => f.ruleId), ['py-weak-hash']);
      const renamed = live.update(code.replace('def helper()', 'def helper2()'));
      assert.equal(renamed.mode, 'partial');
      const shadow = live.update(code.replace('def helper()', 'def helper2()').replace('def a():', 'def a():\n    hashlib = object()'));
      assert.equal(shadow.mode, 'partial');
      const current = code.replace('def helper()', 'def helper2()').replace('def a():', 'def a():\n    hashlib = object()');
      live.update(current.replace('hashlib = object()\n', ''));
      const imp = live.update(current.replace('hashlib = object()\n', '').replace('import hashlib', 'import hashlib as h'));
      assert.equal(imp.mode, 'full');
      assert.match(imp.fullReason ?? '', /hashlib/);
      // `hashlib` is now an unbound name, which still means the module (as Python would fail on it).
      assert.deepEqual(imp.findings.map((f) => f.ruleId), ['py-weak-hash']);
    } finally {
      live.dispose();
    }
  });

  it('moves findings after the edit to their new lines and keeps their fixes pointing at the code', () => {
    const code = 'import yaml\n\ndef a():\n    pass\n\ndef b(s):\n    return yaml.load(s)\n';
    const live = new LiveDocument(analyzer, 'app.py', 'python');
    try {
      const first = live.update(code).findings.find((f) => f.ruleId === 'py-unsafe-deserialization');
      assert.ok(first, 'yaml.load is flagged');
      const edited = code.replace('    pass\n', '    pass\n    pass\n    pass\n');
      const r = live.update(edited);
      assert.equal(r.mode, 'partial');
      const moved = r.findings.find((f) => f.ruleId === 'py-unsafe-deserialization')!;
      assert.equal(moved.range.start.line, first.range.start.line + 2);
      assert.ok(moved.fix, 'the yaml.load finding carries its fix');
      assert.equal(applyEdits(edited, moved.fix.edits), edited.replace('yaml.load(s)', 'yaml.safe_load(s)'));
    } finally {
      live.dispose();
    }
  });
});
