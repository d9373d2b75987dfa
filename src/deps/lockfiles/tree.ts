import type { LockedPackage, LockGraph } from './types';

export interface DirectRef {
  /** The node id the direct dependency resolved to. */
  id: string;
  dev?: boolean;
}

/**
 * Every node reachable from the direct dependencies, each once, with the shortest path from a
 * direct dependency (breadth first, direct dependencies first in manifest order, so a package
 * pulled in by a production and a dev dependency is reported on the production one). `work`
 * counts edge visits: linear in the lockfile's edges, whatever the shape of the tree.
 */
export function lockedTree(graph: LockGraph, directs: DirectRef[], work = { edges: 0 }): LockedPackage[] {
  const out: LockedPackage[] = [];
  const seen = new Map<string, LockedPackage>();
  const parent = new Map<string, string | undefined>();
  const queue: string[] = [];
  // Production dependencies are walked first: a node reached by both is not marked dev.
  const ordered = [...directs.filter((d) => !d.dev), ...directs.filter((d) => d.dev)];
  for (const d of ordered) {
    const node = graph.nodes.get(d.id);
    if (!node || seen.has(d.id)) continue;
    const p: LockedPackage = { name: node.name, version: node.version, direct: true, path: [node.name], ...(d.dev ? { dev: true } : {}), ...(node.unchecked ? { unchecked: node.unchecked } : {}) };
    seen.set(d.id, p);
    parent.set(d.id, undefined);
    out.push(p);
    queue.push(d.id);
  }
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i];
    const from = seen.get(id)!;
    for (const e of graph.nodes.get(id)?.edges ?? []) {
      work.edges++;
      if (seen.has(e)) continue;
      const node = graph.nodes.get(e);
      if (!node) continue;
      const p: LockedPackage = { name: node.name, version: node.version, direct: false, path: extend(from.path, node.name), ...(from.dev ? { dev: true } : {}), ...(node.unchecked ? { unchecked: node.unchecked } : {}) };
      seen.set(e, p);
      out.push(p);
      queue.push(e);
    }
  }
  if (graph.flat) {
    // Nothing says who pulls these in: checked all the same, reported on their lockfile entry.
    for (const [id, node] of graph.nodes) {
      if (seen.has(id)) continue;
      out.push({ name: node.name, version: node.version, direct: false, path: [node.name], ...(node.dev ? { dev: true } : {}), ...(node.unchecked ? { unchecked: node.unchecked } : {}) });
    }
  }
  return out;
}

/** Paths are shown, not walked: past this length the middle is elided, so a 100,000-deep chain costs linear work. */
const MAX_PATH = 16;

function extend(path: string[], name: string): string[] {
  if (path.length < MAX_PATH) return [...path, name];
  return [path[0], '…', ...path.slice(path.length - (MAX_PATH - 3)), name];
}
