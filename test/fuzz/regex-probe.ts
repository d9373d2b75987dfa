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
  for (const file of [...sourceFiles(path.join(ROOT, 'src', 'rules')), ...sourceFiles(path.join(ROOT, 'src', 'core')), ...sourceFiles(path.join(ROOT, 'src', 'checklist'))]) {
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
  return out;
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
