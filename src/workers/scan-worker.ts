/**
 * Worker-thread entry for workspace scans: its own parser instance and rules, the WebAssembly
 * modules compiled by the thread that started it. It starts while discovery runs (instance,
 * grammars of the languages found so far), then takes the workspace index's files and batches
 * of files (src/core/parallel-scan.ts). Rules are named by id (functions cannot cross threads),
 * from the same registry as the CLI.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { probeRules } from '../checklist/probes';
import { Analyzer } from '../core/engine';
import { ScanIndexes } from '../core/workspace-index';
import type { FromWorker, ToWorker, WorkerStart } from '../core/parallel-scan';
import { adoptCompiledWasm, ensureLanguages, wasmCompiles } from '../core/parser';
import { analyseListedFile, indexLanguagesOf, type ListedFileContext } from '../core/scanner';
import { allRules } from '../rules';

const start = workerData as WorkerStart;
adoptCompiledWasm(start.wasm);
const registry = new Map([...allRules, ...probeRules].map((r) => [r.meta.id, r]));
const unknown = start.ruleIds.filter((id) => !registry.has(id));
if (unknown.length) throw new Error(`scan worker: unknown rule(s) ${unknown.join(', ')}`);
const analyzer = new Analyzer(start.ruleIds.map((id) => registry.get(id)!));
const context: ListedFileContext = { analyzer, indexLanguages: [], testPaths: start.testPaths, maxFileBytes: start.maxFileBytes };
let analysed = 0;
const post = (m: FromWorker) => parentPort!.postMessage(m);

// One thing at a time, in the order the messages came: the start, then each batch.
let queue: Promise<void> = ensureLanguages(start.languages);
const then = (f: () => Promise<void> | void) => {
  // Anything that escapes the per-file handling ends the worker: its files go back to the caller.
  queue = queue.then(f).catch((e) => {
    setImmediate(() => {
      throw e;
    });
  });
};

parentPort!.on('message', (m: ToWorker) => {
  if (m.kind === 'roots') {
    // Each worker keeps its own index over the same files: summaries are made where they are needed.
    if (m.crossFileRoots) {
      context.indexes = new ScanIndexes(new Map(m.crossFileRoots), analyzer);
      context.indexLanguages = indexLanguagesOf(m.crossFileRoots);
    }
  } else if (m.kind === 'files') {
    then(async () => {
      for (const job of m.jobs) {
        post({ kind: 'outcome', outcome: { index: job.index, ...(await analyseListedFile(job, context)) } });
        analysed++;
      }
    });
  } else then(() => post({ kind: 'stats', files: analysed, wasmCompiles: wasmCompiles() }));
});
