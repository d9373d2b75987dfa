import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

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

export interface FetchOptions {
  cacheDir: string;
  /** Fresh cache entries are used without asking the network. */
  ttlMs?: number;
  timeoutMs?: number;
  retries?: number;
  offline?: boolean;
  headers?: Record<string, string>;
  /** Told the URL of every request before it is sent (for the report's hostsContacted). */
  onContact?: (url: string) => void;
}

interface Entry {
  url: string;
  etag?: string;
  fetchedAt: number;
  body: unknown;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function entryFile(dir: string, url: string): string {
  return path.join(dir, `${createHash('sha256').update(url).digest('hex').slice(0, 40)}.json`);
}

function readEntry(dir: string, url: string): Entry | undefined {
  try {
    return JSON.parse(fs.readFileSync(entryFile(dir, url), 'utf8')) as Entry;
  } catch {
    return undefined;
  }
}

/**
 * The cache for answers that do not go through getJson (the npm bulk advisory POST): the same
 * files, keyed by any string that identifies the request. Exported so that a registry failure
 * can fall back to the last good answer there too, instead of dropping every advisory.
 */
export function readCached<T>(dir: string, key: string): { data: T; fetchedAt: number } | undefined {
  const e = readEntry(dir, key);
  return e ? { data: e.body as T, fetchedAt: e.fetchedAt } : undefined;
}

export function writeCached(dir: string, key: string, body: unknown): void {
  writeEntry(dir, { url: key, fetchedAt: Date.now(), body });
}

function writeEntry(dir: string, e: Entry): void {
  fs.mkdirSync(dir, { recursive: true });
  const f = entryFile(dir, e.url);
  fs.writeFileSync(`${f}.tmp`, JSON.stringify(e));
  fs.renameSync(`${f}.tmp`, f);
}

/**
 * GET JSON with an on-disk cache (TTL, ETag / 304), a timeout, and retries with backoff on
 * 5xx, 429 (Retry-After honoured up to 5 s) and network errors. A 404 resolves to `undefined`.
 * When the network cannot answer, a cached copy is returned marked stale; without one, a
 * RegistryError names the host.
 */
export async function getJson<T>(url: string, o: FetchOptions): Promise<CachedResponse<T> | undefined> {
  const host = new URL(url).host;
  const cached = readEntry(o.cacheDir, url);
  if (cached && (o.offline || Date.now() - cached.fetchedAt < (o.ttlMs ?? 3_600_000))) return { data: cached.body as T, stale: !!o.offline && Date.now() - cached.fetchedAt >= (o.ttlMs ?? 3_600_000) };
  if (o.offline) throw new RegistryError(`offline and ${url} is not cached`, host);
  const retries = o.retries ?? 2;
  let lastError = '';
  for (let attempt = 0; attempt <= retries; attempt++) {
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(), o.timeoutMs ?? 5000);
    try {
      o.onContact?.(url);
      const res = await fetch(url, { headers: { accept: 'application/json', ...(o.headers ?? {}), ...(cached?.etag ? { 'if-none-match': cached.etag } : {}) }, signal: ctrl.signal });
      if (res.status === 304 && cached) {
        await res.body?.cancel();
        writeEntry(o.cacheDir, { ...cached, fetchedAt: Date.now() });
        return { data: cached.body as T, stale: false };
      }
      if (res.status === 404) {
        await res.body?.cancel();
        return undefined;
      }
      if (res.status === 429 || res.status >= 500) {
        await res.body?.cancel();
        lastError = `HTTP ${res.status}`;
        const retryAfter = Number(res.headers.get('retry-after'));
        if (attempt < retries) await sleep(Math.min(5000, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 200 * 2 ** attempt));
        continue;
      }
      if (!res.ok) {
        // Other errors (401, 403, 400...) are not retried, but they are still a failing registry:
        // fall through to the cached copy below, as for 5xx, instead of throwing past it.
        await res.body?.cancel();
        lastError = `HTTP ${res.status}`;
        break;
      }
      const text = await res.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        lastError = `the answer is not valid JSON (${res.headers.get('content-type') ?? 'no content type'})`;
        break; // garbage does not get better by asking again
      }
      // `null`, an array or a string parse fine but are no registry document: callers read fields
      // of it (`null` crashed the PyPI check) and caching it would replace a good copy.
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        lastError = 'the answer is JSON but not an object';
        break;
      }
      writeEntry(o.cacheDir, { url, etag: res.headers.get('etag') ?? undefined, fetchedAt: Date.now(), body });
      return { data: body as T, stale: false };
    } catch (e) {
      if (e instanceof RegistryError) throw e;
      // undici's message is just "fetch failed": the cause (reset, refused...) is what says why.
      const cause = ((e as Error).cause as Error | undefined)?.message;
      lastError = (e as Error).name === 'AbortError' ? `no answer within ${o.timeoutMs ?? 5000} ms` : `${(e as Error).message}${cause ? `: ${cause}` : ''}`;
      if (attempt < retries) await sleep(200 * 2 ** attempt);
    } finally {
      clearTimeout(timer);
    }
  }
  if (cached) return { data: cached.body as T, stale: true, error: lastError };
  throw new RegistryError(lastError, host);
}
