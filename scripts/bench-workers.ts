/**
 * Scan workers (`npm run bench`, or `node out/scripts/bench-workers.js DIR [RUNS]` for this part
 * alone): wall and CPU time of whole-tree scans with 0, 1 and 2 workers besides the main thread,
 * as separate processes, alternating (the machine may be shared: runs of one kind are spread
 * over the same minutes as the others), and the fixed start of a worker. From those: the CPU
 * efficiency of N threads against one and a model for more cores (see `model`).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ScanPool } from '../src/core/parallel-scan';
import { scanPaths } from '../src/core/scanner';
import { allRules } from '../src/rules';
import { scanWorkerScript } from '../src/workers/locate';

const root = path.join(__dirname, '..', '..');
/** The bundled worker: what the CLI and the editor start. */
const bundledWorker = path.join(root, 'dist', 'scan-worker.js');
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** `npm run bench`'s "with 2 workers" column: a whole-tree scan with two scan workers. */
export async function main(dir: string): Promise<void> {
  const r = await scanPaths([dir], { rules: allRules, parallel: { script: scanWorkerScript(), workers: 2 } });
  process.stdout.write(`${r.filesScanned} files, ${r.findings.length} findings\n`);
}

/** One scan in this process (a child of `benchWorkers`): its phases, CPU of every thread, what each thread did. */
async function child(dir: string, workers: number): Promise<void> {
  let discoveredAt = 0;
  let cpuAtDiscovery = 0;
  const t0 = performance.now();
  const r = await scanPaths([dir], {
    rules: allRules,
    parallel: { script: bundledWorker, mainThread: true, workers },
    afterDiscovery: () => {
      discoveredAt = performance.now();
      cpuAtDiscovery = cpuMs();
    },
  });
  const end = performance.now();
  const out = { sinceStartMs: end, scanMs: end - t0, discoveryMs: discoveredAt - t0, cpuAtDiscoveryMs: cpuAtDiscovery, cpuMs: cpuMs(), peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024), files: r.filesScanned, findings: r.findings.length, parallel: r.parallel };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

/** A worker's fixed start, alone: spawn, bundle, instance, grammar, then end (in a child). */
async function childStart(workers: number): Promise<void> {
  const before = cpuMs();
  const t0 = performance.now();
  const pool = ScanPool.create({ script: bundledWorker, workers, minFiles: 1, filesPerWorker: 1 }, { ruleIds: allRules.filter((r) => r.meta.language !== 'text').map((r) => r.meta.id), testPaths: undefined, maxFileBytes: 1 << 20 })!;
  pool.grow(workers, ['python']);
  await pool.close(); // answers after its start (the grammar loaded) is done
  process.stdout.write(`${JSON.stringify({ cpuMs: cpuMs() - before, wallMs: performance.now() - t0 })}\n`);
}

interface Run {
  workers: number;
  wallMs: number;
  cpuMs: number;
  discoveryMs?: number;
  /** CPU of the process when discovery was over (its start, loading, the walk). */
  cpuAtDiscoveryMs: number;
  peakRssMb: number;
  mainThreadFiles?: number;
  files: number;
}

const range = (xs: number[]) => (xs.length ? { min: Math.round(Math.min(...xs)), median: Math.round([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]), max: Math.round(Math.max(...xs)) } : undefined);

function runChild(args: string[]): Record<string, unknown> | undefined {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [__filename, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  const line = (r.stdout ?? '').trim().split('\n').pop();
  if (r.status !== 0 || !line) return undefined;
  return { ...JSON.parse(line), processWallMs: wallMs };
}

/**
 * The model for more cores, in CPU time (a loaded machine stretches wall time, not CPU time),
 * from the medians measured here:
 * - `serialCpuMs`: what only the main thread does before analysis (process start, loading,
 *   the walk): the 1-thread run's CPU when discovery was over;
 * - `analysisCpuMs`: the analysis on one thread (1-thread CPU minus the serial part);
 * - `threadCpuMs`: what each further thread adds (the 1-worker run's CPU minus the 1-thread
 *   run's: its start, its JIT warm-up, cross-file summaries made again on it).
 * With a core for each thread: CPU(N) = CPU(1) + (N-1)·threadCpuMs, efficiency CPU(1)/CPU(N),
 * wall(N) ≈ serialCpuMs + (analysisCpuMs + (N-1)·threadCpuMs)/N (the workers' start overlaps
 * discovery, and the batches keep every thread busy to the end).
 */
function model(one: Run[], two: Run[]) {
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const c1 = med(one.map((r) => r.cpuMs));
  const serialCpuMs = med(one.map((r) => r.cpuAtDiscoveryMs));
  const threadCpuMs = Math.max(0, med(two.map((r) => r.cpuMs)) - c1);
  const analysisCpuMs = c1 - serialCpuMs;
  const at = (n: number) => {
    const cpu = c1 + (n - 1) * threadCpuMs;
    const wall = serialCpuMs + (analysisCpuMs + (n - 1) * threadCpuMs) / n;
    return { cores: n, cpuMs: Math.round(cpu), efficiency: Number((c1 / cpu).toFixed(2)), wallMs: Math.round(wall), speedup: Number((c1 / wall).toFixed(2)) };
  };
  return { serialCpuMs: Math.round(serialCpuMs), analysisCpuMs: Math.round(analysisCpuMs), threadCpuMs: Math.round(threadCpuMs), cores: [1, 2, 4, 8, 16].map(at) };
}

/** Alternating runs of 0, 1 and 2 workers on `dir`; figures for README "Performance" and bench.json. */
export function benchWorkers(dir: string, runs = 4) {
  const byWorkers: Record<number, Run[]> = { 0: [], 1: [], 2: [] };
  for (let k = 0; k < runs; k++) {
    for (const w of k % 2 ? [2, 1, 0] : [0, 1, 2]) {
      const r = runChild(['--child', dir, String(w)]);
      if (!r) continue;
      const par = r.parallel as { mainThreadFiles?: number } | undefined;
      byWorkers[w].push({ workers: w, wallMs: r.processWallMs as number, cpuMs: r.cpuMs as number, discoveryMs: r.discoveryMs as number, cpuAtDiscoveryMs: r.cpuAtDiscoveryMs as number, peakRssMb: r.peakRssMb as number, files: r.files as number, mainThreadFiles: par?.mainThreadFiles });
    }
  }
  const starts = Array.from({ length: runs }, () => runChild(['--start', '1'])).filter((r): r is Record<string, unknown> => !!r);
  const summary = Object.fromEntries(
    Object.entries(byWorkers).map(([w, rs]) => [
      `${Number(w) + 1} thread${w === '0' ? '' : 's'}`,
      { wallMs: range(rs.map((r) => r.wallMs)), cpuMs: range(rs.map((r) => r.cpuMs)), peakRssMb: range(rs.map((r) => r.peakRssMb)), discoveryMs: range(rs.map((r) => r.discoveryMs ?? 0)), mainThreadFiles: range(rs.map((r) => r.mainThreadFiles ?? r.files)), runs: rs.map((r) => ({ wallMs: Math.round(r.wallMs), cpuMs: Math.round(r.cpuMs) })) },
    ]),
  );
  const eff = (n: number) => {
    const c1 = byWorkers[0].map((r) => r.cpuMs);
    const cn = byWorkers[n].map((r) => r.cpuMs);
    return c1.length && cn.length ? Number((c1.reduce((a, b) => a + b, 0) / c1.length / (cn.reduce((a, b) => a + b, 0) / cn.length)).toFixed(2)) : undefined;
  };
  return {
    dir,
    machine: { cpus: os.cpus().length, loadavg: os.loadavg().map((l) => Number(l.toFixed(1))), node: process.version },
    files: byWorkers[0][0]?.files,
    ...summary,
    cpuEfficiency: { '2 threads': eff(1), '3 threads': eff(2) },
    workerStart: { cpuMs: range(starts.map((s) => s.cpuMs as number)), wallMs: range(starts.map((s) => s.wallMs as number)) },
    model: byWorkers[0].length && byWorkers[1].length ? model(byWorkers[0], byWorkers[1]) : undefined,
  };
}

export function printWorkers(r: ReturnType<typeof benchWorkers>): void {
  console.log(`\nScan workers on ${r.dir} (${r.files} files; ${r.machine.cpus} cores, load ${r.machine.loadavg.join(' ')}): separate processes, alternating`);
  console.log('| threads | wall min / median / max | CPU min / median / max | peak RSS | files on the main thread |');
  console.log('|---|---|---|---|---|');
  for (const k of ['1 thread', '2 threads', '3 threads'] as const) {
    const s = (r as unknown as Record<string, { wallMs?: ReturnType<typeof range>; cpuMs?: ReturnType<typeof range>; peakRssMb?: ReturnType<typeof range>; mainThreadFiles?: ReturnType<typeof range> }>)[k];
    const f = (x?: ReturnType<typeof range>, unit = 'ms') => (x ? `${x.min} / ${x.median} / ${x.max} ${unit}` : '–');
    if (s) console.log(`| ${k} | ${f(s.wallMs)} | ${f(s.cpuMs)} | ${f(s.peakRssMb, 'MB')} | ${s.mainThreadFiles ? `${s.mainThreadFiles.min}–${s.mainThreadFiles.max}` : '–'} |`);
  }
  console.log(`CPU efficiency (CPU of 1 thread / CPU of N): ${JSON.stringify(r.cpuEfficiency)}; a worker's start alone: ${JSON.stringify(r.workerStart)}`);
  if (r.model) {
    console.log(`Model: serial ${r.model.serialCpuMs} ms, analysis ${r.model.analysisCpuMs} ms CPU on one thread, each further thread +${r.model.threadCpuMs} ms CPU`);
    for (const c of r.model.cores) console.log(`  ${c.cores} cores: wall ≈ ${c.wallMs} ms (${c.speedup}×), CPU ≈ ${c.cpuMs} ms, efficiency ${c.efficiency}`);
  }
}

if (require.main === module) {
  const [a, b, c] = process.argv.slice(2);
  if (a === '--child') void child(b, Number(c));
  else if (a === '--start') void childStart(Number(b));
  else if (a) {
    const r = benchWorkers(a, b ? Number(b) : 4);
    printWorkers(r);
    const out = path.join(root, 'test-output');
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, 'bench-workers.json'), JSON.stringify({ date: new Date().toISOString(), ...r }, null, 2));
  } else console.log('usage: node out/scripts/bench-workers.js DIR [RUNS]');
}
