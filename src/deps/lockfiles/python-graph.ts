import { parse as parseToml } from 'smol-toml';
import { normalizeName } from '../python-manifests';
import { LockfileError, type LockFormat, type LockGraph, type LockNode } from './types';

/** One package as a Python lockfile lists it, its dependencies by (normalised) name. */
export interface PyLocked {
  name: string;
  version: string;
  dev?: boolean;
  unchecked?: string;
  deps: { name: string; version?: string }[];
}

/**
 * A graph of Python packages keyed by PEP 503 name (`Flask_Login` is `flask-login`); a name
 * locked at several versions (uv's forks by marker) keeps each, and an edge without a version
 * reaches all of them.
 */
export function byNameGraph(format: LockFormat, pkgs: PyLocked[], flat = false): LockGraph {
  const nodes = new Map<string, LockNode>();
  const ids = new Map<string, string[]>();
  for (const p of pkgs) {
    const name = normalizeName(p.name);
    const id = ids.has(name) ? `${name}@${p.version}` : name;
    if (nodes.has(id)) continue;
    nodes.set(id, { id, name, version: p.version, edges: [], ...(p.dev ? { dev: true } : {}), ...(p.unchecked ? { unchecked: p.unchecked } : {}) });
    ids.set(name, [...(ids.get(name) ?? []), id]);
  }
  pkgs.forEach((p) => {
    const from = nodes.get(ids.get(normalizeName(p.name))!.find((id) => nodes.get(id)!.version === p.version)!)!;
    for (const d of p.deps) {
      const targets = ids.get(normalizeName(d.name)) ?? [];
      const exact = d.version ? targets.filter((id) => nodes.get(id)!.version === d.version) : [];
      from.edges.push(...(exact.length ? exact : targets));
    }
  });
  return { format, nodes, flat, direct: (name) => ids.get(normalizeName(name))?.[0], knowsImporter: () => true };
}

export function parseTomlLock(text: string): Record<string, unknown> {
  try {
    const data = parseToml(text);
    if (!data || typeof data !== 'object') throw new LockfileError('not a lockfile table');
    return data as Record<string, unknown>;
  } catch (e) {
    if (e instanceof LockfileError) throw e;
    throw new LockfileError(`not valid TOML (${(e as Error).message.split('\n')[0]})`);
  }
}

export const isObject = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x);
export const str = (x: unknown): string => (typeof x === 'string' ? x : '');
/** The name at the start of a PEP 508 requirement string (`click>=7; python_version>"3"`). */
export const requirementName = (req: string): string => /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(req)?.[1] ?? '';
