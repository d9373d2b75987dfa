import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * A worker entry (`scan-worker.js`, `deps-worker.js`): beside the bundle in dist/, or in the
 * compiled tree when running from out/ (tests). Undefined when neither exists; the work then
 * stays on the calling thread.
 */
function workerScript(name: string): string | undefined {
  for (const p of [path.join(__dirname, name), path.join(__dirname, '..', 'workers', name)]) if (fs.existsSync(p)) return p;
  return undefined;
}

export const scanWorkerScript = (): string | undefined => workerScript('scan-worker.js');
export const depsWorkerScript = (): string | undefined => workerScript('deps-worker.js');
