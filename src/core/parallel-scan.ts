import * as fs from 'node:fs';
import * as os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { DiscoveredFile } from './discovery';
import type { SkipReason } from './skip-reasons';
import type { AnalyzeOptions } from './engine';
import type { Finding } from './types';

/** What the main thread sends a scan worker once, at start. */
export interface WorkerSetup {
  ruleIds: string[];
  testPaths: AnalyzeOptions['testPaths'];
  /** Size cap of the guarded read (the same as discovery's). */
  maxFileBytes: number;
  /** The workspace index's files per discovery root, when calls into other files are followed. */
  crossFileRoots?: [string, string[]][];
}

/** One file's outcome, from a worker. */
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
  /** Workers to start; by default one per core but one (the calling thread's), at least 1, at most 4. */
  workers?: number;
  /** Below this many files a scan stays on the calling thread: starting workers costs more. */
  minFiles?: number;
}

export function defaultWorkers(): number {
  return Math.max(1, Math.min(4, (os.availableParallelism?.() ?? os.cpus().length) - 1));
}

/** Whether a scan of these files is worth spreading over workers. */
export function shouldParallelise(files: readonly DiscoveredFile[], p: ParallelOptions | undefined): p is ParallelOptions {
  if (!p?.script || !fs.existsSync(p.script)) return false;
  return (p.workers ?? defaultWorkers()) >= 1 && files.length >= (p.minFiles ?? 64);
}

/**
 * Analyses `files` on worker threads, each with its own parser and rules, handing out one
 * file at a time so a large file does not hold up a batch. Results come back per file; the
 * caller keeps document order. Cancelling stops handing out files and ends the workers.
 */
export async function analyseInWorkers(
  files: readonly DiscoveredFile[],
  setup: WorkerSetup,
  p: ParallelOptions,
  on: { outcome: (o: FileOutcome) => void; isCancelled?: () => boolean },
): Promise<{ cancelled: boolean }> {
  const count = Math.min(p.workers ?? defaultWorkers(), files.length);
  let next = 0;
  let cancelled = false;
  const run = (worker: Worker) =>
    new Promise<void>((resolve, reject) => {
      const feed = () => {
        if (on.isCancelled?.()) cancelled = true;
        if (cancelled || next >= files.length) {
          void worker.terminate().then(() => resolve());
          return;
        }
        const index = next++;
        const f = files[index];
        worker.postMessage({ index, path: f.path, relPath: f.relPath, language: f.language, root: f.root });
      };
      worker.on('message', (o: FileOutcome) => {
        on.outcome(o);
        feed();
      });
      worker.on('error', reject);
      worker.on('exit', (code) => (code === 0 || cancelled || next >= files.length ? resolve() : reject(new Error(`scan worker exited with code ${code}`))));
      feed();
    });
  const workers = Array.from({ length: count }, () => new Worker(p.script!, { workerData: setup }));
  try {
    await Promise.all(workers.map(run));
  } finally {
    await Promise.all(workers.map((w) => w.terminate().catch(() => undefined)));
  }
  return { cancelled };
}
