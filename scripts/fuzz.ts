/**
 * `npm run fuzz`: a long fuzzing run (default 12,500 inputs per property, 100,000 in all) and the
 * regex probe, with figures printed and written to test-output/fuzz.json. Slow inputs are judged
 * by CPU time and listed; they never end the run (only a crash or a failed property does).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runFuzz, SLOW_CPU_MS } from '../test/fuzz/harness';
import { findRegexes, GROWTH_LIMIT, probeAll } from '../test/fuzz/regex-probe';

async function main(): Promise<void> {
  const perProperty = Number(process.argv[2] ?? 12500);
  // Printed first, so that a run that brings the process down can be replayed.
  const seed = Number(process.argv[3] ?? Date.now() % 2 ** 31);
  console.log(`seed ${seed} (replay: npm run fuzz -- ${perProperty} ${seed})`);
  const cpu0 = process.cpuUsage();
  let stats;
  let crashed: string | undefined;
  try {
    stats = await runFuzz(perProperty, seed);
  } catch (e) {
    crashed = (e as Error).message;
    // Said now: a failure can leave the WebAssembly heap unusable for what follows.
    console.log(`FAILED: ${crashed.slice(0, 2000)}`);
  }
  const regexes = (await probeAll(await findRegexes())).sort((a, b) => b.growth - a.growth);
  const total = stats?.reduce((a, s) => a + s.runs, 0) ?? 0;
  for (const s of stats ?? []) {
    const trapped = s.parserCrashes?.count ? `  tree-sitter trapped on ${s.parserCrashes.count} (reported, recovered; sizes ${s.parserCrashes.sizes.slice(0, 5).join(', ')} chars)` : '';
    console.log(`${s.property.padEnd(34)} ${String(s.runs).padStart(7)} inputs  ${s.failures.length} failures  ${s.slow.length} slow  costliest ${s.slowest.ms.toFixed(1)} ms CPU${trapped}`);
    for (const x of s.slow) console.log(`    slow: ${x.ms.toFixed(0)} ms CPU on ${x.size} chars: ${JSON.stringify(x.sample.slice(0, 80))}`);
  }
  const slowTotal = stats?.reduce((a, s) => a + s.slow.length, 0) ?? 0;
  const superLinear = regexes.filter((r) => r.superLinear);
  const trappedTotal = stats?.reduce((a, s) => a + (s.parserCrashes?.count ?? 0), 0) ?? 0;
  console.log(`regex probe: ${regexes.length} expressions, ${superLinear.length} grow faster than linearly (over ${GROWTH_LIMIT}x from n to 8n); worst growth ${regexes[0]?.growth.toFixed(1)}x (${regexes[0]?.file}:${regexes[0]?.line} on ${regexes[0]?.worstInput})`);
  for (const r of superLinear) console.log(`    super-linear: ${r.file}:${r.line} /${r.source}/ grew ${r.growth.toFixed(0)}x on ${r.worstInput}`);
  console.log(`${total} inputs, ${(((c) => c.user + c.system)(process.cpuUsage(cpu0)) / 1e6).toFixed(0)} s CPU${crashed ? `; FAILED: ${crashed}` : ', 0 crashes'}; tree-sitter trapped (file reported, run went on) on ${trappedTotal}; ${slowTotal} input(s) over ${SLOW_CPU_MS} ms CPU`);
  fs.mkdirSync(path.join(__dirname, '..', '..', 'test-output'), { recursive: true });
  fs.writeFileSync(path.join(__dirname, '..', '..', 'test-output', 'fuzz.json'), JSON.stringify({ seed, total, trapped: trappedTotal, slow: slowTotal, stats, regexes: regexes.slice(0, 20), crashed }, null, 2));
  // Slow inputs and super-linear patterns fail the run once it is over; they do not stop it.
  process.exitCode = crashed || superLinear.length || slowTotal ? 1 : 0;
}

void main();
