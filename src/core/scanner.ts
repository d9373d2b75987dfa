import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { discoverFiles, looksBinary, readDiscovered, type DiscoveryNotice, type DiscoveryOptions, type DiscoveredFile } from './discovery';
import { analyzeTextFile } from './text-analysis';
import { Analyzer, type AnalyzeOptions } from './engine';
import { ParserCrashError, runtimeRestarts } from './parser';
import { GuardedReadError, MAX_SOURCE_BYTES } from './safe-fs';
import { assessCoverage, skipForRefusal, type Coverage, type SkippedEntry } from './skip-reasons';
import { analyseInWorkers, shouldParallelise, type FileOutcome, type ParallelOptions } from './parallel-scan';
import { DEFAULT_TEST_PATH_MODE, isTestPath } from './languages';
import { ScanIndexes } from './workspace-index';
import { fileCacheKey, scanSignature, type CachedFile, type ScanCache } from './scan-cache';
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
  /** Findings of files seen before with the same content; see `MemoryScanCache`. */
  cache?: ScanCache;
  /**
   * Names the code that produced cached findings (the CLI: its version and a digest of its
   * bundle): a persistent cache must miss after an upgrade. Part of every cache key.
   */
  engineVersion?: string;
  /**
   * The cache-key hook for cross-file analysis: a digest of the summaries of the files `file`
   * imports, so that a change in an imported module invalidates its importers. Empty (nothing
   * imported counts) until cross-file taint provides it.
   */
  importedSummariesDigest?: (file: DiscoveredFile, text: Buffer) => string;
  /**
   * Called with the discovery result before any file is read (tests use it to swap files
   * between listing and reading, as a hostile repository could).
   */
  afterDiscovery?: (files: readonly DiscoveredFile[]) => void;
  /**
   * Follow calls into other files of the same root (the workspace index, src/core/workspace-index.ts);
   * default true.
   */
  crossFile?: boolean;
}

export interface FileError {
  path: string;
  message: string;
  /** Why analysis failed; both make the run incomplete (src/core/skip-reasons.ts). */
  reason: 'parser-crash' | 'analysis-error';
}

/** A failed analysis, as the skip table sees it. */
export function errorAsSkip(e: FileError): SkippedEntry {
  return { path: e.path, reason: e.reason, detail: e.message };
}

function analysisError(path: string, e: unknown): FileError {
  return { path, message: (e as Error)?.message ?? String(e), reason: e instanceof ParserCrashError ? 'parser-crash' : 'analysis-error' };
}

export interface ScanResult {
  findings: Finding[];
  filesScanned: number;
  linesScanned: number;
  bytesScanned: number;
  skipped: SkippedEntry[];
  errors: FileError[];
  /** From discovery: ignore files not honoured, and similar. */
  notices: DiscoveryNotice[];
  /** Rules that threw on a file: that file was only partly analysed (the run is incomplete). */
  ruleFailures: { ruleId: string; path: string; message: string }[];
  cancelled: boolean;
  durationMs: number;
  /** Files whose findings came from `ScanOptions.cache` (same path, content, rules, settings). */
  filesFromCache: number;
}

export { MemoryScanCache, type CachedFile, type ScanCache } from './scan-cache';

function cacheSignature(opts: ScanOptions): string {
  return scanSignature({ engineVersion: opts.engineVersion, ruleIds: opts.rules.map((r) => r.meta.id), testPaths: opts.testPaths ?? DEFAULT_TEST_PATH_MODE });
}

export function countLines(text: string): number {
  let lines = 1;
  for (let j = 0; j < text.length; j++) if (text.charCodeAt(j) === 10) lines++;
  return lines;
}

/** Strips a UTF-8 byte order mark, which would otherwise shift every column on line 1. */
export function decodeSource(buf: Buffer): string {
  const text = buf.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export async function scanPaths(paths: string[], opts: ScanOptions): Promise<ScanResult> {
  const started = Date.now();
  const discovered = discoverFiles(paths, opts);
  const maxBytes = opts.maxFileBytes ?? MAX_SOURCE_BYTES;
  const result: ScanResult = {
    findings: [],
    filesScanned: 0,
    linesScanned: 0,
    bytesScanned: 0,
    skipped: discovered.skipped,
    errors: [],
    notices: discovered.notices,
    ruleFailures: [],
    cancelled: false,
    durationMs: 0,
    filesFromCache: 0,
  };
  // With --test-paths ignore a test file yields nothing: it is not read, and said so.
  const ignoreTests = opts.testPaths === 'ignore';
  const files = discovered.files.filter((f) => {
    if (!ignoreTests || !isTestPath(f.relPath)) return true;
    result.skipped.push({ path: f.path, reason: 'test-path' });
    return false;
  });
  opts.afterDiscovery?.(files);
  // A rule that throws leaves its file partly analysed: recorded, and still passed on.
  const onRuleError = (ruleId: string, file: string, e: unknown) => {
    result.ruleFailures.push({ ruleId, path: file, message: String((e as Error)?.message ?? e) });
    opts.onRuleError?.(ruleId, file, e);
  };
  const analyzer = new Analyzer(opts.rules);
  const crossFileRoots = opts.crossFile === false ? undefined : ScanIndexes.rootsOf(files);
  const indexes = crossFileRoots ? new ScanIndexes(crossFileRoots, analyzer) : undefined;
  const total = files.length;
  // The progress counts every file the scan reads, the text files (templates, config) too.
  const textRules = opts.rules.filter((r) => r.meta.language === 'text');
  const textFiles = textRules.length ? discovered.otherFiles.filter((f) => textRules.some((r) => !r.appliesTo || r.appliesTo(f.relPath))) : [];
  const progressTotal = total + textFiles.length;
  /** Reads a listed file again under the guards; a refusal is a skip with its reason. */
  const readListed = (f: { path: string; root?: string }): Buffer | undefined => {
    try {
      return readDiscovered(f, maxBytes);
    } catch (e) {
      if (e instanceof GuardedReadError) result.skipped.push(skipForRefusal(e));
      else result.skipped.push({ path: f.path, reason: 'unreadable', detail: (e as Error).message });
      return undefined;
    }
  };
  const readListedQuietly = (f: { path: string; root?: string }): Buffer | undefined => {
    try {
      return readDiscovered(f, maxBytes);
    } catch {
      return undefined;
    }
  };
  // Per-file outcomes, accounted in document order at the end whatever finished first.
  const done: ({ findings: Finding[]; lines: number } | undefined)[] = new Array(total);
  const keys: (string | undefined)[] = new Array(total);
  const signature = opts.cache ? cacheSignature(opts) : '';
  let progress = 0;
  const hashes = new Map<string, string>();
  const finish = (i: number, outcome: CachedFile) => {
    done[i] = outcome;
    const key = keys[i];
    if (key) opts.cache!.set(key, outcome);
  };
  // What was hashed for the key is what gets analysed: a file rewritten between the two reads
  // must not be cached under the other content's key.
  const hashed = new Map<number, Buffer>();
  const analyseHere = (i: number): void => {
    const f = files[i];
    const buf = hashed.get(i) ?? readListed(f);
    hashed.delete(i);
    if (!buf) return;
    const text = decodeSource(buf);
    try {
      const index = indexes?.indexOf(f);
      const a = analyzer.analyzeSync(f.path, text, f.language, { ...opts, onRuleError, isTestFile: isTestPath(f.relPath), workspace: index?.forFile() });
      a.tree.delete(); // trees live in wasm memory: free them, or a large audit grows without bound
      const deps = index?.dependenciesOf(f.path);
      finish(i, { findings: a.findings, lines: countLines(text), ...(deps && Object.keys(deps).length ? { deps } : {}) });
    } catch (e) {
      result.errors.push(analysisError(f.path, e));
    }
  };

  // Files whose content (and path, rules and settings) an earlier scan saw are not analysed again.
  let todo = files.map((_f, i) => i);
  if (opts.cache) {
    todo = [];
    for (let i = 0; i < total; i++) {
      const buf = readListed(files[i]);
      if (!buf) continue;
      const f = files[i];
      // The content hash also checks, at a hit, the files its cross-file findings came through.
      hashes.set(path.resolve(f.path), createHash('sha1').update(buf).digest('hex'));
      keys[i] = fileCacheKey({ signature, path: f.path, relPath: f.relPath, content: buf, importedSummaries: opts.importedSummariesDigest?.(f, buf) });
      hashed.set(i, buf);
    }
    for (let i = 0; i < total; i++) {
      if (!keys[i]) continue;
      const hit = opts.cache.get(keys[i]!, files[i].path);
      // Findings that came through another file's summary hold while that file is unchanged.
      if (hit && Object.entries(hit.deps ?? {}).every(([dep, h]) => hashes.get(dep) === h)) {
        hashed.delete(i);
        done[i] = hit;
        result.filesFromCache++;
        opts.onProgress?.(++progress, progressTotal, files[i].path);
        continue;
      }
      todo.push(i);
    }
  }

  // Grammars load only for what is left to analyse: a fully cached re-scan loads none.
  await analyzer.prepare(new Set(todo.map((i) => files[i].language)));
  const outcomes: (FileOutcome | undefined)[] = new Array(total);
  const pending = todo.map((i) => files[i]);
  if (shouldParallelise(pending, opts.parallel)) {
    try {
      const r = await analyseInWorkers(
        pending,
        {
          ruleIds: opts.rules.filter((r) => r.meta.language !== 'text').map((r) => r.meta.id),
          testPaths: opts.testPaths,
          maxFileBytes: maxBytes,
          ...(crossFileRoots ? { crossFileRoots: [...crossFileRoots] } : {}),
        },
        opts.parallel,
        {
          outcome: (o) => {
            const i = todo[o.index];
            outcomes[i] = o;
            opts.onProgress?.(++progress, progressTotal, files[i].path);
          },
          isCancelled: opts.isCancelled,
        },
      );
      result.cancelled = r.cancelled;
    } catch {
      // A worker that could not start or died: the files it did not finish are analysed below.
    }
  }
  for (const i of todo) {
    const o = outcomes[i];
    if (o) {
      for (const e of o.ruleErrors ?? []) onRuleError(e.ruleId, files[i].path, new Error(e.message));
      if (o.refused) result.skipped.push({ ...o.refused, path: files[i].path });
      else if (o.error !== undefined) result.errors.push({ path: files[i].path, message: o.error, reason: o.crashed ? 'parser-crash' : 'analysis-error' });
      else {
        // A worker read the file itself: cached only if it still has the content the key names.
        const before = hashed.get(i);
        hashed.delete(i);
        if (before && keys[i]) {
          const now = readListedQuietly(files[i]);
          if (!now || !now.equals(before)) keys[i] = undefined;
        }
        finish(i, { findings: o.findings ?? [], lines: o.lines ?? 0, ...(o.deps ? { deps: o.deps } : {}) });
      }
      continue;
    }
    if (result.cancelled || opts.isCancelled?.()) {
      result.cancelled = true; // what was analysed before the cancel is still reported
      continue;
    }
    opts.onProgress?.(++progress, progressTotal, files[i].path);
    const restarts = runtimeRestarts();
    analyseHere(i);
    // The parser crashed on that file: the files after it get a new instance.
    if (runtimeRestarts() !== restarts) await analyzer.prepare(new Set(todo.map((j) => files[j].language)));
  }
  for (let i = 0; i < total; i++) {
    const d = done[i];
    if (!d) continue;
    result.findings.push(...d.findings);
    result.filesScanned++;
    result.bytesScanned += files[i].size;
    result.linesScanned += d.lines;
  }
  for (const f of result.cancelled ? [] : textFiles) {
    if (opts.isCancelled?.()) {
      result.cancelled = true;
      break;
    }
    opts.onProgress?.(++progress, progressTotal, f.path);
    let buf: Buffer;
    try {
      buf = readDiscovered(f, maxBytes);
    } catch (e) {
      if (e instanceof GuardedReadError && e.reason === 'too-large') result.skipped.push({ path: f.path, reason: 'data-too-large', detail: e.message });
      else if (e instanceof GuardedReadError) result.skipped.push(skipForRefusal(e));
      else result.skipped.push({ path: f.path, reason: 'unreadable', detail: (e as Error).message });
      continue;
    }
    if (looksBinary(buf)) continue; // images and archives are not text: nothing to report
    try {
      const isTest = isTestPath(f.relPath);
      result.findings.push(...analyzeTextFile(f.path, f.relPath, decodeSource(buf), textRules, { isTestFile: isTest, testPaths: opts.testPaths, onRuleError }));
      result.filesScanned++;
      result.bytesScanned += buf.length;
    } catch (e) {
      result.errors.push(analysisError(f.path, e));
    }
  }
  opts.onProgress?.(progressTotal, progressTotal, '');
  result.durationMs = Date.now() - started;
  return result;
}

/** What a scan left out and why, by kind (src/core/skip-reasons.ts); failed analyses and rules are incomplete. */
export function scanCoverage(r: Pick<ScanResult, 'skipped' | 'errors' | 'ruleFailures'>, strict = false): Coverage {
  const rules: SkippedEntry[] = r.ruleFailures.map((f) => ({ path: f.path, reason: 'rule-error', detail: `rule ${f.ruleId} failed: ${f.message}` }));
  return assessCoverage([...r.skipped, ...r.errors.map(errorAsSkip), ...rules], strict);
}
