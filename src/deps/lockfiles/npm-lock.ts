import { LockfileError, type LockFormat, type LockGraph, type LockNode } from './types';

type Entry = {
  name?: string;
  version?: string;
  resolved?: string;
  link?: boolean;
  dev?: boolean;
  dependencies?: Record<string, unknown>;
  optionalDependencies?: Record<string, unknown>;
  peerDependencies?: Record<string, unknown>;
  requires?: Record<string, unknown> | boolean;
};

const isObject = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x);
const names = (x: unknown): string[] => (isObject(x) ? Object.keys(x) : []);

/** Why a locked version is not a registry one (git, tarball, local folder), or undefined. */
export function notRegistryVersion(version: string): string | undefined {
  if (/^(git\+|git:|github:|gitlab:|bitbucket:|gist:)/.test(version)) return 'git dependency';
  if (/^(file:|link:|\.{0,2}\/)/.test(version)) return 'local path';
  if (/^https?:/.test(version)) return 'tarball URL';
  return undefined;
}

/** `npm:real@1.2.3` (an alias's locked version) → [real, 1.2.3]. */
function unalias(name: string, version: string): [string, string] {
  const m = /^npm:((?:@[^/@]+\/)?[^@]+)@(.+)$/.exec(version);
  return m ? [m[1], m[2]] : [name, version];
}

/** package-lock.json / npm-shrinkwrap.json, v1 (nested `dependencies`) or v2/v3 (`packages`). */
export function parseNpmLock(text: string): LockGraph {
  let data: { lockfileVersion?: number; packages?: unknown; dependencies?: unknown };
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new LockfileError(`not valid JSON (${(e as Error).message.split('\n')[0]})`);
  }
  if (!isObject(data)) throw new LockfileError('not a lockfile object');
  if (isObject(data.packages)) return fromPackages(data.packages as Record<string, Entry>, data.lockfileVersion === 3 ? 'package-lock v3' : 'package-lock v2');
  if (isObject(data.dependencies)) return fromNested(data.dependencies as Record<string, Entry>);
  return { format: 'package-lock v1', nodes: new Map(), direct: () => undefined, knowsImporter: (i) => i === '.' };
}

/** Where npm looks next for a package required from `loc`: the enclosing node_modules level. */
/**
 * No real tree nests this deep (npm 2's deepest were some dozens); each lookup walks at most
 * this many levels, so a crafted key nested 700,000 levels deep cannot make lookups quadratic.
 */
const MAX_LEVELS = 256;
/** Likewise for the length of one location key (real ones are some hundreds of characters). */
const MAX_KEY = 8192;

function parentLocation(loc: string): string {
  const i = loc.lastIndexOf('/node_modules/');
  return i >= 0 ? loc.slice(0, i) : '';
}

function fromPackages(pk: Record<string, Entry>, format: LockFormat): LockGraph {
  // A Map: looking up built keys in a 40,000-key object cost more than parsing the file.
  const table = new Map<string, Entry>();
  for (const [k, e] of Object.entries(pk)) if (isObject(e)) table.set(k, e);
  const own = (k: string): Entry | undefined => table.get(k);
  // npm's lookup: from the requiring package's folder up through each node_modules level.
  const resolve = (name: string, from: string): string | undefined => {
    for (let base = from, level = 0; level <= MAX_LEVELS; base = parentLocation(base), level++) {
      const key = `${base ? `${base}/` : ''}node_modules/${name}`;
      const e = own(key);
      if (e) return e.link && typeof e.resolved === 'string' && own(e.resolved) ? e.resolved : key;
      if (!base) return undefined;
    }
    return undefined;
  };
  const nodes = new Map<string, LockNode>();
  for (const [key, e] of table) {
    if (key === '' || e.link || key.length > MAX_KEY) continue;
    const installed = key.startsWith('node_modules/') || key.includes('/node_modules/');
    const last = key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const [name, version] = unalias(installed ? (typeof e.name === 'string' ? e.name : last) : (typeof e.name === 'string' ? e.name : key), typeof e.version === 'string' ? e.version : '');
    const node: LockNode = { id: key, name, version, edges: [], ...(e.dev ? { dev: true } : {}) };
    // A workspace folder is the user's own code: its manifest is checked on its own.
    if (!installed) node.unchecked = 'workspace package';
    else if (!version) node.unchecked = 'no version in the lockfile';
    else {
      const why = notRegistryVersion(version) ?? (typeof e.resolved === 'string' && /^(git\+|file:)/.test(e.resolved) ? notRegistryVersion(e.resolved) : undefined);
      if (why) node.unchecked = why;
    }
    nodes.set(key, node);
  }
  for (const node of nodes.values()) {
    const e = own(node.id)!;
    for (const dep of [...names(e.dependencies), ...names(e.optionalDependencies), ...names(e.peerDependencies)]) {
      const to = resolve(dep, node.id);
      if (to && nodes.has(to)) node.edges.push(to);
    }
  }
  return {
    format,
    nodes,
    direct: (name, _spec, importer) => {
      const to = resolve(name, importer === '.' ? '' : importer);
      return to && nodes.has(to) ? to : undefined;
    },
    knowsImporter: (importer) => importer === '.' || !!own(importer),
  };
}

/** v1: each entry's own `dependencies` nest; `requires` names are found in the nearest enclosing scope. */
function fromNested(top: Record<string, Entry>): LockGraph {
  const SEP = '\u0000';
  const nodes = new Map<string, LockNode>();
  const requires = new Map<string, string[]>();
  // Iterative: a lockfile nested thousands of levels deep must not overflow the stack.
  const stack: [string, Record<string, Entry>, number][] = [['', top, 0]];
  while (stack.length) {
    const [scope, deps, level] = stack.pop()!;
    for (const [key, e] of Object.entries(deps)) {
      if (!isObject(e)) continue;
      const id = scope ? `${scope}${SEP}${key}` : key;
      const [name, version] = unalias(key, typeof e.version === 'string' ? e.version : '');
      const node: LockNode = { id, name, version, edges: [], ...(e.dev ? { dev: true } : {}) };
      const why = version ? notRegistryVersion(version) : 'no version in the lockfile';
      if (why) node.unchecked = why;
      nodes.set(id, node);
      requires.set(id, names(e.requires));
      if (isObject(e.dependencies) && level < MAX_LEVELS) stack.push([id, e.dependencies as Record<string, Entry>, level + 1]);
    }
  }
  for (const node of nodes.values()) {
    for (const dep of requires.get(node.id) ?? []) {
      // own nested scope first, then each enclosing one, then the top level
      let scope = node.id;
      for (;;) {
        const cand = scope ? `${scope}${SEP}${dep}` : dep;
        if (nodes.has(cand)) {
          node.edges.push(cand);
          break;
        }
        if (!scope) break;
        const i = scope.lastIndexOf(SEP);
        scope = i >= 0 ? scope.slice(0, i) : '';
      }
    }
  }
  return { format: 'package-lock v1', nodes, direct: (name) => (nodes.has(name) ? name : undefined), knowsImporter: (i) => i === '.' };
}
