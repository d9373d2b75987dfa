import { byNameGraph, isObject, parseTomlLock, str, type PyLocked } from './python-graph';
import type { LockGraph } from './types';

type Edge = { name: string; version?: string };

function edges(list: unknown): Edge[] {
  return (Array.isArray(list) ? list : []).filter(isObject).map((d) => ({ name: str(d.name), ...(str(d.version) ? { version: str(d.version) } : {}) })).filter((d) => d.name);
}

/**
 * uv.lock: `[[package]]` with `source` (registry, or git/path/url/editable/virtual: the project
 * itself and local packages are not checked) and `dependencies = [{ name = … }]`, plus optional
 * and dev dependency lists.
 */
export function parseUvLock(text: string): LockGraph {
  const data = parseTomlLock(text);
  const pkgs: PyLocked[] = [];
  for (const p of Array.isArray(data.package) ? data.package : []) {
    if (!isObject(p) || !str(p.name)) continue;
    const source = isObject(p.source) ? Object.keys(p.source)[0] ?? '' : '';
    const deps = edges(p.dependencies);
    for (const table of [p['optional-dependencies'], p['dev-dependencies']]) if (isObject(table)) for (const list of Object.values(table)) deps.push(...edges(list));
    pkgs.push({
      name: str(p.name),
      version: str(p.version),
      unchecked: source && source !== 'registry' ? (source === 'editable' || source === 'virtual' ? 'the project itself' : `${source} dependency`) : undefined,
      deps,
    });
  }
  return byNameGraph('uv', pkgs);
}
