import { EnvHttpProxyAgent, fetch as undiciFetch, type Dispatcher } from 'undici';
import { originOf, redactUrl } from '../core/redact';

/**
 * The one HTTP client of the dependency check, for npm and PyPI alike. It replaced
 * npm-registry-fetch, whose make-fetch-happen layer could not be bounded: it streamed any answer
 * into its cacache store (a 4 MB gzip answer became a 4 GB file in ~/.cache, still inflating
 * after the deadline had given up) and followed redirects carrying the Authorization header to
 * another port of the same host. Here:
 * - an answer is read to at most `maxBytes` DECODED bytes, then the body is aborted;
 * - one deadline covers the whole attempt, redirects and body included;
 * - redirects are followed by hand, and an Authorization header never leaves its origin
 *   (scheme, host, port): credentials are looked up for each URL, and none at all once a
 *   redirect has left the origin of the first request;
 * - userinfo in a URL is never sent as part of it: it becomes a Basic header for that origin.
 * Nothing is cached here (see http-cache.ts, which writes only complete, valid answers).
 */

/** A credential the user configured, valid for one origin and the paths under a prefix. */
export interface Credential {
  /** `scheme://host:port`, as originOf() writes it. */
  origin: string;
  /** Path prefix the credential is keyed to (npm's nerf-dart path), ending in `/`. */
  pathPrefix: string;
  /** The Authorization header value. */
  authorization: string;
}

/** Connection settings, only ever from the user's own configuration and environment. */
export interface ConnectionSettings {
  httpProxy?: string;
  httpsProxy?: string;
  noProxy?: string;
  ca?: string | string[];
  cert?: string;
  key?: string;
  /** false turns certificate checks off (npm's strict-ssl=false). */
  strictSsl?: boolean;
}

/** Proxy settings from an environment (HTTPS_PROXY, HTTP_PROXY, NO_PROXY, either case). */
export function connectionFromEnv(env: NodeJS.ProcessEnv): ConnectionSettings {
  return {
    httpProxy: env.HTTP_PROXY || env.http_proxy || undefined,
    httpsProxy: env.HTTPS_PROXY || env.https_proxy || undefined,
    noProxy: env.NO_PROXY || env.no_proxy || undefined,
  };
}

export class HttpError extends Error {
  constructor(
    message: string,
    /** What bounded the request, for callers and tests: the body cap, the deadline, or neither. */
    readonly reason: 'too-large' | 'deadline' | 'redirect' | 'network',
    /** Decoded bytes read before the body was aborted (for 'too-large'). */
    readonly bytesRead?: number,
  ) {
    super(message);
  }
}

/**
 * Decoded bytes all answers of one check may add up to. The per-answer cap alone let a registry
 * answer every one of 300 dependencies with 64 MB (each parse of that costs seconds of CPU).
 */
export class ByteBudget {
  private used = 0;
  constructor(readonly total: number) {}
  take(n: number): boolean {
    this.used += n;
    return this.used <= this.total;
  }
}

export interface HttpRequest {
  method?: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: Uint8Array;
  timeoutMs: number;
  maxBytes: number;
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  body: Buffer;
  /** The URL that answered (after redirects), without credentials. */
  url: string;
}

const MAX_REDIRECTS = 5;

/** `Basic` header from a URL's userinfo (percent-decoded, as a browser would send it). */
function basicFromUserinfo(u: URL): string | undefined {
  if (!u.username && !u.password) return undefined;
  const decode = (x: string) => {
    try {
      return decodeURIComponent(x);
    } catch {
      return x; // a stray % is taken as written
    }
  };
  const user = decode(u.username);
  const pass = decode(u.password);
  return `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
}

export class HttpClient {
  private readonly dispatcher: Dispatcher;
  private readonly proxies: { http?: string; https?: string };

  constructor(
    private readonly credentials: Credential[] = [],
    connection: ConnectionSettings = {},
    private readonly onContact?: (origin: string) => void,
    private readonly budget?: ByteBudget,
  ) {
    const tls = {
      ...(connection.ca ? { ca: connection.ca } : {}),
      ...(connection.cert ? { cert: connection.cert } : {}),
      ...(connection.key ? { key: connection.key } : {}),
      ...(connection.strictSsl === false ? { rejectUnauthorized: false } : {}),
    };
    // Explicit values (empty = none) so that nothing is taken from process.env behind the
    // caller's back: the caller passes the user's environment, or none in Restricted Mode.
    this.dispatcher = new EnvHttpProxyAgent({ httpProxy: connection.httpProxy ?? '', httpsProxy: connection.httpsProxy ?? connection.httpProxy ?? '', noProxy: connection.noProxy ?? '', connect: tls, requestTls: tls });
    this.proxies = { http: connection.httpProxy || undefined, https: connection.httpsProxy || connection.httpProxy || undefined };
  }

  /** Closes kept-alive connections (the check is over). */
  close(): Promise<void> {
    return this.dispatcher.close().catch(() => undefined);
  }

  /** The Authorization header for a URL: the longest matching credential of its origin. */
  authorizationFor(u: URL): string | undefined {
    const origin = originOf(u);
    let best: Credential | undefined;
    for (const c of this.credentials) {
      if (c.origin !== origin || !u.pathname.startsWith(c.pathPrefix)) continue;
      if (!best || c.pathPrefix.length > best.pathPrefix.length) best = c;
    }
    return best?.authorization;
  }

  /**
   * One attempt: redirects followed by hand, the body read to at most `maxBytes` decoded bytes,
   * everything inside one deadline. Throws HttpError; a non-2xx answer is returned, not thrown.
   */
  async request(r: HttpRequest): Promise<HttpAnswer> {
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(new HttpError(`no complete answer within ${r.timeoutMs} ms`, 'deadline')), r.timeoutMs);
    try {
      return await this.follow(r, ctrl.signal);
    } catch (e) {
      if (ctrl.signal.aborted && ctrl.signal.reason instanceof HttpError) throw ctrl.signal.reason;
      if (e instanceof HttpError) throw e;
      // undici's message is just "fetch failed": the cause (reset, refused...) is what says why.
      const cause = ((e as Error).cause as Error | undefined)?.message;
      throw new HttpError(`${(e as Error).message}${cause ? `: ${cause}` : ''}`, 'network');
    } finally {
      clearTimeout(timer);
      // Whatever is still streaming (an aborted bomb) stops now.
      ctrl.abort();
    }
  }

  private async follow(r: HttpRequest, signal: AbortSignal): Promise<HttpAnswer> {
    let url = new URL(r.url);
    const firstOrigin = originOf(url);
    // Userinfo the user wrote into an index URL: a header for that origin, never part of the URL.
    const fromUserinfo = basicFromUserinfo(url);
    let method = r.method ?? 'GET';
    let body = r.body;
    // Once a redirect has left the first origin, nothing brings a credential back.
    let left = false;
    for (let hop = 0; ; hop++) {
      left ||= originOf(url) !== firstOrigin;
      const authorization = left ? undefined : (fromUserinfo ?? this.authorizationFor(url));
      url.username = '';
      url.password = '';
      this.contact(url);
      const res = await undiciFetch(url, {
        method,
        headers: { ...(r.headers ?? {}), ...(authorization ? { authorization } : {}) },
        body,
        redirect: 'manual',
        signal,
        dispatcher: this.dispatcher,
      });
      const location = res.headers.get('location');
      if (![301, 302, 303, 307, 308].includes(res.status) || !location) {
        return { status: res.status, headers: res.headers as unknown as Headers, body: await readCapped(res, r.maxBytes, signal, this.budget), url: redactUrl(url.href) };
      }
      await res.body?.cancel().catch(() => undefined);
      if (hop >= MAX_REDIRECTS) throw new HttpError(`more than ${MAX_REDIRECTS} redirects from ${redactUrl(r.url)}`, 'redirect');
      url = new URL(location, url);
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new HttpError(`redirect to a ${url.protocol} URL refused`, 'redirect');
      if (res.status === 303) {
        method = 'GET';
        body = undefined;
      }
    }
  }

  private contact(url: URL): void {
    if (!this.onContact) return;
    this.onContact(originOf(url));
    // A proxy sees the request too (approximate: no_proxy exceptions are not subtracted).
    const proxy = url.protocol === 'https:' ? this.proxies.https : this.proxies.http;
    if (proxy) {
      try {
        this.onContact(originOf(proxy));
      } catch {
        // a proxy setting that is not a URL fails the request; nothing to name
      }
    }
  }
}

/**
 * The body, decoded (undici inflates gzip/deflate/br), read chunk by chunk and aborted as soon as
 * it passes `max` bytes: a small compressed answer cannot grow into gigabytes in memory.
 */
async function readCapped(res: Awaited<ReturnType<typeof undiciFetch>>, max: number, signal: AbortSignal, budget?: ByteBudget): Promise<Buffer> {
  if (!res.body) return Buffer.alloc(0);
  const declared = Number(res.headers.get('content-length'));
  if (!res.headers.get('content-encoding') && Number.isFinite(declared) && declared > max) {
    await res.body.cancel().catch(() => undefined);
    throw new HttpError(`the answer is larger than ${max} bytes (content-length ${declared}); not read`, 'too-large', 0);
  }
  const reader = res.body.getReader();
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    // A deadline that fired between chunks: never hand back half a body as an answer.
    if (signal.aborted) throw signal.reason instanceof HttpError ? signal.reason : new HttpError('the answer was aborted before it was complete', 'deadline', total);
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel().catch(() => undefined);
      throw new HttpError(`the answer is larger than ${max} bytes decoded; aborted after ${total} bytes`, 'too-large', total);
    }
    if (budget && !budget.take(value.byteLength)) {
      await reader.cancel().catch(() => undefined);
      throw new HttpError(`the registry answers of this check passed ${budget.total} bytes in total; aborted`, 'too-large', total);
    }
    chunks.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
  }
  return Buffer.concat(chunks, total);
}
