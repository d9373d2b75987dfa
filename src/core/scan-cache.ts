import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { readCacheFile, writeCacheFile } from './cache-store';
import { CHECKLIST_ITEM_IDS } from './checklist-ids';
import { SEVERITY_ORDER, type Finding } from './types';

/**
 * Keys and the on-disk store of the scan cache. A key names everything a file's findings depend
 * on; the editor's in-memory cache and the CLI's persistent one use the same key
 * (src/core/scanner.ts), so they can never disagree about what counts as "unchanged".
 */

/** Bumped when the stored entry's shape or the key's parts change. */
export const SCAN_CACHE_FORMAT = 1;
/** Default cap on the scan cache folder's total size; the oldest entries go first. */
export const DEFAULT_MAX_SCAN_CACHE_BYTES = 256 * 1024 * 1024;
/** An entry larger than this is not read: no real file's findings come near it. */
export const MAX_SCAN_CACHE_ENTRY_BYTES = 8 * 1024 * 1024;

/** Findings of one file as a scan produced them. */
export interface CachedFile {
  findings: Finding[];
  lines: number;
  /** Files the findings depend on through cross-file summaries, with their content hash then. */
  deps?: Record<string, string>;
}

/** Where re-scans find what an earlier scan produced; keys say path, content, rules and settings. */
export interface ScanCache {
  /** `file` is the path the findings must carry: an entry about another file is not used. */
  get(key: string, file?: string): CachedFile | undefined;
  set(key: string, value: CachedFile): void;
}

/** Everything besides the file that decides its findings: one digest per scan. */
export function scanSignature(parts: { engineVersion?: string; ruleIds: readonly string[]; testPaths: string }): string {
  return createHash('sha256')
    .update(JSON.stringify([SCAN_CACHE_FORMAT, parts.engineVersion ?? '', parts.ruleIds, parts.testPaths]))
    .digest('hex');
}

/** What a suppression's expiry looks like in a file (src/core/suppressions.ts); a cheap over-approximation. */
const HAS_EXPIRY = Buffer.from('until=');

export interface FileKeyParts {
  signature: string;
  /** The path the engine is given: findings carry it. */
  path: string;
  /** Root-relative: test-path demotion is decided on it, so a file moved into `tests/` misses. */
  relPath: string;
  content: Buffer;
  /**
   * Digest of the summaries of the files this one imports (cross-file taint): a change in an
   * imported module changes this file's findings. Empty until cross-file analysis provides it.
   */
  importedSummaries?: string;
  /** Today (UTC), for the expiry check; a parameter so tests can move the clock. */
  now?: Date;
}

/**
 * The key of one file. A file with a suppression that has an expiry (`until=`) gets the UTC day
 * in its key: such a file is analysed again each day, so a lapsed suppression is never served
 * from the cache.
 */
export function fileCacheKey(k: FileKeyParts): string {
  const day = k.content.includes(HAS_EXPIRY) ? (k.now ?? new Date()).toISOString().slice(0, 10) : '';
  const content = createHash('sha256').update(k.content).digest('hex');
  return createHash('sha256')
    .update(JSON.stringify([k.signature, k.path, k.relPath, content, k.importedSummaries ?? '', day]))
    .digest('hex');
}

/** A bounded in-memory cache (the editor keeps one across audits). */
export class MemoryScanCache implements ScanCache {
  private readonly map = new Map<string, CachedFile>();
  constructor(private readonly maxFiles = 50000) {}
  get(key: string): CachedFile | undefined {
    return this.map.get(key);
  }
  set(key: string, value: CachedFile): void {
    // Oldest first out: a Map iterates in insertion order.
    if (this.map.size >= this.maxFiles) this.map.delete(this.map.keys().next().value!);
    this.map.set(key, value);
  }
  get size(): number {
    return this.map.size;
  }
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isNat = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const strings = (v: unknown): boolean => Array.isArray(v) && v.every(isStr);
const optional = (v: unknown, check: (x: unknown) => boolean) => v === undefined || check(v);
const position = (v: unknown) => isObj(v) && isNat(v.line) && isNat(v.column);
const range = (v: unknown) => isObj(v) && position(v.start) && position(v.end);
const edit = (v: unknown) => isObj(v) && isNat(v.start) && isNat(v.end) && v.start <= v.end && isStr(v.newText);
const fix = (v: unknown) => isObj(v) && isStr(v.title) && typeof v.safe === 'boolean' && Array.isArray(v.edits) && v.edits.every(edit);
const related = (v: unknown) => isObj(v) && isStr(v.message) && range(v.range);
const FLOW_KINDS = new Set(['source', 'step', 'sink']);
const flowStep = (v: unknown) => isObj(v) && FLOW_KINDS.has(v.kind as string) && isStr(v.label) && isStr(v.message) && range(v.range) && optional(v.file, isStr);
const SUPPRESSION_KINDS = new Set(['sitewarden-ignore', 'nosec']);
const suppression = (v: unknown) => isObj(v) && SUPPRESSION_KINDS.has(v.kind as string) && isStr(v.justification) && optional(v.until, isStr);
const SEVERITIES = new Set<string>(SEVERITY_ORDER);
const CONFIDENCES = new Set(['low', 'medium', 'high']);
const CHECKLIST = new Set<string>(CHECKLIST_ITEM_IDS);

/**
 * Whether a value read from the cache is a finding of `file` by one of `ruleIds`, field by field:
 * a hostile cache must not crash a report or attach findings to another file.
 */
function validFinding(v: unknown, file: string | undefined, ruleIds: ReadonlySet<string>): v is Finding {
  return (
    isObj(v) &&
    isStr(v.ruleId) &&
    ruleIds.has(v.ruleId) &&
    isStr(v.title) &&
    isStr(v.message) &&
    SEVERITIES.has(v.severity as string) &&
    CONFIDENCES.has(v.confidence as string) &&
    strings(v.cwe) &&
    strings(v.owasp) &&
    isStr(v.file) &&
    (file === undefined || v.file === file) &&
    range(v.range) &&
    isStr(v.snippet) &&
    isStr(v.docsUrl) &&
    optional(v.fix, fix) &&
    optional(v.related, (r) => Array.isArray(r) && r.every(related)) &&
    optional(v.flow, (r) => Array.isArray(r) && r.every(flowStep)) &&
    optional(v.suppression, suppression) &&
    optional(v.inTestCode, (b) => typeof b === 'boolean') &&
    optional(v.checklist, (c) => Array.isArray(c) && c.every((x) => CHECKLIST.has(x as string)))
  );
}

export interface DiskScanCacheOptions {
  /** The rules of this scan: a cached finding of any other rule is no valid entry. */
  ruleIds: readonly string[];
  /** Cap on the folder's total size (default 256 MB). */
  maxBytes?: number;
}

/**
 * The CLI's persistent cache: one JSON file per key in `dir` (by default `cacheFolder('scan')`).
 * Anything unreadable, oversized, a link, of another format or key, or with a finding that does
 * not check out is a miss: the file is analysed again and the entry rewritten.
 */
export class DiskScanCache implements ScanCache {
  private readonly ruleIds: ReadonlySet<string>;
  private readonly maxBytes: number;
  /** Entries read and written by this process, for reports and tests. */
  readonly stats = { hits: 0, misses: 0, rejected: 0, written: 0 };
  constructor(
    readonly dir: string,
    o: DiskScanCacheOptions,
  ) {
    this.ruleIds = new Set(o.ruleIds);
    this.maxBytes = o.maxBytes ?? DEFAULT_MAX_SCAN_CACHE_BYTES;
  }

  private file(key: string): string {
    // The key is already a digest; re-hashing keeps a caller's odd key from naming a path.
    return path.join(this.dir, `${createHash('sha256').update(key).digest('hex').slice(0, 40)}.json`);
  }

  get(key: string, file?: string): CachedFile | undefined {
    const text = readCacheFile(this.file(key), MAX_SCAN_CACHE_ENTRY_BYTES);
    if (text === undefined) {
      this.stats.misses++;
      return undefined;
    }
    let e: unknown;
    try {
      e = JSON.parse(text);
    } catch {
      e = undefined;
    }
    if (!isObj(e) || e.format !== SCAN_CACHE_FORMAT || e.key !== key || !isNat(e.lines) || !Array.isArray(e.findings) || !e.findings.every((f) => validFinding(f, file, this.ruleIds))) {
      this.stats.rejected++;
      return undefined;
    }
    const deps = e.deps;
    if (deps !== undefined && !(isObj(deps) && Object.values(deps).every((h) => typeof h === 'string' && /^[0-9a-f]{40}$/.test(h)))) {
      this.stats.rejected++;
      return undefined;
    }
    this.stats.hits++;
    return { findings: e.findings as Finding[], lines: e.lines, ...(deps ? { deps: deps as Record<string, string> } : {}) };
  }

  set(key: string, value: CachedFile): void {
    const text = JSON.stringify({ format: SCAN_CACHE_FORMAT, key, lines: value.lines, findings: value.findings, ...(value.deps ? { deps: value.deps } : {}) });
    if (Buffer.byteLength(text) > MAX_SCAN_CACHE_ENTRY_BYTES) return; // it would not be read back
    if (writeCacheFile(this.dir, this.file(key), text, this.maxBytes)) this.stats.written++;
  }
}
