import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * A version-bump fix edits the manifest only: until the lockfile is regenerated, `npm ci` refuses
 * the pair and a re-check still reads the old locked versions. The command that regenerates it,
 * by the lockfile found beside the manifest (or above it, up to the scanned folder: a monorepo
 * member's lockfile lives at the root).
 */
const BY_MANIFEST: Record<string, [lockfile: string, command: string][]> = {
  'package.json': [['npm-shrinkwrap.json', 'npm install'], ['package-lock.json', 'npm install'], ['pnpm-lock.yaml', 'pnpm install'], ['yarn.lock', 'yarn install'], ['bun.lock', 'bun install']],
  'pyproject.toml': [['poetry.lock', 'poetry lock'], ['uv.lock', 'uv lock'], ['pdm.lock', 'pdm lock']],
  Pipfile: [['Pipfile.lock', 'pipenv lock']],
};

export interface LockfileRefresh {
  /** The lockfile, relative to the manifest's folder (`../../package-lock.json` in a monorepo). */
  lockfile: string;
  command: string;
}

export function lockfileRefreshFor(manifest: string, root?: string): LockfileRefresh | undefined {
  const kinds = BY_MANIFEST[path.basename(manifest)];
  if (!kinds) return undefined;
  const start = path.dirname(path.resolve(manifest));
  const top = root ? path.resolve(root) : start;
  for (let dir = start; ; dir = path.dirname(dir)) {
    for (const [lockfile, command] of kinds) {
      // Only whether it is there: nothing is read (the lockfile readers do that, guarded).
      if (isFile(path.join(dir, lockfile))) return { lockfile: path.relative(start, path.join(dir, lockfile)), command };
    }
    if (dir === top || !dir.startsWith(top) || path.dirname(dir) === dir) return undefined;
  }
}

function isFile(p: string): boolean {
  try {
    return fs.lstatSync(p).isFile();
  } catch {
    return false;
  }
}
