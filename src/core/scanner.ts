import * as fs from 'node:fs';
import { discoverFiles, isProbablyBinary, type DiscoveryOptions, type SkippedEntry } from './discovery';
import { analyzeTextFile } from './text-analysis';
import { Analyzer, type AnalyzeOptions } from './engine';
import { analyseInWorkers, shouldParallelise, type FileOutcome, type ParallelOptions } from './parallel-scan';
import { isTestPath } from './languages';
import type { Rule } from './rule';
import type { Finding } from './types';

export interface ScanOptions extends DiscoveryOptions, AnalyzeOptions {
  rules: readonly Rule[];
  onProgress?: (done: number, total: number, file: string) => void;
  /** Checked between files; when it returns true the scan stops and says so. */
  isCancelled?: () => boolean;
  /**
   * Spread large scans over worker threads (the caller names the worker script, whose rule
   * registry must know every rule id). The calling thread then only waits: an editor stays
   * responsive during an audit. Anything a worker could not do is done here instead.
   */
  parallel?: ParallelOptions;
}

export interface FileError {
  path: string;
  message: string;
}

export interface ScanResult {
  findings: Finding[];
  filesScanned: number;
  linesScanned: number;
  bytesScanned: number;
  skipped: SkippedEntry[];
  errors: FileError[];
  cancelled: boolean;
  durationMs: number;
}

/** Strips a UTF-8 byte order mark, which would otherwise shift every column on line 1. */
export function decodeSource(buf: Buffer): string {
  const text = buf.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export async function scanPaths(paths: string[], opts: ScanOptions): Promise<ScanResult> {
  const started = Date.now();
  const discovered = discoverFiles(paths, opts);
  const analyzer = new Analyzer(opts.rules);
  await analyzer.prepare(new Set(discovered.files.map((f) => f.language)));
  const result: ScanResult = {
    findings: [],
    filesScanned: 0,
    linesScanned: 0,
    bytesScanned: 0,
    skipped: discovered.skipped,
    errors: [],
    cancelled: false,
    durationMs: 0,
  };
  const total = discovered.files.length;
  const files = discovered.files;
  const account = (i: number, findings: Finding[], lines: number) => {
    result.findings.push(...findings);
    result.filesScanned++;
    result.bytesScanned += files[i].size;
    result.linesScanned += lines;
  };
  const analyseHere = (i: number): void => {
    const f = files[i];
    let text: string;
    try {
      text = decodeSource(fs.readFileSync(f.path));
    } catch (e) {
      result.errors.push({ path: f.path, message: (e as Error).message });
      return;
    }
    try {
      const a = analyzer.analyzeSync(f.path, text, f.language, { ...opts, isTestFile: isTestPath(f.relPath) });
      a.tree.delete(); // trees live in wasm memory: free them, or a large audit grows without bound
      let lines = 1;
      for (let j = 0; j < text.length; j++) if (text.charCodeAt(j) === 10) lines++;
      account(i, a.findings, lines);
    } catch (e) {
      result.errors.push({ path: f.path, message: (e as Error).message });
    }
  };

  let outcomes: (FileOutcome | undefined)[] | undefined;
  if (shouldParallelise(files, opts.parallel)) {
    outcomes = new Array(total);
    let done = 0;
    try {
      const r = await analyseInWorkers(
        files,
        { ruleIds: opts.rules.filter((r) => r.meta.language !== 'text').map((r) => r.meta.id), testPaths: opts.testPaths },
        opts.parallel,
        {
          outcome: (o) => {
            outcomes![o.index] = o;
            opts.onProgress?.(++done, total, files[o.index].path);
          },
          isCancelled: opts.isCancelled,
        },
      );
      result.cancelled = r.cancelled;
    } catch {
      // A worker that could not start or died: the files it did not finish are analysed below.
    }
  }
  for (let i = 0; i < total; i++) {
    const o = outcomes?.[i];
    if (o) {
      for (const e of o.ruleErrors ?? []) opts.onRuleError?.(e.ruleId, files[i].path, new Error(e.message));
      if (o.error !== undefined) result.errors.push({ path: files[i].path, message: o.error });
      else account(i, o.findings ?? [], o.lines ?? 0);
      continue;
    }
    if (result.cancelled || opts.isCancelled?.()) {
      result.cancelled = true; // what was analysed before the cancel is still reported
      continue;
    }
    opts.onProgress?.(i, total, files[i].path);
    analyseHere(i);
  }
  const textRules = opts.rules.filter((r) => r.meta.language === 'text');
  const maxBytes = opts.maxFileBytes ?? 1024 * 1024;
  for (const f of textRules.length && !result.cancelled ? discovered.otherFiles : []) {
    if (!textRules.some((r) => !r.appliesTo || r.appliesTo(f.relPath))) continue;
    if (f.size > maxBytes) {
      result.skipped.push({ path: f.path, reason: 'too-large', detail: `${f.size} bytes > ${maxBytes}` });
      continue;
    }
    try {
      const buf = fs.readFileSync(f.path);
      if (isProbablyBinary(buf)) continue; // images and archives are not text: nothing to report
      const isTest = isTestPath(f.relPath);
      result.findings.push(...analyzeTextFile(f.path, f.relPath, decodeSource(buf), textRules, { isTestFile: isTest, demoteTests: (opts.testPaths ?? 'demote') === 'demote', onRuleError: opts.onRuleError }));
      result.filesScanned++;
      result.bytesScanned += f.size;
    } catch (e) {
      result.errors.push({ path: f.path, message: (e as Error).message });
    }
  }
  opts.onProgress?.(total, total, '');
  result.durationMs = Date.now() - started;
  return result;
}
