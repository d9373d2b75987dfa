import * as fs from 'node:fs';
import * as nodeModule from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { DiscoveredFile } from './discovery';
import type { SkipReason } from './skip-reasons';
import type { AnalyzeOptions } from './engine';
import { compiledWasmFiles, type CompiledWasm } from './parser';
import type { Finding, LanguageId } from './types';

/** What a scan worker is given when it starts (`workerData`), before discovery has finished. */
export interface WorkerStart {
  ruleIds: string[];
  testPaths: AnalyzeOptions['testPaths'];
  /** Size cap of the guarded read (the same as discovery's). */
  maxFileBytes: number;
  /** The runtime and grammars compiled by the starting thread (src/core/parser.ts): the worker compiles none. */
  wasm: Record<string, CompiledWasm>;
  /** Languages discovery has found so far: their grammars are loaded while it goes on. */
  languages: LanguageId[];
}

/** A file to analyse, as a worker gets it (in batches). */
export interface FileJob {
  index: number;
  path: string;
  relPath: string;
  language: LanguageId;
  root?: string;
}

/** Messages to a worker: the workspace index's files (once, before any file), batches, the end. */
export type ToWorker =
  | { kind: 'roots'; crossFileRoots?: [string, string[]][] }
  | { kind: 'files'; jobs: FileJob[] }
  | { kind: 'end' };

/** Messages from a worker: each file's outcome, and what it did when told the scan is over. */
export type FromWorker = { kind: 'outcome'; outcome: FileOutcome } | { kind: 'stats'; files: number; wasmCompiles: number };

/** One file's outcome, from a worker or the calling thread. */
export interface FileOutcome {
  index: number;
  findings?: Finding[];
  lines?: number;
  error?: string;
  /** The error was a parser crash. */
  crashed?: boolean;
  /** The guarded read refused the file (swapped, grown, gone): a skip, not an analysis error. */
  refused?: { reason: SkipReason; detail?: string };
  ruleErrors?: { ruleId: string; message: string }[];
  /** Files the findings depend on through the workspace index (see `CachedFile.deps`). */
  deps?: Record<string, string>;
}

export interface ParallelOptions {
  /** The worker entry (`dist/scan-worker.js` in the bundle); without one, no workers. */
  script: string | undefined;
  /**
   * Workers at most; by default one per core but one (the calling thread's core: it analyses
   * too, or, in an editor, stays free for the user). No fixed cap: see `minFiles`.
   */
  workers?: number;
  /**
   * The first worker starts when discovery has found this many files: below it a scan stays on
   * the calling thread, since a worker's start costs more than it saves.
   */
  minFiles?: number;
  /**
   * One more worker for each further this many files, up to `workers`: a worker costs a fixed
   * start (bundle, instance, JIT warm-up), paid back only by enough files.
   */
  filesPerWorker?: number;
  /**
   * The calling thread analyses files too, taking them from the same queue between handing
   * out batches (the CLI). Off in an editor, whose thread must stay responsive.
   */
  mainThread?: boolean;
}

/** What the threads of one parallel scan did (tests count the work; `npm run bench` reports it). */
export interface ParallelStats {
  /** Workers started (some may have found nothing left to do). */
  workers: number;
  /** Files analysed on the calling thread while the workers ran. */
  mainThreadFiles: number;
  /** Files analysed by each worker, in start order (undefined: it died before saying). */
  workerFiles: (number | undefined)[];
  /** `.wasm` files the workers compiled themselves: 0, they instantiate the shared modules. */
  workerWasmCompiles: number;
  /** Batches handed out. */
  batches: number;
}

const cores = (): number => os.availableParallelism?.() ?? os.cpus().length;

/** One worker per core but the calling thread's; in an editor at least one. */
export function defaultWorkers(mainThread = false): number {
  return Math.max(mainThread ? 0 : 1, cores() - 1);
}

const DEFAULT_MIN_FILES = 64;
/**
 * A further thread costs about as much CPU as analysing 115 of Django's files (its start, its
 * JIT warm-up: `node out/scripts/bench-workers.js`, README "Performance"): with 160 files more
 * per worker its share of the work stays above what it costs.
 */
const DEFAULT_FILES_PER_WORKER = 160;

type CompileCacheApi = { enableCompileCache?: () => { directory?: string } | undefined; getCompileCacheDir?: () => string | undefined };
const compileCacheApi = nodeModule as unknown as CompileCacheApi;

/**
 * Node's on-disk compile cache (`module.enableCompileCache`, Node ≥ 22.1; nothing before): the
 * CLI turns it on for its own thread at start. An optimisation, never a reason to fail.
 */
export function enableCompileCache(): void {
  try {
    compileCacheApi.enableCompileCache?.();
  } catch {
    /* not available: the bundle is compiled as before */
  }
}

/**
 * The workers' environment: the compile cache on for them too (where Node has one), in the
 * directory this thread uses, else the user's NODE_COMPILE_CACHE, else Node's default. It does
 * not turn the cache on for the calling thread (an editor's extension host is not ours).
 */
function workerEnv(): NodeJS.ProcessEnv {
  if (typeof compileCacheApi.enableCompileCache !== 'function') return process.env;
  const dir = compileCacheApi.getCompileCacheDir?.() || process.env.NODE_COMPILE_CACHE || path.join(os.tmpdir(), 'node-compile-cache');
  return { ...process.env, NODE_COMPILE_CACHE: dir };
}

interface PoolWorker {
  worker: Worker;
  /** Indexes (into the run's files) handed to it and not answered yet. */
  inFlight: Set<number>;
  /** The size of the last batch it was given. */
  batch: number;
  dead: boolean;
  /** Whether it has the run's workspace-index files. */
  hasRoots: boolean;
  stats?: { files: number; wasmCompiles: number };
  statsArrived?: () => void;
  exited: Promise<void>;
}

/**
 * The scan workers of one scan. They are started early — while discovery walks the tree, as soon
 * as it has found `minFiles` files, one more per further `minFiles` — so that loading the bundle,
 * instantiating the shared WebAssembly modules and loading grammars overlap the walk. `run` then
 * streams the files to them in batches and, with `mainThread`, analyses files on the calling
 * thread too. A worker that fails to start or dies leaves its unanswered files to the caller.
 */
export class ScanPool {
  private readonly workers: PoolWorker[] = [];
  private readonly max: number;
  private readonly minFiles: number;
  private readonly perWorker: number;
  private onMessage?: (w: PoolWorker, m: FromWorker) => void;
  private onGone?: (w: PoolWorker) => void;
  private batches = 0;
  private mainThreadFiles = 0;

  /** Undefined when these options start no worker (no script, no core to spare). */
  static create(p: ParallelOptions | undefined, start: Omit<WorkerStart, 'wasm' | 'languages'>): ScanPool | undefined {
    if (!p?.script || !fs.existsSync(p.script)) return undefined;
    const pool = new ScanPool(p, start);
    return pool.max >= 1 ? pool : undefined;
  }

  private constructor(
    private readonly p: ParallelOptions,
    private readonly start: Omit<WorkerStart, 'wasm' | 'languages'>,
  ) {
    this.max = p.workers ?? defaultWorkers(p.mainThread);
    this.minFiles = Math.max(1, p.minFiles ?? DEFAULT_MIN_FILES);
    this.perWorker = Math.max(1, p.filesPerWorker ?? DEFAULT_FILES_PER_WORKER);
  }

  /** Workers started so far. */
  get started(): number {
    return this.workers.length;
  }

  /** Whether a scan of this many files is worth spreading over workers. */
  worthIt(files: number): boolean {
    return files >= this.minFiles;
  }

  /** Starts the workers `files` files are worth: one at `minFiles`, one more per `filesPerWorker`, up to the maximum. */
  grow(files: number, languages: Iterable<LanguageId>): void {
    const want = files < this.minFiles ? 0 : Math.min(this.max, 1 + Math.floor((files - this.minFiles) / this.perWorker));
    if (this.workers.length >= want) return;
    const setup: WorkerStart = { ...this.start, wasm: compiledWasmFiles(), languages: [...new Set(languages)] };
    while (this.workers.length < want) this.spawn(setup);
  }

  private spawn(setup: WorkerStart): void {
    const worker = new Worker(this.p.script!, { workerData: setup, env: workerEnv() });
    let exited!: () => void;
    const w: PoolWorker = { worker, inFlight: new Set(), batch: 0, dead: false, hasRoots: false, exited: new Promise<void>((r) => (exited = r)) };
    const gone = () => {
      if (w.dead) return;
      w.dead = true;
      this.onGone?.(w);
    };
    worker.on('message', (m: FromWorker) => {
      if (m.kind === 'stats') {
        w.stats = { files: m.files, wasmCompiles: m.wasmCompiles };
        w.statsArrived?.();
      } else this.onMessage?.(w, m);
    });
    worker.on('error', gone);
    worker.on('exit', () => {
      gone();
      exited();
    });
    this.workers.push(w);
  }

  /**
   * Analyses `files`: batches to the workers, the rest of the time files on this thread when
   * `local` is given. Outcomes come back per file (index into `files`); the caller keeps
   * document order. Cancelling stops handing out files and ends the workers; files handed out
   * and not answered then have no outcome, as do the files of a worker that died.
   */
  async run(
    files: readonly DiscoveredFile[],
    crossFileRoots: [string, string[]][] | undefined,
    on: { outcome: (o: FileOutcome) => void; isCancelled?: () => boolean; local?: (index: number) => Promise<void> },
  ): Promise<{ cancelled: boolean }> {
    let next = 0;
    let cancelled = false;
    let localBusy = false;
    let finished!: () => void;
    const done = new Promise<void>((r) => (finished = r));
    const live = () => this.workers.filter((w) => !w.dead);
    const threads = () => live().length + (on.local ? 1 : 0);
    // Guided batches: large while much is left, down to one file at the end so that the
    // threads finish together; a worker holds two batches, so it never waits for this thread.
    const batchSize = () => Math.max(1, Math.min(32, Math.ceil((files.length - next) / (4 * Math.max(1, threads())))));
    const check = () => {
      if (!cancelled && on.isCancelled?.()) cancelled = true;
      if (cancelled) {
        for (const w of this.workers) void w.worker.terminate();
        finished();
        return;
      }
      // All handed out (or no worker left to take the rest: the caller analyses it) and answered.
      const workers = live();
      if ((next >= files.length || (workers.length === 0 && !on.local)) && !localBusy && workers.every((w) => w.inFlight.size === 0)) finished();
    };
    const feed = (w: PoolWorker) => {
      if (w.dead || cancelled) return;
      if (!w.hasRoots) {
        w.worker.postMessage({ kind: 'roots', crossFileRoots } satisfies ToWorker);
        w.hasRoots = true;
      }
      while (next < files.length && w.inFlight.size <= w.batch) {
        const size = batchSize();
        const jobs: FileJob[] = [];
        for (; jobs.length < size && next < files.length; next++) {
          const f = files[next];
          jobs.push({ index: next, path: f.path, relPath: f.relPath, language: f.language, ...(f.root !== undefined ? { root: f.root } : {}) });
          w.inFlight.add(next);
        }
        w.batch = size;
        this.batches++;
        w.worker.postMessage({ kind: 'files', jobs } satisfies ToWorker);
      }
    };
    this.onMessage = (w, m) => {
      if (m.kind !== 'outcome' || cancelled) return;
      w.inFlight.delete(m.outcome.index);
      on.outcome(m.outcome);
      check();
      feed(w);
    };
    this.onGone = () => check();
    for (const w of live()) feed(w);
    if (on.local) {
      // This thread takes one file at a time from the same queue and lets the workers' answers
      // (and their next batches) in between files.
      localBusy = true;
      while (!cancelled && next < files.length) {
        if (on.isCancelled?.()) break;
        const i = next++;
        await on.local(i);
        this.mainThreadFiles++;
        await new Promise<void>((r) => setImmediate(r));
      }
      localBusy = false;
    }
    check();
    await done;
    this.onMessage = undefined;
    return { cancelled };
  }

  /** Ends the workers (after asking what they did); safe to call more than once. */
  async close(): Promise<ParallelStats> {
    this.onMessage = undefined;
    const stats = (w: PoolWorker) =>
      new Promise<void>((resolve) => {
        if (w.dead || w.stats) return resolve();
        w.statsArrived = resolve;
        void w.exited.then(resolve);
        w.worker.postMessage({ kind: 'end' } satisfies ToWorker);
      });
    await Promise.all(this.workers.map(stats));
    await Promise.all(this.workers.map((w) => w.worker.terminate().catch(() => undefined)));
    return {
      workers: this.workers.length,
      mainThreadFiles: this.mainThreadFiles,
      workerFiles: this.workers.map((w) => w.stats?.files),
      workerWasmCompiles: this.workers.reduce((n, w) => n + (w.stats?.wasmCompiles ?? 0), 0),
      batches: this.batches,
    };
  }
}
