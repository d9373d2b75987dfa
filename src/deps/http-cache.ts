import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { writeCacheFile } from '../core/cache-store';
import { redactUrl } from '../core/redact';
import { HttpClient, HttpError } from './http-client';

export interface CachedResponse<T> {
  data: T;
  /** Served from the cache after the network failed (or in offline mode). */
  stale: boolean;
  /** Why the cache was used instead of a fresh answer (set when `stale` comes from a failure). */
  error?: string;
}

export class RegistryError extends Error {
  constructor(
    message: string,
    readonly host: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** Default cap on the decoded bytes of one answer. */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
/** Default cap on one cache folder's total size; the oldest entries go first. */
export const DEFAULT_MAX_CACHE_BYTES = 512 * 1024 * 1024;

export interface FetchOptions {
  cacheDir: string;
  /** Fresh cache entries are used without asking the network. */
  ttlMs?: number;
  timeoutMs?: number;
  retries?: number;
  offline?: boolean;
  headers?: Record<string, string>;
  /** The client that sends requests (credentials, proxy); a plain one when not given. */
  client?: HttpClient;
  /** Cap on the decoded bytes of one answer (default 64 MB): past it the body is aborted. */
  maxResponseBytes?: number;
  /** Cap on the cache folder's total size (default 512 MB). */
  maxCacheBytes?: number;
}

export interface JsonRequest<T> {
  url: string;
  method?: 'GET' | 'POST';
  /** A JSON body, sent gzipped (as npm sends its bulk advisory request). */
  body?: unknown;
  /** What identifies the answer in the cache (default: the URL without credentials). */
  key?: string;
  /** Names the request in messages (default: the URL without credentials). */
  what?: string;
  /**
   * On (default for GET): a cache entry younger than the TTL answers without asking; a GET's
   * ETag revalidates an older one. Off: the network is always asked; the cache is only a
   * fallback when it fails.
   */
  useFresh?: boolean;
  /** A 404 is an answer (`undefined`: not there) instead of a failure. */
  notFoundIsAnswer?: boolean;
  /** Checks the parsed body; a message means it is no valid answer (not cached, a failure). */
  validate?: (body: object) => string | undefined;
  /** The part of the answer worth keeping: cached and returned. */
  pick?: (body: object) => T;
}

interface Entry {
  url: string;
  etag?: string;
  fetchedAt: number;
  body: unknown;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function entryFile(dir: string, key: string): string {
  return path.join(dir, `${createHash('sha256').update(key).digest('hex').slice(0, 40)}.json`);
}

function readEntry(dir: string, key: string): Entry | undefined {
  try {
    const e = JSON.parse(fs.readFileSync(entryFile(dir, key), 'utf8')) as Entry;
    return e && typeof e === 'object' && typeof e.fetchedAt === 'number' && e.url === key ? e : undefined;
  } catch {
    return undefined;
  }
}

/** Written only after a complete, valid answer (atomic, link-safe, size-bounded: src/core/cache-store.ts). */
function writeEntry(dir: string, e: Entry, maxCacheBytes: number): void {
  writeCacheFile(dir, entryFile(dir, e.url), JSON.stringify(e), maxCacheBytes);
}

let plainClient: HttpClient | undefined;

/**
 * JSON over HTTP with an on-disk cache (TTL, ETag / 304), a deadline per attempt, a cap on the
 * decoded answer, and retries with backoff on 5xx, 429 (Retry-After honoured up to 5 s) and
 * network errors. A 404 resolves to `undefined` when `notFoundIsAnswer`. When the network cannot
 * answer, a cached copy is returned marked stale; without one, a RegistryError names the host.
 */
export async function fetchJson<T>(req: JsonRequest<T>, o: FetchOptions): Promise<CachedResponse<T> | undefined> {
  const host = new URL(req.url).host;
  const key = req.key ?? redactUrl(req.url);
  const what = req.what ?? redactUrl(req.url);
  const ttl = o.ttlMs ?? 3_600_000;
  const useFresh = req.useFresh ?? (req.method ?? 'GET') === 'GET';
  // ETags revalidate documents (GET); an answer to a POST is keyed by its request body instead.
  const revalidate = useFresh && (req.method ?? 'GET') === 'GET';
  const maxBytes = o.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const client = o.client ?? (plainClient ??= new HttpClient());
  const cached = readEntry(o.cacheDir, key);
  const old = (e: Entry) => Date.now() - e.fetchedAt >= ttl;
  if (cached && (o.offline || (useFresh && !old(cached)))) return { data: cached.body as T, stale: !!o.offline && old(cached) };
  if (o.offline) throw new RegistryError(`offline and ${what} is not cached`, host);
  const body = req.body === undefined ? undefined : gzipSync(JSON.stringify(req.body));
  const headers: Record<string, string> = {
    accept: 'application/json',
    'user-agent': 'sitewarden',
    ...(o.headers ?? {}),
    ...(body ? { 'content-type': 'application/json', 'content-encoding': 'gzip' } : {}),
    ...(revalidate && cached?.etag ? { 'if-none-match': cached.etag } : {}),
  };
  const retries = o.retries ?? 2;
  const timeoutMs = o.timeoutMs ?? 5000;
  let lastError = '';
  for (let attempt = 0; attempt <= retries; attempt++) {
    let res;
    try {
      res = await client.request({ method: req.method ?? 'GET', url: req.url, headers, body, timeoutMs, maxBytes });
    } catch (e) {
      lastError = (e as Error).message;
      // An answer past the cap stays past it: asking again only costs the bytes again.
      if (e instanceof HttpError && (e.reason === 'too-large' || e.reason === 'redirect')) break;
      if (attempt < retries) await sleep(200 * 2 ** attempt);
      continue;
    }
    if (res.status === 304 && cached && revalidate) {
      writeEntry(o.cacheDir, { ...cached, fetchedAt: Date.now() }, o.maxCacheBytes ?? DEFAULT_MAX_CACHE_BYTES);
      return { data: cached.body as T, stale: false };
    }
    if (res.status === 404 && req.notFoundIsAnswer) return undefined;
    if (res.status === 429 || res.status >= 500) {
      lastError = `HTTP ${res.status}`;
      const retryAfter = Number(res.headers.get('retry-after'));
      if (attempt < retries) await sleep(Math.min(5000, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 200 * 2 ** attempt));
      continue;
    }
    if (res.status < 200 || res.status >= 300) {
      // Other errors (401, 403, 400...) are not retried, but they are still a failing registry:
      // fall through to the cached copy below, as for 5xx, instead of throwing past it.
      lastError = `HTTP ${res.status}`;
      break;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(res.body.toString('utf8'));
    } catch {
      lastError = `the answer is not valid JSON (${res.headers.get('content-type') ?? 'no content type'})`;
      break; // garbage does not get better by asking again
    }
    // `null`, an array or a string parse fine but are no registry document: callers read fields
    // of it (`null` crashed the PyPI check) and caching it would replace a good copy.
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      lastError = 'the answer is JSON but not an object';
      break;
    }
    const invalid = req.validate?.(parsed);
    if (invalid) {
      lastError = invalid;
      break;
    }
    const data = req.pick ? req.pick(parsed) : (parsed as T);
    writeEntry(o.cacheDir, { url: key, etag: revalidate ? (res.headers.get('etag') ?? undefined) : undefined, fetchedAt: Date.now(), body: data }, o.maxCacheBytes ?? DEFAULT_MAX_CACHE_BYTES);
    return { data, stale: false };
  }
  // The fallback is stale only when it is older than the TTL: a younger copy is as good as an answer.
  if (cached) return { data: cached.body as T, stale: old(cached), error: lastError };
  throw new RegistryError(lastError, host);
}

/** GET of a registry document: 404 is "not there". */
export function getJson<T>(url: string, o: FetchOptions): Promise<CachedResponse<T> | undefined> {
  return fetchJson<T>({ url, notFoundIsAnswer: true }, o);
}
