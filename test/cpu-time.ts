/**
 * CPU time of this process, for tests that compare costs. Never a limit by itself: tests compare
 * the CPU time of one piece of work with another measured the same way (growth from n to kn, or
 * a well-formed file of the same language), so a slower or busier machine changes both alike.
 */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Runs `f`; returns its result and the CPU time it took, in milliseconds. */
export function cpuTime<T>(f: () => T): [T, number] {
  const t = cpuMs();
  const r = f();
  return [r, cpuMs() - t];
}

/** CPU time of one call of `f`, averaged over enough calls to spend `minMs` (at most `maxCalls`). */
export function cpuPerCall(f: () => unknown, minMs = 20, maxCalls = 1000): number {
  const t = cpuMs();
  let calls = 0;
  let spent = 0;
  do {
    f();
    calls++;
    spent = cpuMs() - t;
  } while (spent < minMs && calls < maxCalls);
  return spent / calls;
}

/**
 * The least CPU time per call of `f` over several trials, after a warm-up call. Noise on a busy
 * machine (a GC pause, JIT compilation, another process's cache traffic) only ever adds time, so
 * the minimum is the stable figure: growth checks on sub-millisecond work compared single
 * averages and failed one run in five under load (0.21 -> 6.05 ms for work that is linear).
 */
export function bestCpuPerCall(f: () => unknown, trials = 5, minMs = 50, maxCalls = 1000): number {
  f();
  let best = Infinity;
  for (let i = 0; i < trials; i++) best = Math.min(best, cpuPerCall(f, minMs, maxCalls));
  return best;
}
