/**
 * `npm run bench [-- DIR...]`: files/s and lines/s of a full analysis against the bare parse
 * time of the same files, on a generated corpus, on Django's source when Debian's python3-django
 * is installed, and on any directory given. Figures go to stdout and test-output/bench.json.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { discoverFiles } from '../src/core/discovery';
import { Analyzer } from '../src/core/engine';
import { ensureLanguages, parseSync } from '../src/core/parser';
import { decodeSource } from '../src/core/scanner';
import { allRules } from '../src/rules';
import { benchDependencies } from './bench-deps';

interface BenchResult {
  name: string;
  files: number;
  lines: number;
  parseMs: number;
  analyzeMs: number;
  ratio: number;
  filesPerSec: number;
  linesPerSec: number;
  peakRssMb: number;
}

/** A deterministic corpus of Flask-, Django- and Express-like files. */
function generateCorpus(dir: string, files: number): void {
  let seed = 1;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const py = (i: number) => {
    const out = ['import os', 'import hashlib', 'import subprocess', 'from flask import Flask, request, jsonify', '', `app = Flask("m${i}")`, ''];
    for (let f = 0; f < 12; f++) {
      out.push(`@app.route("/r${f}/<item>")`, `def view_${f}(item):`, '    """Handler."""', '    q = request.args.get("q", "")');
      for (let k = 0; k < 10; k++) {
        const pick = rnd(6);
        if (pick === 0) out.push(`    cur.execute("SELECT * FROM t WHERE id = %s", (item,))`);
        else if (pick === 1) out.push(`    digest = hashlib.sha256(q.encode()).hexdigest()`);
        else if (pick === 2) out.push(`    subprocess.run(["ls", "-l", item], check=True)`);
        else if (pick === 3) out.push(`    data = {"a": ${k}, "b": [x * 2 for x in range(${k})]}`);
        else if (pick === 4) out.push(`    if q and len(q) > ${k}:`, `        q = q.strip().lower()`);
        else out.push(`    value_${k} = os.environ.get("V${k}", "default")`);
      }
      out.push('    return jsonify({"ok": True})', '');
    }
    return out.join('\n');
  };
  const js = (i: number) => {
    const out = ["const express = require('express');", "const crypto = require('crypto');", 'const app = express();', ''];
    for (let f = 0; f < 12; f++) {
      out.push(`app.get('/r${i}/${f}/:id', async (req, res) => {`, '  const id = req.params.id;');
      for (let k = 0; k < 10; k++) {
        const pick = rnd(5);
        if (pick === 0) out.push(`  const rows = await pool.query('SELECT * FROM t WHERE id = $1', [id]);`);
        else if (pick === 1) out.push(`  const h${k} = crypto.createHash('sha256').update(id).digest('hex');`);
        else if (pick === 2) out.push(`  const list${k} = [1, 2, 3].map((x) => x * ${k});`);
        else if (pick === 3) out.push(`  if (id.length > ${k}) { res.set('X-${k}', String(${k})); }`);
        else out.push(`  const v${k} = process.env.V${k} || 'd';`);
      }
      out.push('  res.json({ ok: true });', '});', '');
    }
    return out.join('\n');
  };
  fs.mkdirSync(dir, { recursive: true });
  for (let i = 0; i < files; i++) fs.writeFileSync(path.join(dir, i % 2 ? `m${i}.js` : `m${i}.py`), i % 2 ? js(i) : py(i));
}

async function bench(name: string, root: string): Promise<BenchResult | undefined> {
  const found = discoverFiles([root]).files;
  if (found.length === 0) return undefined;
  await ensureLanguages(new Set(found.map((f) => f.language)));
  const texts = found.map((f) => ({ lang: f.language, path: f.path, text: decodeSource(fs.readFileSync(f.path)) }));
  const lines = texts.reduce((a, t) => a + t.text.split('\n').length, 0);
  for (const t of texts.slice(0, 20)) parseSync(t.lang, t.text).delete(); // warm up
  let start = process.hrtime.bigint();
  for (const t of texts) parseSync(t.lang, t.text).delete();
  const parseMs = Number(process.hrtime.bigint() - start) / 1e6;
  const analyzer = new Analyzer(allRules);
  start = process.hrtime.bigint();
  for (const t of texts) analyzer.analyzeSync(t.path, t.text, t.lang).tree.delete();
  const analyzeMs = Number(process.hrtime.bigint() - start) / 1e6;
  return {
    name,
    files: texts.length,
    lines,
    parseMs: Math.round(parseMs),
    analyzeMs: Math.round(analyzeMs),
    ratio: Number((analyzeMs / parseMs).toFixed(2)),
    filesPerSec: Math.round(texts.length / (analyzeMs / 1000)),
    linesPerSec: Math.round(lines / (analyzeMs / 1000)),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

async function main(): Promise<void> {
  const results: BenchResult[] = [];
  const corpus = path.join(os.tmpdir(), 'sitewarden-bench-corpus');
  fs.rmSync(corpus, { recursive: true, force: true });
  generateCorpus(corpus, 600);
  const targets: [string, string][] = [['generated corpus (600 files)', corpus]];
  for (const d of ['/usr/lib/python3/dist-packages/django']) if (fs.existsSync(d)) targets.push(['Django source (python3-django)', d]);
  for (const d of process.argv.slice(2)) targets.push([d, d]);
  for (const [name, dir] of targets) {
    const r = await bench(name, dir);
    if (r) results.push(r);
  }
  console.log('| tree | files | lines | parse only | full analysis | ratio | files/s | lines/s | peak RSS |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    console.log(`| ${r.name} | ${r.files} | ${r.lines} | ${r.parseMs} ms | ${r.analyzeMs} ms | ${r.ratio}× | ${r.filesPerSec} | ${r.linesPerSec} | ${r.peakRssMb} MB |`);
  }
  const deps = await benchDependencies();
  console.log(`\nDependencies: ${deps.dependencies} npm packages, registry on 127.0.0.1 answering after ${deps.latencyMs} ms`);
  console.log('| run | time |');
  console.log('|---|---|');
  console.log(`| sitewarden, cold cache | ${deps.coldMs} ms |`);
  console.log(`| sitewarden, warm cache | ${deps.warmMs} ms |`);
  console.log(`| npm outdated (same registry) | ${deps.npmOutdatedMs} ms (${deps.npmOutdatedNote}) |`);
  const out = path.join(__dirname, '..', '..', 'test-output');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'bench.json'), JSON.stringify({ date: new Date().toISOString(), rules: allRules.length, results, deps }, null, 2));
}

void main();
