import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { discoverFiles, looksBinary, readDiscovered, type DiscoveryHooks, type DiscoveryNotice, type DiscoveryOptions, type DiscoveredFile } from './discovery';
import { analyzeTextFile } from './text-analysis';
import { Analyzer, type AnalyzeOptions } from './engine';
import { ensureLanguages, ParserCrashError } from './parser';
import { GuardedReadError, MAX_SOURCE_BYTES } from './safe-fs';
import { assessCoverage, skipForRefusal, type Coverage, type SkippedEntry } from './skip-reasons';
import { ScanPool, type FileOutcome, type ParallelOptions, type ParallelStats } from './parallel-scan';
import { DEFAULT_TEST_PATH_MODE, detectLanguage, isTestPath, type TestPathMode } from './languages';
import { ScanIndexes } from './workspace-index';
import { fileCacheKey, scanSignature, type CachedFile, type ScanCache } from './scan-cache';
import type { Rule } from './rule';
import type { Finding, LanguageId } from './types';

export interface ScanOptions extends DiscoveryOptions, AnalyzeOptions {
  rules: readonly Rule[];
  onProgress?: (done: number, total: number, file: string) => void;
  /** Checked between files; when it returns true the scan stops and says so. */
  isCancelled?: () => boolean;
  /**
   * Spread large scans over worker threads (the caller names the worker script, whose rule
   * registry must know every rule id). The calling thread only hands out files unless
   * `mainThread` is set: an editor stays responsive during an audit. Anything a worker could
   * not do is done here instead.
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
  /** What the threads did, when workers were started. */
  parallel?: ParallelStats & { startedDuringDiscovery: number };
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

/** What analysing one listed file needs, on whichever thread analyses it. */
export interface ListedFileContext {
  analyzer: Analyzer;
  indexes?: ScanIndexes;
  /** The languages of the workspace index's files: a summary may parse any of them. */
  indexLanguages: readonly LanguageId[];
  testPaths?: TestPathMode;
  maxFileBytes: number;
  /** Called as rules throw; without it the failures are in the outcome (`ruleErrors`). */
  onRuleError?: (ruleId: string, file: string, e: unknown) => void;
}

/** The languages of the workspace index's files (grammars a summary may need). */
export function indexLanguagesOf(roots: Iterable<[string, readonly string[]]> | undefined): LanguageId[] {
  const langs = new Set<LanguageId>();
  for (const [, list] of roots ?? []) for (const f of list) {
    const l = detectLanguage(f);
    if (l) langs.add(l);
  }
  return [...langs];
}

/**
 * The one analysis of a listed file, on the calling thread or a worker: the guarded read
 * (unless `content`, read for the cache key, is what to analyse), its grammar (a new parser
 * instance after a crash), the rules, the files its findings came through. A refused read is a
 * skip with its reason, a failure an error; nothing throws.
 */
export async function analyseListedFile(f: { path: string; relPath: string; language: LanguageId; root?: string }, ctx: ListedFileContext, content?: Buffer): Promise<Omit<FileOutcome, 'index'>> {
  let buf = content;
  if (!buf) {
    try {
      buf = readDiscovered(f, ctx.maxFileBytes);
    } catch (e) {
      const s = e instanceof GuardedReadError ? skipForRefusal(e) : { reason: 'unreadable' as const, detail: (e as Error)?.message };
      return { refused: { reason: s.reason, detail: s.detail } };
    }
  }
  const ruleErrors: { ruleId: string; message: string }[] = [];
  try {
    await ensureLanguages([f.language, ...ctx.indexLanguages]);
    const text = decodeSource(buf);
    const index = ctx.indexes?.indexOf(f);
    const a = ctx.analyzer.analyzeSync(f.path, text, f.language, {
      testPaths: ctx.testPaths,
      isTestFile: isTestPath(f.relPath),
      onRuleError: ctx.onRuleError ?? ((ruleId, _file, e) => ruleErrors.push({ ruleId, message: String((e as Error)?.message ?? e) })),
      workspace: index?.forFile(),
    });
    a.tree.delete(); // trees live in wasm memory: free them, or a large audit grows without bound
    const deps = index?.dependenciesOf(f.path);
    return { findings: a.findings, lines: countLines(text), ...(deps && Object.keys(deps).length ? { deps } : {}), ...(ruleErrors.length ? { ruleErrors } : {}) };
  } catch (e) {
    return { error: (e as Error)?.message ?? String(e), ...(e instanceof ParserCrashError ? { crashed: true } : {}), ...(ruleErrors.length ? { ruleErrors } : {}) };
  }
}

export async function scanPaths(paths: string[], opts: ScanOptions): Promise<ScanResult> {
  const started = Date.now();
  const maxBytes = opts.maxFileBytes ?? MAX_SOURCE_BYTES;
  const pool = ScanPool.create(opts.parallel, { ruleIds: opts.rules.filter((r) => r.meta.language !== 'text').map((r) => r.meta.id), testPaths: opts.testPaths, maxFileBytes: maxBytes });
  try {
    return await scanWith(pool, paths, opts, started);
  } finally {
    await pool?.close();
  }
}

async function scanWith(pool: ScanPool | undefined, paths: string[], opts: ScanOptions, started: number): Promise<ScanResult> {
  // Workers start while discovery walks the tree, once it has found enough files. With a cache,
  // most files of a re-scan may need no analysis: they start after the look-up instead.
  const seen = new Set<LanguageId>();
  const hooks: DiscoveryHooks =
    pool && !opts.cache
      ? {
          onFile: (f, n) => {
            seen.add(f.language);
            pool.grow(n, seen);
          },
        }
      : {};
  const discovered = discoverFiles(paths, opts, hooks);
  const startedDuringDiscovery = pool?.started ?? 0;
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
  const context: ListedFileContext = { analyzer, indexes, indexLanguages: indexLanguagesOf(crossFileRoots), testPaths: opts.testPaths, maxFileBytes: maxBytes };
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
  /** Analyses file `i` on this thread (what was hashed for its key, if anything). */
  const analyseHere = (i: number, live?: typeof onRuleError) => {
    const content = hashed.get(i);
    hashed.delete(i);
    return analyseListedFile(files[i], { ...context, onRuleError: live }, content);
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
  const outcomes: (Omit<FileOutcome, 'index'> | undefined)[] = new Array(total);
  const pending = todo.map((i) => files[i]);
  if (pool?.worthIt(pending.length)) {
    pool.grow(pending.length, pending.map((f) => f.language));
    try {
      const r = await pool.run(pending, crossFileRoots ? [...crossFileRoots] : undefined, {
        outcome: (o) => {
          const i = todo[o.index];
          outcomes[i] = o;
          opts.onProgress?.(++progress, progressTotal, files[i].path);
        },
        isCancelled: opts.isCancelled,
        local: opts.parallel?.mainThread
          ? async (k) => {
              const i = todo[k];
              opts.onProgress?.(++progress, progressTotal, files[i].path);
              outcomes[i] = await analyseHere(i);
            }
          : undefined,
      });
      result.cancelled = r.cancelled;
    } catch {
      // Whatever the workers did not finish is analysed below.
    }
  }
  if (pool) {
    const stats = await pool.close();
    if (stats.workers) result.parallel = { ...stats, startedDuringDiscovery };
  }
  for (const i of todo) {
    let o = outcomes[i];
    if (!o) {
      if (result.cancelled || opts.isCancelled?.()) {
        result.cancelled = true; // what was analysed before the cancel is still reported
        continue;
      }
      opts.onProgress?.(++progress, progressTotal, files[i].path);
      o = await analyseHere(i, onRuleError);
    }
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
