import { byNameGraph, isObject, str, type PyLocked } from './python-graph';
import { LockfileError, type LockGraph } from './types';

/**
 * Pipfile.lock: `default` and `develop` maps of name → `{ version: "==1.0" }`. It does not say
 * which package pulls in which, so it is a flat graph: packages the Pipfile does not declare are
 * checked and reported on their own lockfile entry.
 */
export function parsePipfileLock(text: string): LockGraph {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new LockfileError(`not valid JSON (${(e as Error).message.split('\n')[0]})`);
  }
  if (!isObject(data)) throw new LockfileError('not a lockfile object');
  const pkgs: PyLocked[] = [];
  for (const [section, dev] of [['default', false], ['develop', true]] as const) {
    const entries = data[section];
    if (!isObject(entries)) continue;
    for (const [name, e] of Object.entries(entries)) {
      if (!isObject(e)) continue;
      const local = ['git', 'path', 'file', 'editable'].find((k) => e[k] !== undefined);
      pkgs.push({ name, version: str(e.version).replace(/^===?/, ''), dev, unchecked: local ? `${local} dependency` : undefined, deps: [] });
    }
  }
  return byNameGraph('Pipfile.lock', pkgs, true);
}
