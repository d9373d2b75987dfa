import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseIni } from 'ini';

/**
 * npm configuration as npm reads it: the user's ~/.npmrc, then the project's .npmrc (project
 * wins), with ${ENV} expanded. Keys stay in npm's flat form (`registry`, `@scope:registry`,
 * `//host/:_authToken`), which npm-registry-fetch understands and scopes to their hosts.
 */
export function readNpmrc(projectDir: string, env: NodeJS.ProcessEnv = process.env, home = os.homedir()): Record<string, string> {
  const out: Record<string, string> = {};
  for (const file of [path.join(home, '.npmrc'), path.join(projectDir, '.npmrc')]) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    const parsed = parseIni(text) as Record<string, unknown>;
    for (const [k, v] of Object.entries(parsed)) {
      if (typeof v !== 'string') continue;
      out[k] = v.replace(/\$\{([^{}$]{1,200})\}/g, (_m, name: string) => env[name] ?? '');
    }
  }
  return out;
}

/** The registry a package name resolves to under this configuration. */
export function registryFor(name: string, config: Record<string, string>, fallback = 'https://registry.npmjs.org/'): string {
  const scope = name.startsWith('@') ? name.split('/')[0] : undefined;
  const r = (scope && config[`${scope}:registry`]) || config.registry || fallback;
  return r.endsWith('/') ? r : `${r}/`;
}
