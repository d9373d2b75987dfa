/**
 * `npm run fuzz`: a long fuzzing run (default 12,500 inputs per property, 100,000 in all) and the
 * regex probe, with figures printed and written to test-output/fuzz.json.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runFuzz } from '../test/fuzz/harness';
import { findRegexes, probeAll } from '../test/fuzz/regex-probe';

async function main(): Promise<void> {
  const perProperty = Number(process.argv[2] ?? 12500);
  // Printed first, so that a run that brings the process down can be replayed.
  const seed = Number(process.argv[3] ?? Date.now() % 2 ** 31);
  console.log(`seed ${seed} (replay: npm run fuzz -- ${perProperty} ${seed})`);
  const started = Date.now();
  let stats;
  let crashed: string | undefined;
  try {
    stats = await runFuzz(perProperty, seed);
  } catch (e) {
    crashed = (e as Error).message;
    // Said now: a failure can leave the WebAssembly heap unusable for what follows.
    console.log(`FAILED: ${crashed.slice(0, 2000)}`);
  }
  const regexes = (await probeAll(await findRegexes(), 2000)).sort((a, b) => b.worstMs - a.worstMs);
  const total = stats?.reduce((a, s) => a + s.runs, 0) ?? 0;
  for (const s of stats ?? []) {
    const trapped = s.parserCrashes?.count ? `  tree-sitter trapped on ${s.parserCrashes.count} (reported, recovered; sizes ${s.parserCrashes.sizes.slice(0, 5).join(', ')} chars)` : '';
    console.log(`${s.property.padEnd(34)} ${String(s.runs).padStart(7)} inputs  ${s.failures.length} failures  slowest ${s.slowest.ms.toFixed(1)} ms${trapped}`);
  }
  const trappedTotal = stats?.reduce((a, s) => a + (s.parserCrashes?.count ?? 0), 0) ?? 0;
  console.log(`regex probe: ${regexes.length} expressions, slowest ${regexes[0]?.worstMs.toFixed(1)} ms (${regexes[0]?.file}:${regexes[0]?.line})`);
  console.log(`${total} inputs in ${((Date.now() - started) / 1000).toFixed(0)} s${crashed ? `; FAILED: ${crashed}` : ', 0 crashes'}; tree-sitter trapped (file reported, run went on) on ${trappedTotal}`);
  fs.mkdirSync(path.join(__dirname, '..', '..', 'test-output'), { recursive: true });
  fs.writeFileSync(path.join(__dirname, '..', '..', 'test-output', 'fuzz.json'), JSON.stringify({ seed, total, trapped: trappedTotal, stats, regexes: regexes.slice(0, 20), crashed }, null, 2));
  process.exitCode = crashed || regexes.some((r) => r.worstMs > 100) ? 1 : 0;
}

void main();
