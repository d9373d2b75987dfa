import { byNameGraph, isObject, parseTomlLock, str, type PyLocked } from './python-graph';
import type { LockGraph } from './types';

/** poetry.lock: `[[package]]` tables with `[package.dependencies]`; dev from `category` (Poetry < 1.5) or `groups` (2.x). */
export function parsePoetryLock(text: string): LockGraph {
  const data = parseTomlLock(text);
  const pkgs: PyLocked[] = [];
  for (const p of Array.isArray(data.package) ? data.package : []) {
    if (!isObject(p) || !str(p.name)) continue;
    const groups = Array.isArray(p.groups) ? p.groups.map(String) : undefined;
    const source = isObject(p.source) ? str(p.source.type) : '';
    pkgs.push({
      name: str(p.name),
      version: str(p.version),
      dev: p.category === 'dev' || (!!groups && !groups.includes('main')),
      unchecked: ['git', 'directory', 'file', 'url'].includes(source) ? `${source} dependency` : undefined,
      deps: Object.keys(isObject(p.dependencies) ? p.dependencies : {}).map((name) => ({ name })),
    });
  }
  return byNameGraph('poetry', pkgs);
}
