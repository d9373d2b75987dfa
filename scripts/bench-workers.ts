/** `npm run bench` helper: a whole-tree scan with two scan workers, as a separate process. */
import { scanPaths } from '../src/core/scanner';
import { allRules } from '../src/rules';
import { scanWorkerScript } from '../src/workers/locate';

export async function main(dir: string): Promise<void> {
  const r = await scanPaths([dir], { rules: allRules, parallel: { script: scanWorkerScript(), workers: 2 } });
  process.stdout.write(`${r.filesScanned} files, ${r.findings.length} findings\n`);
}
