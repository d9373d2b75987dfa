import { lineLocator } from '../../core/line-locator';
import type { Dependency, ManifestResult, TransitivePackage } from '../types';
import { findLockfile, type ManifestKind } from './find';
import { lockedTree, type DirectRef } from './tree';

/**
 * Reads the lockfile of a manifest and attaches what it says: each direct dependency's locked
 * version (`installed`), and every other locked package reachable from them, anchored on the
 * direct dependency's line (its findings are reported there, "via a › b"). `root` bounds every
 * read; `work` counts edge visits (tests check that it grows linearly).
 */
export function attachLockfile(result: ManifestResult, manifest: string, kind: ManifestKind, root: string | undefined, work = { edges: 0 }): void {
  result.lockable = true;
  try {
    attach(result, manifest, kind, root, work);
  } catch (e) {
    // A lockfile shape no reader foresaw costs its tree, never the check.
    result.problems.push({ file: manifest, message: `lockfile not used (${(e as Error).message}); transitive packages not checked` });
    delete result.transitive;
  }
}

function attach(result: ManifestResult, manifest: string, kind: ManifestKind, root: string | undefined, work: { edges: number }): void {
  const found = findLockfile(manifest, kind, root, result.problems);
  if (!found) return;
  const { graph, importer, file } = found;
  result.lock = { file, format: graph.format };
  const directs: DirectRef[] = [];
  const anchorOf = new Map<string, Dependency>();
  for (const d of result.dependencies) {
    const id = graph.direct(d.alias ?? d.name, d.spec, importer);
    const node = id ? graph.nodes.get(id) : undefined;
    if (!id || !node) continue;
    if (!d.unchecked) {
      if (node.unchecked) d.unchecked = `${node.unchecked} in ${graph.format}`;
      else if (node.version) d.installed = node.version;
    }
    directs.push({ id, dev: d.dev });
    if (!anchorOf.has(node.name)) anchorOf.set(node.name, d);
  }
  const tree = lockedTree(graph, directs, work);
  const transitive: TransitivePackage[] = [];
  let entryLine: ((name: string) => Dependency) | undefined;
  for (const p of tree) {
    if (p.direct) continue;
    let anchor = anchorOf.get(p.path[0]);
    if (!anchor || p.path.length === 1) {
      // A flat lockfile does not say who pulls it in: its own entry is the line to report on.
      entryLine ??= lockEntryLocator(found.text, file, result.dependencies[0]?.ecosystem ?? 'pypi');
      anchor = entryLine(p.name);
    }
    transitive.push({ ...p, anchor, lockfile: file });
  }
  result.transitive = transitive;
}

/** A Dependency placed on a package's key in a JSON lockfile (`"name": {`), for flat lockfiles. */
function lockEntryLocator(text: string, file: string, ecosystem: 'npm' | 'pypi'): (name: string) => Dependency {
  const positionAt = lineLocator(text);
  const keys = new Map<string, number>();
  for (const m of text.matchAll(/"([^"\\\n]{1,214})"\s*:\s*\{/g)) {
    const key = m[1].toLowerCase().replace(/[-_.]+/g, '-');
    if (!keys.has(key)) keys.set(key, m.index! + 1);
  }
  return (name) => {
    const at = keys.get(name.toLowerCase().replace(/[-_.]+/g, '-')) ?? 0;
    const pos = positionAt(at);
    return { ecosystem, name, spec: '', file, line: pos.line, column: pos.column, specStart: at, specEnd: at };
  };
}
