import { parse as parseYaml } from 'yaml';
import { LockfileError, type LockGraph, type LockNode } from './types';

type Importer = { dependencies?: unknown; devDependencies?: unknown; optionalDependencies?: unknown };
type PnpmLock = Importer & { lockfileVersion?: unknown; importers?: unknown; packages?: unknown; snapshots?: unknown };

const isObject = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x);
const own = (o: Record<string, unknown>, k: string): unknown => (Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined);

/** `/@s/a@1.0.0(react@18.2.0)` or `@s/a@1.0.0(react@18.2.0)` → [`@s/a`, `1.0.0`]. */
export function pnpmKeyParts(key: string, v5 = false): [string, string] {
  const bare = key.replace(/^\//, '');
  const paren = bare.indexOf('(');
  const base = paren >= 0 ? bare.slice(0, paren) : bare;
  const at = base.lastIndexOf('@');
  if (at > 0 && !v5) return [base.slice(0, at), base.slice(at + 1)];
  // lockfile v5: `/a/1.0.0` or `/@s/a/1.0.0_peer@1`
  const slash = base.lastIndexOf('/');
  if (slash <= 0) return [base, ''];
  const version = base.slice(slash + 1);
  const peers = version.indexOf('_');
  return [base.slice(0, slash), peers >= 0 ? version.slice(0, peers) : version];
}

/**
 * pnpm-lock.yaml v5.x to v9: importers (or, before workspaces, the top-level dependency lists),
 * `packages` keyed `/a@1.0.0` (v6) or `a@1.0.0` with the graph in `snapshots` (v9).
 */
export function parsePnpmLock(text: string): LockGraph {
  let data: PnpmLock;
  try {
    data = parseYaml(text, { maxAliasCount: 100 }) as PnpmLock;
  } catch (e) {
    throw new LockfileError(`not valid YAML (${(e as Error).message.split('\n')[0]})`);
  }
  if (!isObject(data)) throw new LockfileError('not a lockfile object');
  const graph = isObject(data.snapshots) ? data.snapshots : isObject(data.packages) ? data.packages : {};
  // v5.x keys are `/a/1.0.0` (peers after `_`, which may hold an `@`); v6 on `/a@1.0.0`.
  const v5 = Number.parseFloat(String(data.lockfileVersion)) < 6;
  const nodes = new Map<string, LockNode>();
  for (const [key, e] of Object.entries(graph)) {
    const [name, version] = pnpmKeyParts(key, v5);
    const node: LockNode = { id: key, name, version, edges: [], ...(isObject(e) && e.dev === true ? { dev: true } : {}) };
    if (!/^\d/.test(version)) node.unchecked = 'not a registry package';
    nodes.set(key, node);
  }
  /** The node a dependency's version reference names. */
  const resolve = (name: string, ref: string): string | undefined => {
    if (/^(link|file|workspace):/.test(ref)) return undefined;
    if (ref.startsWith('/')) return nodes.has(ref) ? ref : undefined;
    // v9 alias: `string-width-cjs: string-width@4.2.3`
    const candidates = /^\d/.test(ref) ? [`${name}@${ref}`, `/${name}@${ref}`, `/${name}/${ref}`] : [ref, `/${ref}`];
    return candidates.find((k) => nodes.has(k));
  };
  for (const [key, e] of Object.entries(graph)) {
    if (!isObject(e)) continue;
    const n = nodes.get(key)!;
    for (const deps of [e.dependencies, e.optionalDependencies]) {
      if (!isObject(deps)) continue;
      for (const [dep, ref] of Object.entries(deps)) {
        const to = typeof ref === 'string' ? resolve(dep, ref) : undefined;
        if (to) n.edges.push(to);
      }
    }
  }
  const importers = isObject(data.importers) ? data.importers : { '.': { dependencies: data.dependencies, devDependencies: data.devDependencies, optionalDependencies: data.optionalDependencies } };
  const refOf = (importer: string, name: string): string | undefined => {
    const imp = own(importers, importer);
    if (!isObject(imp)) return undefined;
    for (const section of [imp.dependencies, imp.devDependencies, imp.optionalDependencies]) {
      if (!isObject(section)) continue;
      const v = own(section, name);
      // v6+: { specifier, version }; v5: the version itself
      const ref = isObject(v) ? v.version : v;
      if (typeof ref === 'string') return ref;
    }
    return undefined;
  };
  return {
    format: 'pnpm',
    nodes,
    direct: (name, _spec, importer) => {
      const ref = refOf(importer, name);
      return ref ? resolve(name, ref) : undefined;
    },
    knowsImporter: (importer) => own(importers, importer) !== undefined,
  };
}
