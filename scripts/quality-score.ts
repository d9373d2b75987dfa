/**
 * Scores findings against a labelled corpus. Labels are comments on the line a tool should flag:
 * `# VULN: <family>` / `// VULN: <family>`, and `# SAFE: <family>` on look-alike lines that must
 * not be flagged. A finding counts for the line it starts on.
 *  - VULN line: TP for its family when a finding of that family is on it, else FN.
 *  - Any other line (SAFE or unlabelled): each finding there is an FP for the finding's family.
 *  - Findings of another family on a VULN line are neither (the line is vulnerable).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { detectLanguage, ruleLanguageOf } from '../src/core/languages';
import type { Finding } from '../src/core/types';

export interface Label {
  file: string;
  line: number;
  kind: 'VULN' | 'SAFE';
  family: string;
}

export interface Score {
  tp: number;
  fp: number;
  fn: number;
  recall: number;
  precision: number;
}

export interface QualityReport {
  byLanguage: Record<string, { overall: Score; families: Record<string, Score> }>;
  falseNegatives: string[];
  falsePositives: string[];
}

const LABEL = /(?:#|\/\/|<!--|\{#)\s*(VULN|SAFE):\s*([a-z-]+)/g;

export class LabelError extends Error {}

export function readLabels(file: string, text: string, families: ReadonlySet<string>): Label[] {
  const out: Label[] = [];
  text.split('\n').forEach((l, i) => {
    for (const m of l.matchAll(LABEL)) {
      if (!families.has(m[2])) throw new LabelError(`${file}:${i + 1}: unknown family "${m[2]}"`);
      out.push({ file, line: i + 1, kind: m[1] as 'VULN' | 'SAFE', family: m[2] });
    }
  });
  return out;
}

/** The rule language of a labelled file (the registry's), or `other` for files no grammar parses. */
export function languageOf(file: string): string {
  const lang = detectLanguage(file);
  return lang ? ruleLanguageOf(lang) : 'other';
}

function score(tp: number, fp: number, fn: number): Score {
  return { tp, fp, fn, recall: tp + fn ? tp / (tp + fn) : 1, precision: tp + fp ? tp / (tp + fp) : 1 };
}

export function scoreFindings(labels: Label[], findings: Finding[], familyOf: (ruleId: string) => string | undefined): QualityReport {
  const counts = new Map<string, Map<string, { tp: number; fp: number; fn: number }>>();
  const bump = (lang: string, fam: string, k: 'tp' | 'fp' | 'fn') => {
    let l = counts.get(lang);
    if (!l) counts.set(lang, (l = new Map()));
    let c = l.get(fam);
    if (!c) l.set(fam, (c = { tp: 0, fp: 0, fn: 0 }));
    c[k]++;
  };
  const active = findings.filter((f) => !f.suppression);
  const at = new Map<string, Finding[]>();
  for (const f of active) {
    const key = `${path.resolve(f.file)}:${f.range.start.line + 1}`;
    at.set(key, [...(at.get(key) ?? []), f]);
  }
  const vulnLines = new Map<string, Label[]>();
  for (const l of labels) if (l.kind === 'VULN') vulnLines.set(`${path.resolve(l.file)}:${l.line}`, [...(vulnLines.get(`${path.resolve(l.file)}:${l.line}`) ?? []), l]);
  const falseNegatives: string[] = [];
  const falsePositives: string[] = [];
  for (const [key, ls] of vulnLines) {
    const here = at.get(key) ?? [];
    for (const l of ls) {
      if (here.some((f) => familyOf(f.ruleId) === l.family)) bump(languageOf(l.file), l.family, 'tp');
      else {
        bump(languageOf(l.file), l.family, 'fn');
        falseNegatives.push(`${path.relative(process.cwd(), l.file)}:${l.line} ${l.family}${here.length ? ` (found ${here.map((f) => f.ruleId).join(', ')})` : ''}`);
      }
    }
  }
  for (const [key, fs_] of at) {
    if (vulnLines.has(key)) continue;
    for (const f of fs_) {
      const fam = familyOf(f.ruleId) ?? 'misc';
      bump(languageOf(f.file), fam, 'fp');
      falsePositives.push(`${path.relative(process.cwd(), f.file)}:${f.range.start.line + 1} ${f.ruleId}: ${f.message}`);
    }
  }
  const byLanguage: QualityReport['byLanguage'] = {};
  for (const [lang, fams] of counts) {
    const families: Record<string, Score> = {};
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const [fam, c] of [...fams].sort(([a], [b]) => a.localeCompare(b))) {
      families[fam] = score(c.tp, c.fp, c.fn);
      tp += c.tp;
      fp += c.fp;
      fn += c.fn;
    }
    byLanguage[lang] = { overall: score(tp, fp, fn), families };
  }
  return { byLanguage, falseNegatives, falsePositives };
}

export function collectLabels(root: string, families: ReadonlySet<string>): Label[] {
  const labels: Label[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name !== 'README.md') labels.push(...readLabels(p, fs.readFileSync(p, 'utf8'), families));
    }
  };
  walk(root);
  return labels;
}
