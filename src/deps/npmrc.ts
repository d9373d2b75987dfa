import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseIni } from 'ini';
import { readGuardedText } from '../core/safe-fs';
import { originOf } from '../core/redact';
import { connectionFromEnv, type ConnectionSettings, type Credential } from './http-client';

/**
 * How much authority the scanned workspace's own configuration files get:
 * - 'data' (default): they may route a look-up (`registry`, `@scope:registry` from its .npmrc),
 *   nothing else — no credentials, no connection keys (proxy, ca, cert…), no `${ENV}` expansion;
 * - 'trusted': npm's own meaning (every key, `${ENV}` expanded) — `--trust-workspace-config`;
 * - 'ignored': not read at all (the editor's Restricted Mode).
 * The user's own ~/.npmrc always keeps npm's meaning.
 */
export type WorkspaceConfigMode = 'data' | 'trusted' | 'ignored';

/** The only keys a workspace .npmrc may set in 'data' mode: where a package is looked up. */
function isRoutingKey(key: string): boolean {
  return key === 'registry' || /^@[^/:\s]+:registry$/.test(key);
}

function readIni(file: string, guarded: boolean): Record<string, unknown> | undefined {
  let text: string;
  try {
    // The workspace's file is hostile input (a FIFO, a link out, a huge file); the user's own is not.
    text = guarded ? readGuardedText(file, { maxBytes: 256 * 1024 }) : fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  return parseIni(text) as Record<string, unknown>;
}

export interface NpmSettings {
  /** npm's flat keys that route look-ups (and, from the user's file, everything else). */
  config: Record<string, string>;
  /** Credentials of the user's own configuration (and the workspace's when trusted), per origin. */
  credentials: Credential[];
  /** Proxy and TLS settings from the same sources and the environment. */
  connection: ConnectionSettings;
}

interface Source {
  /** String keys, `${ENV}` expanded (only ever for a file npm would expand). */
  values: Record<string, string>;
  raw: Record<string, unknown>;
}

function source(raw: Record<string, unknown> | undefined, expand: ((v: string) => string) | undefined): Source {
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw ?? {})) if (typeof v === 'string') values[k] = expand ? expand(v) : v;
  return { values, raw: raw ?? {} };
}

/**
 * Which npm configuration counts, under `mode`, in npm's order of precedence (later wins):
 * the global npmrc (`$PREFIX/etc/npmrc`) and the user's ~/.npmrc with npm's full meaning
 * (`${ENV}` expanded); the workspace's .npmrc files — the scanned root's, then each folder's down
 * to the project's, so a monorepo member reads the root's as well as its own — as data
 * (registries only, taken literally), trusted (npm's full meaning) or ignored; then
 * `npm_config_registry` / `npm_config_@scope:registry` from the user's environment.
 * `registryOverride` (--npm-registry, the editor setting) is the user's own choice and wins.
 */
export function readNpmSettings(projectDir: string, o: { env?: NodeJS.ProcessEnv; home?: string; mode?: WorkspaceConfigMode; registryOverride?: string; root?: string } = {}): NpmSettings {
  const env = o.env ?? process.env;
  const mode = o.mode ?? 'data';
  const expand = (v: string) => v.replace(/\$\{([^{}$]{1,200})\}/g, (_m, name: string) => env[name] ?? '');
  const global = source(readIni(globalNpmrc(env), false), expand);
  const user = source(readIni(path.join(o.home ?? os.homedir(), '.npmrc'), false), expand);
  const works = mode === 'ignored' ? [] : workspaceNpmrcs(projectDir, o.root).map((f) => source(readIni(f, true), mode === 'trusted' ? expand : undefined));
  const config: Record<string, string> = { ...global.values, ...user.values };
  for (const work of works) {
    for (const [k, v] of Object.entries(work.values)) {
      if (mode === 'trusted') config[k] = v;
      else if (isRoutingKey(k)) config[k] = stripUserinfo(v);
    }
  }
  const fromEnv = routingFromEnv(env);
  Object.assign(config, fromEnv.values);
  if (o.registryOverride) config.registry = o.registryOverride;
  // Sources with authority: the user's files and environment, and the workspace's only when trusted.
  const authorities = mode === 'trusted' ? [global, user, ...works, fromEnv] : [global, user, fromEnv];
  // Plain-http origins a credential may go to: only registries the user (or a trusted
  // workspace) named with http themselves, so that a workspace cannot downgrade the scheme.
  const plain = new Set<string>();
  for (const s of authorities) for (const [k, v] of Object.entries(s.values)) if (isRoutingKey(k) && /^http:/i.test(v)) addOrigin(plain, v);
  if (o.registryOverride && /^http:/i.test(o.registryOverride)) addOrigin(plain, o.registryOverride);
  const credentials: Credential[] = [];
  for (const s of authorities) credentials.push(...credentialsOf(s, plain));
  const connection = connectionOf(authorities, env);
  return { config, credentials, connection };
}

/** npm's global config file: `npm_config_globalconfig`, else `$PREFIX/etc/npmrc` (prefix: `npm_config_prefix`, else the one of this Node). */
export function globalNpmrc(env: NodeJS.ProcessEnv): string {
  if (env.npm_config_globalconfig) return env.npm_config_globalconfig;
  const prefix = env.npm_config_prefix || env.PREFIX || (process.platform === 'win32' ? path.dirname(process.execPath) : path.dirname(path.dirname(process.execPath)));
  return path.join(prefix, 'etc', 'npmrc');
}

/** `.npmrc` of the scanned root and of each folder below it down to `projectDir`, root first. */
function workspaceNpmrcs(projectDir: string, root: string | undefined): string[] {
  const dirs = [path.resolve(projectDir)];
  if (root) {
    const r = path.resolve(root);
    for (let d = dirs[0]; d !== r && d.startsWith(r + path.sep); ) {
      d = path.dirname(d);
      dirs.unshift(d);
    }
  }
  return dirs.map((d) => path.join(d, '.npmrc'));
}

/** Registry routing from `npm_config_registry` / `npm_config_@scope:registry` (npm reads the prefix in any case). */
function routingFromEnv(env: NodeJS.ProcessEnv): Source {
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    const m = /^npm_config_(.+)$/i.exec(k);
    if (!m || !v) continue;
    const key = m[1].toLowerCase();
    if (isRoutingKey(key)) values[key] = v;
  }
  return { values, raw: values };
}

/** Flat configuration only (kept for callers that need no credentials). */
export function readNpmrc(projectDir: string, env: NodeJS.ProcessEnv = process.env, home = os.homedir(), mode: WorkspaceConfigMode = 'data'): Record<string, string> {
  return readNpmSettings(projectDir, { env, home, mode }).config;
}

function addOrigin(set: Set<string>, url: string): void {
  try {
    set.add(originOf(url));
  } catch {
    // not a URL: nothing will be sent there
  }
}

/** A workspace may name a registry; it may not hand it credentials in the URL. */
function stripUserinfo(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i, '$1');
}

/**
 * npm keys credentials by "nerf dart" (`//host[:port]/path/:_authToken`, no scheme). Each becomes
 * a credential for that host:port and path prefix over https, and over http only where the
 * registry was configured with http by the same authority.
 */
function credentialsOf(s: Source, plain: Set<string>): Credential[] {
  const out: Credential[] = [];
  const byDart = new Map<string, { token?: string; auth?: string; username?: string; password?: string }>();
  const put = (dart: string, field: 'token' | 'auth' | 'username' | 'password', v: string) => {
    const e = byDart.get(dart) ?? {};
    e[field] = v;
    byDart.set(dart, e);
  };
  for (const [k, v] of Object.entries(s.values)) {
    const m = /^(\/\/[^\s]+\/):(_authToken|_auth|username|_password)$/.exec(k);
    if (!m || !v) continue;
    put(m[1], m[2] === '_authToken' ? 'token' : m[2] === '_auth' ? 'auth' : m[2] === 'username' ? 'username' : 'password', v);
  }
  // Unscoped `_authToken` / `_auth` belong to this source's own default registry.
  const reg = s.values.registry || 'https://registry.npmjs.org/';
  const dartOfReg = (() => {
    try {
      const u = new URL(reg);
      return `//${u.host}${u.pathname.endsWith('/') ? u.pathname : `${u.pathname}/`}`;
    } catch {
      return undefined;
    }
  })();
  if (dartOfReg && s.values._authToken) put(dartOfReg, 'token', s.values._authToken);
  if (dartOfReg && s.values._auth) put(dartOfReg, 'auth', s.values._auth);
  for (const [dart, e] of byDart) {
    const authorization = e.token
      ? `Bearer ${e.token}`
      : e.auth
        ? `Basic ${e.auth}`
        : e.username && e.password
          ? `Basic ${Buffer.from(`${e.username}:${Buffer.from(e.password, 'base64').toString('utf8')}`).toString('base64')}`
          : undefined;
    if (!authorization) continue;
    let u: URL;
    try {
      u = new URL(`https:${dart}`);
    } catch {
      continue;
    }
    const pathPrefix = u.pathname.endsWith('/') ? u.pathname : `${u.pathname}/`;
    out.push({ origin: `https://${u.hostname}:${u.port || '443'}`, pathPrefix, authorization });
    const http = `http://${u.hostname}:${u.port || '80'}`;
    if (plain.has(http)) out.push({ origin: http, pathPrefix, authorization });
  }
  return out;
}

function connectionOf(sources: Source[], env: NodeJS.ProcessEnv): ConnectionSettings {
  const get = (k: string) => {
    let v: unknown;
    for (const s of sources) if (s.raw[k] !== undefined) v = s.raw[k];
    return v;
  };
  const str = (k: string) => {
    const v = get(k);
    return typeof v === 'string' && v ? v : undefined;
  };
  const ca = get('ca');
  const cafile = str('cafile');
  let caList = Array.isArray(ca) ? ca.filter((x): x is string => typeof x === 'string') : typeof ca === 'string' && ca ? [ca] : [];
  if (cafile) {
    try {
      caList = [...caList, fs.readFileSync(cafile, 'utf8')];
    } catch {
      // npm fails on an unreadable cafile too; here the TLS handshake then fails as an outage
    }
  }
  const strict = get('strict-ssl');
  const fromEnv = connectionFromEnv(env);
  return {
    httpProxy: str('proxy') ?? fromEnv.httpProxy,
    httpsProxy: str('https-proxy') ?? fromEnv.httpsProxy,
    noProxy: str('noproxy') ?? fromEnv.noProxy,
    ...(caList.length ? { ca: caList.map((c) => c.replace(/\\n/g, '\n')) } : {}),
    ...(str('cert') ? { cert: str('cert')!.replace(/\\n/g, '\n') } : {}),
    ...(str('key') ? { key: str('key')!.replace(/\\n/g, '\n') } : {}),
    ...(strict === false || strict === 'false' ? { strictSsl: false } : {}),
  };
}

/** The registry a package name resolves to under this configuration. */
export function registryFor(name: string, config: Record<string, string>, fallback = 'https://registry.npmjs.org/'): string {
  const scope = name.startsWith('@') ? name.split('/')[0] : undefined;
  const r = (scope && config[`${scope}:registry`]) || config.registry || fallback;
  return r.endsWith('/') ? r : `${r}/`;
}
