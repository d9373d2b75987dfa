import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseIni } from 'ini';
import { readGuardedText } from '../core/safe-fs';

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

/**
 * npm configuration in npm's flat form (`registry`, `@scope:registry`, `//host/:_authToken`,
 * `proxy`…): the user's ~/.npmrc with `${ENV}` expanded, then what the workspace .npmrc may add
 * under `mode` (project wins, as in npm).
 */
export function readNpmrc(projectDir: string, env: NodeJS.ProcessEnv = process.env, home = os.homedir(), mode: WorkspaceConfigMode = 'data'): Record<string, string> {
  const out: Record<string, string> = {};
  const expand = (v: string) => v.replace(/\$\{([^{}$]{1,200})\}/g, (_m, name: string) => env[name] ?? '');
  for (const [k, v] of Object.entries(readIni(path.join(home, '.npmrc'), false) ?? {})) if (typeof v === 'string') out[k] = expand(v);
  if (mode === 'ignored') return out;
  for (const [k, v] of Object.entries(readIni(path.join(projectDir, '.npmrc'), true) ?? {})) {
    if (typeof v !== 'string') continue;
    if (mode === 'trusted') out[k] = expand(v);
    else if (isRoutingKey(k)) out[k] = v;
  }
  return out;
}

/** The registry a package name resolves to under this configuration. */
export function registryFor(name: string, config: Record<string, string>, fallback = 'https://registry.npmjs.org/'): string {
  const scope = name.startsWith('@') ? name.split('/')[0] : undefined;
  const r = (scope && config[`${scope}:registry`]) || config.registry || fallback;
  return r.endsWith('/') ? r : `${r}/`;
}
