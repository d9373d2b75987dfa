import * as fs from 'node:fs';
import * as path from 'node:path';
import { readManifestText } from '../read-manifest';
import { parseNpmLock } from './npm-lock';
import { parsePdmLock } from './pdm-lock';
import { parsePipfileLock } from './pipfile-lock';
import { parsePnpmLock } from './pnpm-lock';
import { parsePoetryLock } from './poetry-lock';
import { LockfileError, type LockGraph } from './types';
import { parseUvLock } from './uv-lock';
import { parseYarnLock } from './yarn-lock';

export type ManifestKind = 'package.json' | 'pyproject.toml' | 'Pipfile';

/** Lockfiles by the manifest they lock, in the order the package managers prefer them. */
const LOCKFILES: Record<ManifestKind, [string, (text: string) => LockGraph][]> = {
  'package.json': [['npm-shrinkwrap.json', parseNpmLock], ['package-lock.json', parseNpmLock], ['pnpm-lock.yaml', parsePnpmLock], ['yarn.lock', parseYarnLock]],
  'pyproject.toml': [['poetry.lock', parsePoetryLock], ['uv.lock', parseUvLock], ['pdm.lock', parsePdmLock]],
  Pipfile: [['Pipfile.lock', parsePipfileLock]],
};

export interface FoundLock {
  file: string;
  text: string;
  graph: LockGraph;
  /** The manifest's folder relative to the lockfile's (`.` for the same folder), `/`-separated. */
  importer: string;
}

/**
 * The lockfile that locks `manifest`: in its folder, else (a workspace member of a monorepo) in
 * the nearest enclosing folder inside `root` whose lockfile knows the member. Every read is the
 * guarded one (regular file, under the size cap, inside `root`). A lockfile that cannot be read
 * or parsed is a problem, and the next candidate is tried.
 */
export function findLockfile(manifest: string, kind: ManifestKind, root: string | undefined, problems: { file: string; message: string }[]): FoundLock | undefined {
  const start = path.dirname(path.resolve(manifest));
  let top = start;
  try {
    top = root ? fs.realpathSync(root) : start;
  } catch {
    /* the root is the manifest's own folder then */
  }
  let real = start;
  try {
    real = fs.realpathSync(start);
  } catch {
    /* read below fails and says why */
  }
  // Pipfile.lock sits next to its Pipfile; the others may be a workspace root's.
  const climb = kind !== 'Pipfile' && (real === top || real.startsWith(top + path.sep));
  for (let dir = start; ; dir = path.dirname(dir)) {
    for (const [name, parse] of LOCKFILES[kind]) {
      const file = path.join(dir, name);
      if (!fs.existsSync(file)) continue;
      let text: string;
      let graph: LockGraph;
      try {
        text = readManifestText(file, root);
        graph = parse(text);
      } catch (e) {
        const why = e instanceof LockfileError ? e.message : (e as Error).message;
        problems.push({ file, message: `${name} not read (${why}); transitive packages not checked` });
        continue;
      }
      const importer = path.relative(dir, start).split(path.sep).join('/') || '.';
      if (graph.knowsImporter(importer)) return { file, text, graph, importer };
    }
    const up = path.dirname(dir);
    if (!climb || up === dir) return undefined;
    let realUp = up;
    try {
      realUp = fs.realpathSync(up);
    } catch {
      return undefined;
    }
    if (realUp !== top && !realUp.startsWith(top + path.sep)) return undefined;
  }
}
