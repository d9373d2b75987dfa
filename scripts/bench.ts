/**
 * `npm run bench [-- DIR...]`: files/s and lines/s of a full analysis against the bare parse
 * time of the same files, on a generated corpus, on Django's source when Debian's python3-django
 * is installed, and on any directory given. Figures go to stdout and test-output/bench.json.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { discoverFiles } from '../src/core/discovery';
import { Analyzer } from '../src/core/engine';
import { ensureLanguages, parseSync } from '../src/core/parser';
import { decodeSource, MemoryScanCache, scanPaths } from '../src/core/scanner';
import { allRules } from '../src/rules';
import { benchDependencies } from './bench-deps';
import { benchWorkers, printWorkers } from './bench-workers';
import { spawnSync } from 'node:child_process';
import { LiveDocument } from '../src/core/live-document';

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

interface ProcessRun {
  wallMs: number;
  peakRssMb: number;
  exitCode: number;
}

/** Wall time and peak RSS of a command, through /usr/bin/time when the machine has it. */
function timed(cmd: string, args: string[]): ProcessRun | undefined {
  const hasTime = fs.existsSync('/usr/bin/time');
  const start = process.hrtime.bigint();
  const r = hasTime
    ? spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
    : spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.error) return undefined;
  const kb = hasTime ? Number(/(\d+)\s*$/.exec(r.stderr ?? '')?.[1] ?? NaN) : NaN;
  return { wallMs: Math.round(wallMs), peakRssMb: Math.round(kb / 1024), exitCode: r.status ?? -1 };
}

/** Wall and CPU time (user + system, from /usr/bin/time when present) of one `sitewarden scan`. */
function cliRun(cli: string, args: string[]): { wallMs: number; cpuMs?: number } | undefined {
  const hasTime = fs.existsSync('/usr/bin/time');
  const cmd = hasTime ? '/usr/bin/time' : process.execPath;
  const full = hasTime ? ['-f', 'cpu %U %S', process.execPath, cli, ...args] : [cli, ...args];
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, full, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.error) return undefined;
  const m = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr ?? '');
  return { wallMs: Math.round(wallMs), cpuMs: m ? Math.round((Number(m[1]) + Number(m[2])) * 1000) : undefined };
}

/**
 * The CLI's persistent scan cache: a first run into an empty --cache-dir, then a second one on
 * the unchanged tree (goal: the second costs at most 10 % of the first). Workers off in both so
 * the two runs do the same kind of work.
 */
function benchScanCache(cli: string, dir: string) {
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-bench-scancache-'));
  const args = ['scan', dir, '--no-deps', '--no-progress', '--format', 'json', '--output', path.join(os.tmpdir(), 'sw-bench-cache.json'), '--cache-dir', cacheDir];
  const cold = cliRun(cli, args);
  const warm = cliRun(cli, args);
  fs.rmSync(cacheDir, { recursive: true, force: true });
  if (!cold || !warm) return undefined;
  const ratio = (a?: number, b?: number) => (a !== undefined && b ? Number(((100 * a) / b).toFixed(1)) : undefined);
  return { coldWallMs: cold.wallMs, warmWallMs: warm.wallMs, wallPercent: ratio(warm.wallMs, cold.wallMs), coldCpuMs: cold.cpuMs, warmCpuMs: warm.cpuMs, cpuPercent: ratio(warm.cpuMs, cold.cpuMs) };
}

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** The keystroke path of the editor: a LiveDocument re-checked after one-character edits. */
async function benchKeystrokes(lang: 'python' | 'javascript', lines: number, edits: number) {
  await ensureLanguages([lang]);
  const out: string[] = lang === 'python' ? ['import os', 'import hashlib', 'from flask import Flask, request', 'app = Flask(__name__)', ''] : ["const express = require('express');", "const crypto = require('crypto');", 'const app = express();', ''];
  for (let i = 0; out.length < lines; i++) {
    if (lang === 'python') out.push(`@app.route("/r${i}")`, `def view_${i}():`, `    q = request.args.get("q", "")`, `    h = hashlib.sha256(q.encode()).hexdigest()`, `    return h`, '');
    else out.push(`app.get('/r${i}', (req, res) => {`, `  const q = req.query.q || '';`, `  const h = crypto.createHash('sha256').update(q).digest('hex');`, '  res.json({ h });', '});', '');
  }
  let text = out.join('\n');
  const live = new LiveDocument(new Analyzer(allRules), lang === 'python' ? 'app.py' : 'app.js', lang);
  let start = process.hrtime.bigint();
  live.update(text);
  const fullMs = Number(process.hrtime.bigint() - start) / 1e6;
  const rows = text.split('\n');
  const times: number[] = [];
  const modes: Record<string, number> = {};
  // RSS moves with garbage not yet collected: the heap after a forced collection is the leak test.
  gc();
  const heap0 = process.memoryUsage().heapUsed;
  for (let i = 0; i < edits; i++) {
    // Typing in the middle of the file: one character at a time into an expression.
    const row = Math.floor(rows.length / 2) + (i % 40) * 3;
    const line = rows[row];
    const col = Math.min(line.length, 8);
    rows[row] = line.slice(0, col) + 'x' + line.slice(col);
    text = rows.join('\n');
    start = process.hrtime.bigint();
    const r = live.update(text);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    modes[r.mode] = (modes[r.mode] ?? 0) + 1;
  }
  const refreshStart = process.hrtime.bigint();
  live.refresh();
  const refreshMs = Number(process.hrtime.bigint() - refreshStart) / 1e6;
  gc();
  const heapGrowthMb = (process.memoryUsage().heapUsed - heap0) / 1024 / 1024;
  live.dispose();
  times.sort((a, b) => a - b);
  const pct = (p: number) => Number(times[Math.min(times.length - 1, Math.floor(times.length * p))].toFixed(2));
  return { lang, lines: rows.length, edits, p50Ms: pct(0.5), p95Ms: pct(0.95), maxMs: pct(1), firstFullMs: Number(fullMs.toFixed(1)), catchUpFullMs: Number(refreshMs.toFixed(1)), modes, heapGrowthMb: Number(heapGrowthMb.toFixed(1)) };
}

async function main(): Promise<void> {
  const root = path.join(__dirname, '..', '..');
  const cli = path.join(root, 'dist', 'cli.js');
  const results: (BenchResult & { reauditMs?: number; reauditFromCache?: number; scanCache?: ReturnType<typeof benchScanCache>; cliMs?: number; cliRssMb?: number; cliWorkersMs?: number; cliWorkersRssMb?: number; banditMs?: number; banditRssMb?: number; speedupVsBandit?: number })[] = [];
  const corpus = path.join(os.tmpdir(), 'sitewarden-bench-corpus');
  fs.rmSync(corpus, { recursive: true, force: true });
  generateCorpus(corpus, 600);
  const targets: [string, string][] = [['generated corpus (600 files)', corpus]];
  const django = '/usr/lib/python3/dist-packages/django';
  if (fs.existsSync(django)) targets.push(['Django source (python3-django)', django]);
  else console.log('(Django source not found: apt-get install python3-django to bench on it)');
  for (const d of process.argv.slice(2)) targets.push([d, d]);
  const bandit = spawnSync('bandit', ['--version'], { encoding: 'utf8' }).status === 0;
  if (!bandit) console.log('(bandit not found: apt-get install bandit to compare with it)');
  for (const [name, dir] of targets) {
    const r = await bench(name, dir);
    if (!r) continue;
    const row: (typeof results)[number] = { ...r };
    // The whole audit as a user runs it: process start, discovery, reading, analysis, report.
    // Cold (--no-cache): every comparison with a peer is of a run that analyses every file.
    const seq = timed(process.execPath, [cli, 'scan', dir, '--no-deps', '--no-progress', '--no-cache', '--format', 'json', '--output', path.join(os.tmpdir(), 'sw-bench.json')]);
    row.scanCache = benchScanCache(cli, dir);
    if (seq) Object.assign(row, { cliMs: seq.wallMs, cliRssMb: seq.peakRssMb });
    const par = timed(process.execPath, ['-e', `require(${JSON.stringify(path.join(root, 'out', 'scripts', 'bench-workers.js'))}).main(${JSON.stringify(dir)})`]);
    if (par) Object.assign(row, { cliWorkersMs: par.wallMs, cliWorkersRssMb: par.peakRssMb });
    // A re-audit in the editor: the same files, a cache of the first audit's findings.
    const cache = new MemoryScanCache();
    await scanPaths([dir], { rules: allRules, cache });
    const again = process.hrtime.bigint();
    const re = await scanPaths([dir], { rules: allRules, cache });
    row.reauditMs = Math.round(Number(process.hrtime.bigint() - again) / 1e6);
    row.reauditFromCache = re.filesFromCache;
    if (bandit) {
      const b = timed('bandit', ['-r', dir, '-q', '-f', 'json', '-o', path.join(os.tmpdir(), 'bandit-bench.json')]);
      if (b) Object.assign(row, { banditMs: b.wallMs, banditRssMb: b.peakRssMb, speedupVsBandit: row.cliMs ? Number((b.wallMs / row.cliMs).toFixed(1)) : undefined });
    }
    results.push(row);
  }
  console.log('\nWhole-tree audit (one thread unless said otherwise)');
  console.log('| tree | files | lines | parse only | analysis (in process) | ratio to parse | files/s | lines/s | `sitewarden scan` wall | peak RSS | with 2 workers | its peak RSS | Bandit wall | Bandit RSS | SiteWarden vs Bandit |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    console.log(`| ${r.name} | ${r.files} | ${r.lines} | ${r.parseMs} ms | ${r.analyzeMs} ms | ${r.ratio}× | ${r.filesPerSec} | ${r.linesPerSec} | ${r.cliMs ?? '–'} ms | ${r.cliRssMb ?? '–'} MB | ${r.cliWorkersMs ?? '–'} ms | ${r.cliWorkersRssMb ?? '–'} MB | ${r.banditMs ?? '–'} ms | ${r.banditRssMb ?? '–'} MB | ${r.speedupVsBandit ? `${r.speedupVsBandit}× faster` : '–'} |`);
  }

  console.log('\nRe-audit with the findings cache (what the editor does on a second Audit Workspace)');
  for (const r of results) console.log(`- ${r.name}: ${r.reauditMs} ms, ${r.reauditFromCache} of ${r.files} files from the cache`);

  console.log('\nCLI scan cache: a second `sitewarden scan` of the unchanged tree (--cache-dir; goal ≤ 10 % of the first)');
  console.log('| tree | first run wall | second run wall | second / first | first run CPU | second run CPU | second / first (CPU) |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of results) {
    const c = r.scanCache;
    if (c) console.log(`| ${r.name} | ${c.coldWallMs} ms | ${c.warmWallMs} ms | ${c.wallPercent} % | ${c.coldCpuMs ?? '–'} ms | ${c.warmCpuMs ?? '–'} ms | ${c.cpuPercent ?? '–'} % |`);
  }

  const keys = [await benchKeystrokes('python', 2000, 300), await benchKeystrokes('javascript', 2000, 300)];
  console.log('\nKeystroke re-check (LiveDocument.update, the path the extension runs on each change)');
  console.log('| file | edits | p50 | p95 | max | first full check | catch-up full pass | modes | JS heap growth (after GC) |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const k of keys) console.log(`| ${k.lines}-line ${k.lang} | ${k.edits} | ${k.p50Ms} ms | ${k.p95Ms} ms | ${k.maxMs} ms | ${k.firstFullMs} ms | ${k.catchUpFullMs} ms | ${JSON.stringify(k.modes)} | ${k.heapGrowthMb} MB |`);
  const memory = await benchKeystrokes('python', 2000, 1000);
  console.log(`\n1,000 edits: p95 ${memory.p95Ms} ms; JS heap after GC grew ${memory.heapGrowthMb} MB`);

  // Scan workers: 1 vs 2 vs 3 threads on Django's tree, alternating processes (scripts/bench-workers.ts).
  const workers = fs.existsSync(django) ? benchWorkers(django) : undefined;
  if (workers) printWorkers(workers);

  const deps = await benchDependencies();
  console.log(`\nDependencies: ${deps.dependencies} npm packages, registry on 127.0.0.1 answering after ${deps.latencyMs} ms`);
  console.log('| run | time |');
  console.log('|---|---|');
  console.log(`| sitewarden, cold cache | ${deps.coldMs} ms |`);
  console.log(`| sitewarden, warm cache | ${deps.warmMs} ms |`);
  console.log(`| npm outdated (same registry) | ${deps.npmOutdatedMs} ms (${deps.npmOutdatedNote}) |`);

  // Packaging and activation: the .vsix is built here; activation is measured in real VS Code by `npm run test:e2e`.
  let vsixMb: number | undefined;
  const pkg = spawnSync('npx', ['vsce', 'package', '--no-dependencies', '--out', path.join(os.tmpdir(), 'sitewarden-bench.vsix')], { cwd: root, encoding: 'utf8' });
  if (pkg.status === 0) vsixMb = Number((fs.statSync(path.join(os.tmpdir(), 'sitewarden-bench.vsix')).size / 1024 / 1024).toFixed(2));
  const figuresFile = path.join(root, 'test-output', 'e2e', 'figures.json');
  const e2e = fs.existsSync(figuresFile) ? JSON.parse(fs.readFileSync(figuresFile, 'utf8')) : undefined;
  console.log(`\n.vsix: ${vsixMb ?? '(vsce package failed)'} MB`);
  console.log(e2e ? `Activation in real VS Code (code-server, last npm run test:e2e at ${e2e.date}): ${e2e.activation_ms} ms; keystroke there p50 ${e2e.keystroke_2000_lines_p50_ms} ms, p95 ${e2e.p95_ms} ms` : 'Activation: run npm run test:e2e (real VS Code) to measure it');

  const out = path.join(root, 'test-output');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'bench.json'), JSON.stringify({ date: new Date().toISOString(), machine: { cpus: os.cpus().length, node: process.version }, rules: allRules.length, results, keystrokes: keys, thousandEdits: memory, workers, deps, vsixMb, e2e }, null, 2));
  console.log(`\nWritten to ${path.relative(process.cwd(), path.join(out, 'bench.json'))}`);
}

void main();
