import * as os from 'os';
import * as path from 'path';

/**
 * The one cache-folder policy: the dependency cache (src/deps) and the scan cache keep their
 * data under the same root, so a CI runner caches one folder and a user clears one folder.
 * `$XDG_CACHE_HOME/sitewarden` when set to an absolute path (the XDG spec says a relative value
 * is to be ignored), otherwise `~/.cache/sitewarden`. Only the user's environment chooses it,
 * never a workspace file. How files in these folders are written, read and bounded (atomic,
 * link-safe writes, size caps) is src/core/cache-store.ts.
 */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env, home: string = os.homedir()): string {
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, 'sitewarden');
  return path.join(home, '.cache', 'sitewarden');
}

/** The sub-folder of one kind of cached data (`deps`: registry answers; `scan`: scan results). */
export function cacheFolder(kind: 'deps' | 'scan', root: string = cacheRoot()): string {
  return kind === 'deps' ? root : path.join(root, kind);
}
