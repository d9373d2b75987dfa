/**
 * Finds every regular expression literal and `new RegExp('…')` in the rules and the engine (by
 * parsing our own sources with the TypeScript grammar) and times each against inputs built to
 * trigger catastrophic backtracking. A rule's regex runs on workspace text: one bad pattern
 * hangs the editor.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureLanguages, parseSync } from '../../src/core/parser';
import { captureNodes } from '../../src/core/query';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

const ROOT = path.join(__dirname, '..', '..', '..');

export interface RegexSite {
  file: string;
  line: number;
  source: string;
  flags: string;
}

export interface RegexVerdict extends RegexSite {
  worstMs: number;
  worstInput: string;
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

/** Inputs that make backtracking engines blow up: long runs of what the pattern repeats, then a mismatch. */
function attackInputs(source: string): string[] {
  const chars = new Set<string>(['a', ' ', '0', '_', '-', '.', '/', '=', 'A', '\t', 'x', ':', '"', "'", '<', '@']);
  for (const m of source.matchAll(/\\?([^\\[\](){}*+?|^$])/g)) if (m[1].length === 1 && !/[dswbDSWB]/.test(m[1]) || !m[0].startsWith('\\')) chars.add(m[1]);
  const out: string[] = [];
  const n = 20000;
  for (const c of chars) {
    out.push(c.repeat(n) + '\u0001');
    out.push(c.repeat(n) + '\n' + c.repeat(50) + '!');
  }
  out.push('a1'.repeat(n / 2) + '!', 'a '.repeat(n / 2) + '!', 'a.'.repeat(n / 2) + '!', '=a'.repeat(n / 2) + '\u0001', 'aA0'.repeat(n / 3) + '$');
  // Repeated openers that never close (`{{ a{{ a…`, `<%- x<%- x…`): each start of a match scans
  // on, so a pattern with nested or lazy repeats is polynomial on these.
  for (const lit of literalRuns(source)) {
    for (const filler of ['', 'a', ' a', ' a ', 'a\n', ' |']) out.push((lit + filler).repeat(Math.ceil(n / (lit.length + filler.length))));
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

export function probe(site: RegexSite): RegexVerdict {
  let re: RegExp;
  try {
    re = new RegExp(site.source, site.flags.replace(/[gy]/g, ''));
  } catch {
    return { ...site, worstMs: 0, worstInput: '(does not compile here)' };
  }
  let worstMs = 0;
  let worstInput = '';
  for (const input of attackInputs(site.source)) {
    const t = process.hrtime.bigint();
    re.test(input);
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    if (ms > worstMs) {
      worstMs = ms;
      worstInput = JSON.stringify(input.slice(0, 12)) + `… (${input.length} chars)`;
    }
  }
  return { ...site, worstMs, worstInput };
}

/**
 * Probes every site on a worker thread, one at a time: a pattern that backtracks for longer
 * than `limitMs` is reported as such and its worker ended (a regex cannot be interrupted on
 * the thread running it), then the next sites go to a fresh worker.
 */
export async function probeAll(sites: readonly RegexSite[], limitMs: number): Promise<RegexVerdict[]> {
  const out: RegexVerdict[] = [];
  let i = 0;
  while (i < sites.length) {
    const worker = new Worker(__filename, { workerData: { regexProbe: true } });
    try {
      while (i < sites.length) {
        const site = sites[i];
        const verdict = await new Promise<RegexVerdict | undefined>((resolve, reject) => {
          const done = (v: RegexVerdict | undefined) => {
            clearTimeout(timer);
            worker.off('message', done);
            worker.off('error', reject);
            resolve(v);
          };
          const timer = setTimeout(() => done(undefined), limitMs);
          worker.on('message', done);
          worker.on('error', reject);
          worker.postMessage(site);
        });
        i++;
        if (!verdict) {
          out.push({ ...site, worstMs: limitMs, worstInput: `(still running after ${limitMs} ms)` });
          break; // this worker is stuck in the regex: start another
        }
        out.push(verdict);
      }
    } finally {
      await worker.terminate();
    }
  }
  return out;
}

if (!isMainThread && (workerData as { regexProbe?: boolean } | undefined)?.regexProbe) {
  parentPort!.on('message', (site: RegexSite) => parentPort!.postMessage(probe(site)));
}
