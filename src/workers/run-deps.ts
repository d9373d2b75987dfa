import { Worker } from 'node:worker_threads';
import { checkDependencies, type CheckOptions, type DependencyReport } from '../deps/check';
import { depsWorkerScript } from './locate';

/** Runs the dependency check on a worker thread when the entry exists, else here. */
export function checkDependenciesOffThread(roots: string[], options: CheckOptions): Promise<DependencyReport> {
  const script = depsWorkerScript();
  if (!script) return checkDependencies(roots, options);
  return new Promise((resolve, reject) => {
    const w = new Worker(script, { workerData: { roots, options } });
    w.once('message', (m: { report?: DependencyReport; error?: string }) => {
      void w.terminate();
      if (m.report) resolve(m.report);
      else reject(new Error(m.error ?? 'the dependency check failed'));
    });
    w.once('error', reject);
    w.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the dependency check worker exited with code ${code}`));
    });
  });
}
