/**
 * Finds every regular expression literal and `new RegExp('…')` in the rules and the engine (by
 * parsing our own sources with the TypeScript grammar) and measures how the cost of each grows on
 * inputs built to trigger catastrophic backtracking. A rule's regex runs on workspace text: one bad pattern
 * hangs the editor.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureLanguages, parseSync } from '../../src/core/parser';
import { captureNodes } from '../../src/core/query';
import { fork } from 'node:child_process';
import { cpuMs } from '../cpu-time';

const ROOT = path.join(__dirname, '..', '..', '..');

export interface RegexSite {
  file: string;
  line: number;
  source: string;
  flags: string;
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) sourceFiles(p, out);
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

export async function findRegexes(): Promise<RegexSite[]> {
  await ensureLanguages(['typescript']);
  const sites: RegexSite[] = [];
  for (const file of ['rules', 'core', 'checklist', 'deps', 'fixes'].flatMap((d) => sourceFiles(path.join(ROOT, 'src', d)))) {
    const tree = parseSync('typescript', fs.readFileSync(file, 'utf8'));
    for (const n of captureNodes(tree.rootNode, ['regex'])) {
      const pattern = n.childForFieldName('pattern')?.text ?? '';
      const flags = n.childForFieldName('flags')?.text ?? '';
      sites.push({ file: path.relative(ROOT, file), line: n.startPosition.row + 1, source: pattern, flags });
    }
    tree.delete();
  }
  return sites;
}

/** One shape of attack input, built at any length `n`. */
interface AttackFamily {
  label: string;
  make(n: number): string;
}

/** Attack strings by family label and length, shared by every pattern probed in this process. */
const BUILT = new Map<string, Map<number, string>>();

/** Inputs that make backtracking engines blow up: long runs of what the pattern repeats, then a mismatch. */
function attackFamilies(source: string): AttackFamily[] {
  const chars = new Set<string>(['a', ' ', '0', '_', '-', '.', '/', '=', 'A', '\t', 'x', ':', '"', "'", '<', '@']);
  for (const m of source.matchAll(/\\?([^\\[\](){}*+?|^$])/g)) if (m[1].length === 1 && !/[dswbDSWB]/.test(m[1]) || !m[0].startsWith('\\')) chars.add(m[1]);
  const out: AttackFamily[] = [];
  const own = new Map<string, Map<number, string>>();
  const fam = (label: string, make: (n: number) => string, shared = true) => {
    // Built once and kept flat: the character families are shared by every pattern, and building
    // the strings cost more than testing them. A pattern's own literals are kept while it is probed.
    const store = shared ? BUILT : own;
    let built = store.get(label);
    if (!built) store.set(label, (built = new Map()));
    const cache = built;
    out.push({
      label,
      make: (n) => {
        let s = cache.get(n);
        if (s === undefined) {
          s = make(n);
          s.charCodeAt(s.length >> 1); // flattens a rope once
          cache.set(n, s);
        }
        return s;
      },
    });
  };
  const times = (unit: string, n: number) => unit.repeat(Math.max(1, Math.ceil(n / unit.length)));
  for (const c of chars) {
    fam(`${JSON.stringify(c)}×n + "\\u0001"`, (n) => c.repeat(n) + '\u0001');
    fam(`${JSON.stringify(c)}×n + newline + ${JSON.stringify(c)}×50 + "!"`, (n) => c.repeat(n) + '\n' + c.repeat(50) + '!');
  }
  for (const [unit, end] of [['a1', '!'], ['a ', '!'], ['a.', '!'], ['=a', '\u0001'], ['aA0', '$']]) fam(`${JSON.stringify(unit)}×n + ${JSON.stringify(end)}`, (n) => times(unit, n) + end);
  // Repeated openers that never close (`{{ a{{ a…`, `<%- x<%- x…`): each start of a match scans
  // on, so a pattern with nested or lazy repeats is polynomial on these.
  for (const lit of literalRuns(source)) {
    for (const filler of ['', 'a', ' a', ' a ', 'a\n', ' |']) fam(`${JSON.stringify(lit + filler)}×n`, (n) => times(lit + filler, n), false);
  }
  return out;
}

/** Literal parts of a pattern of two characters or more, unescaped (`\\{\\{` → `{{`). */
function literalRuns(source: string): string[] {
  const runs = new Set<string>();
  let cur = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\' && i + 1 < source.length && !/[dswbDSWBnrtux0-9pk]/.test(source[i + 1])) {
      cur += source[++i];
      continue;
    }
    if ('[](){}*+?|^$.\\'.includes(c)) {
      // A quantifier applies to the last character: it is not part of a fixed run.
      if ('*+?{'.includes(c) && cur) cur = cur.slice(0, -1);
      if (cur.length >= 2) runs.add(cur);
      cur = '';
      if (c === '[') while (i < source.length && source[i] !== ']') i += source[i] === '\\' ? 2 : 1;
      continue;
    }
    cur += c;
  }
  if (cur.length >= 2) runs.add(cur);
  return [...runs].slice(0, 6);
}

/**
 * How a pattern's cost grows is judged, never how long it takes: CPU time of this process (a
 * child of the test run, so other processes and threads do not count) at length n and 8n. A
 * linear pattern costs at most 8 times more (less, with the fixed cost of a call), a quadratic
 * one 64 times, an exponential one does not finish; the limit sits between with room for noise.
 */
export const GROWTH_LIMIT = 24;
/**
 * Lengths tried, stopping early once one test costs STOP_MS: small steps while short (an
 * exponential pattern explodes within a few characters), then doubling to 34,432.
 */
const LENGTHS: number[] = [];
for (let n = 8; n < 32768; n = n < 256 ? Math.ceil(n * 1.25) : n * 2) LENGTHS.push(n);
LENGTHS.push(LENGTHS[LENGTHS.length - 1] * 2);
const STOP_MS = 25;
/** Below this at the longest length there is no growth worth measuring (a quadratic pattern is far above). */
const FLOOR_MS = 1;

function once(re: RegExp, input: string): number {
  const t = cpuMs();
  re.test(input);
  return cpuMs() - t;
}

/** CPU time of one test, averaged over repetitions long enough to measure, the least of three rounds. */
function perTest(re: RegExp, inputs: string[]): number[] {
  const best = inputs.map(() => Infinity);
  for (let round = 0; round < 3; round++) {
    inputs.forEach((input, i) => {
      let reps = 0;
      const t = cpuMs();
      let spent = 0;
      do {
        re.test(input);
        reps++;
        spent = cpuMs() - t;
      } while (spent < 0.5 && reps < 20000);
      best[i] = Math.min(best[i], spent / reps);
    });
  }
  return best;
}

interface Growth {
  ratio: number;
  length: number;
  ms: number;
}

function growth(re: RegExp, family: AttackFamily, length: number): Growth {
  const small = Math.max(1, length >> 3);
  const [a, b] = perTest(re, [family.make(small), family.make(length)]);
  return { ratio: b / Math.max(a, 1e-4), length, ms: b };
}

export interface RegexVerdict extends RegexSite {
  /** Worst growth of CPU time from n to 8n over the attack inputs (about 8 or less is linear). */
  growth: number;
  superLinear: boolean;
  /** CPU time of one test on the worst input at its longest length (shown; not judged). */
  worstMs: number;
  worstInput: string;
}

/** Measures one pattern on every attack family (runs in the probe's child process). */
export function probe(site: RegexSite): RegexVerdict {
  let re: RegExp;
  try {
    re = new RegExp(site.source, site.flags.replace(/[gy]/g, ''));
  } catch {
    return { ...site, growth: 0, superLinear: false, worstMs: 0, worstInput: '(does not compile here)' };
  }
  let worst: Growth & { label: string } = { ratio: 0, length: 0, ms: 0, label: '' };
  // Compiled and tiered up first (one- and two-byte strings), so the first lengths do not pay for it.
  for (let i = 0; i < 20; i++) re.test('a\u0001') && re.test('a\u0100');
  for (const family of attackFamilies(site.source)) {
    let judged: Growth | undefined;
    let prev = { n: 0, t: 0 };
    let top = LENGTHS[0];
    let last = 0;
    for (const n of LENGTHS) {
      const t = once(re, family.make(n));
      top = n;
      last = t;
      if (t >= STOP_MS) break;
      // A jump well beyond linear is looked at before going on: the next length may not finish.
      if (prev.n > 0 && t > 0.05 && t > 3 * (n / prev.n) * prev.t) {
        const g = growth(re, family, n);
        if (g.ratio > GROWTH_LIMIT) {
          judged = g;
          break;
        }
      }
      prev = { n, t: Math.max(t, 1e-3) };
    }
    if (!judged) judged = last < FLOOR_MS && top === LENGTHS[LENGTHS.length - 1] ? { ratio: 1, length: top, ms: last } : growth(re, family, top);
    if (judged.ratio > worst.ratio) worst = { ...judged, label: family.label };
    if (worst.ratio > GROWTH_LIMIT) break;
  }
  return { ...site, growth: worst.ratio, superLinear: worst.ratio > GROWTH_LIMIT, worstMs: worst.ms, worstInput: `${worst.label} at n = ${worst.length}` };
}

/**
 * Probes every site in a child process (its CPU time is its own), one at a time. A pattern whose
 * child stops answering is reported as not finishing and the child replaced: a regex cannot be
 * interrupted on the thread running it. That wait (`hangMs`, wall clock) is only a safety net
 * for a genuine hang; the verdicts come from growth.
 */
export async function probeAll(sites: readonly RegexSite[], hangMs = 120_000): Promise<RegexVerdict[]> {
  const out: RegexVerdict[] = [];
  let i = 0;
  while (i < sites.length) {
    const child = fork(__filename, [PROBE_CHILD], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    try {
      while (i < sites.length) {
        const site = sites[i];
        const verdict = await new Promise<RegexVerdict | undefined>((resolve, reject) => {
          const done = (v: RegexVerdict | undefined) => {
            clearTimeout(timer);
            child.off('message', done);
            child.off('error', reject);
            child.off('exit', exited);
            resolve(v);
          };
          const exited = () => done(undefined);
          const timer = setTimeout(() => done(undefined), hangMs);
          child.on('message', done);
          child.on('error', reject);
          child.on('exit', exited);
          child.send(site);
        });
        i++;
        if (!verdict) {
          out.push({ ...site, growth: Infinity, superLinear: true, worstMs: NaN, worstInput: '(the probe did not finish on it)' });
          break; // this child is stuck in the regex: start another
        }
        out.push(verdict);
      }
    } finally {
      child.kill('SIGKILL');
    }
  }
  return out;
}

const PROBE_CHILD = '--sitewarden-regex-probe';
if (process.argv.includes(PROBE_CHILD)) {
  process.on('message', (site: RegexSite) => process.send!(probe(site)));
}
