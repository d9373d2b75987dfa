import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The scan worker entry: beside the bundle in dist/, or in the compiled tree when running
 * from out/ (tests). Undefined when neither exists; scans then stay on the calling thread.
 */
export function scanWorkerScript(): string | undefined {
  for (const p of [path.join(__dirname, 'scan-worker.js'), path.join(__dirname, '..', 'workers', 'scan-worker.js')]) if (fs.existsSync(p)) return p;
  return undefined;
}

/** The dependency-check worker entry, found the same way. */
export function depsWorkerScript(): string | undefined {
  for (const p of [path.join(__dirname, 'deps-worker.js'), path.join(__dirname, '..', 'workers', 'deps-worker.js')]) if (fs.existsSync(p)) return p;
  return undefined;
}
