import { byNameGraph, isObject, parseTomlLock, requirementName, str, type PyLocked } from './python-graph';
import type { LockGraph } from './types';

/** pdm.lock: `[[package]]` with `groups` and `dependencies` as PEP 508 strings. */
export function parsePdmLock(text: string): LockGraph {
  const data = parseTomlLock(text);
  const pkgs: PyLocked[] = [];
  for (const p of Array.isArray(data.package) ? data.package : []) {
    if (!isObject(p) || !str(p.name)) continue;
    const groups = Array.isArray(p.groups) ? p.groups.map(String) : undefined;
    const local = ['git', 'path', 'url'].find((k) => typeof p[k] === 'string');
    pkgs.push({
      name: str(p.name),
      version: str(p.version),
      dev: !!groups && !groups.includes('default'),
      unchecked: local ? `${local} dependency` : undefined,
      deps: (Array.isArray(p.dependencies) ? p.dependencies : []).map((r) => ({ name: requirementName(String(r)) })).filter((d) => d.name),
    });
  }
  return byNameGraph('pdm', pkgs);
}
