import { parse as parseYaml } from 'yaml';
import { notRegistryVersion } from './npm-lock';
import { LockfileError, type LockGraph, type LockNode } from './types';

/** `name@range` → [name, range], the name possibly scoped (`@s/a@^1`), the range possibly `npm:real@^1`. */
export function splitDescriptor(d: string): [string, string] {
  const at = d.indexOf('@', 1);
  return at < 0 ? [d, ''] : [d.slice(0, at), d.slice(at + 1)];
}

function unquote(s: string): string {
  const t = s.trim();
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) {
    try {
      return JSON.parse(t) as string;
    } catch {
      return t.slice(1, -1);
    }
  }
  return t;
}

/** Top-level keys of a yarn v1 block: `"a@^1", a@^2:` (commas inside quotes do not split). */
function blockKeys(line: string): string[] {
  const body = line.replace(/:\s*$/, '');
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const c of body) {
    if (c === '"') quoted = !quoted;
    if (c === ',' && !quoted) {
      out.push(unquote(cur));
      cur = '';
    } else cur += c;
  }
  if (cur.trim()) out.push(unquote(cur));
  return out.filter(Boolean);
}

/**
 * yarn.lock: berry (YAML with `__metadata`) through the YAML parser, v1 through the reader below.
 * v1 is its own indentation format; the maintained parser (@yarnpkg/lockfile) has had no release
 * since 2018, so this is a bounded line reader: one pass, each line looked at once.
 */
export function parseYarnLock(text: string): LockGraph {
  if (/^__metadata:/m.test(text)) return parseBerry(text);
  const byKey = new Map<string, string>();
  const nodes = new Map<string, LockNode>();
  const pending = new Map<string, [string, string][]>();
  let node: LockNode | undefined;
  let section: string | undefined;
  let range = '';
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (!line.trim() || line.trimStart().startsWith('#')) continue;
    const indent = line.length - line.trimStart().length;
    if (indent === 0) {
      const keys = blockKeys(line);
      if (!keys.length) {
        node = undefined;
        continue;
      }
      const [name, r] = splitDescriptor(keys[0]);
      range = r;
      const alias = /^npm:((?:@[^/@]+\/)?[^@]+)@/.exec(r);
      node = { id: keys[0], name: alias ? alias[1] : name, version: '', edges: [] };
      nodes.set(node.id, node);
      pending.set(node.id, []);
      for (const k of keys) byKey.set(k, node.id);
      section = undefined;
      continue;
    }
    if (!node) continue;
    const t = line.trim();
    if (indent <= 2) {
      section = undefined;
      if (t.endsWith(':')) {
        section = t.slice(0, -1);
        continue;
      }
      const sp = t.indexOf(' ');
      const key = sp < 0 ? t : t.slice(0, sp);
      const value = sp < 0 ? '' : unquote(t.slice(sp + 1));
      if (key === 'version') {
        node.version = value;
        const why = notRegistryVersion(range.replace(/^npm:(?:@[^/@]+\/)?[^@]+@/, ''));
        if (why) node.unchecked = why;
      } else if (key === 'resolved' && !node.unchecked && /^(git\+|git:|file:)/.test(value)) node.unchecked = notRegistryVersion(value);
      continue;
    }
    if (section === 'dependencies' || section === 'optionalDependencies') {
      const sp = t.search(/\s/);
      if (sp > 0) pending.get(node.id)!.push([unquote(t.slice(0, sp)), unquote(t.slice(sp + 1))]);
    }
  }
  for (const [id, deps] of pending) {
    const n = nodes.get(id)!;
    for (const [dep, r] of deps) {
      const to = byKey.get(`${dep}@${r}`);
      if (to) n.edges.push(to);
    }
  }
  return { format: 'yarn v1', nodes, direct: (name, spec) => byKey.get(`${name}@${spec}`), knowsImporter: () => true };
}

type BerryEntry = { version?: unknown; resolution?: unknown; dependencies?: unknown; optionalDependencies?: unknown; peerDependencies?: unknown };

function parseBerry(text: string): LockGraph {
  let data: unknown;
  try {
    data = parseYaml(text, { maxAliasCount: 100 });
  } catch (e) {
    throw new LockfileError(`not valid YAML (${(e as Error).message.split('\n')[0]})`);
  }
  if (!data || typeof data !== 'object') throw new LockfileError('not a lockfile object');
  const byKey = new Map<string, string>();
  const nodes = new Map<string, LockNode>();
  const entries = new Map<string, BerryEntry>();
  const workspaces = new Map<string, string>();
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    if (key === '__metadata' || !value || typeof value !== 'object') continue;
    const e = value as BerryEntry;
    const resolution = typeof e.resolution === 'string' ? e.resolution : '';
    const [resName, resRef] = splitDescriptor(resolution);
    const node: LockNode = { id: key, name: resName || splitDescriptor(key.split(',')[0].trim())[0], version: typeof e.version === 'string' ? e.version : String(e.version ?? ''), edges: [] };
    // A patch (`patch:lodash@npm%3A4.17.21#…`) changes some lines of the same npm release: still checked.
    if (resRef.startsWith('workspace:')) {
      node.unchecked = 'workspace package';
      workspaces.set(resRef.slice('workspace:'.length) || '.', key);
    } else if (!resRef.startsWith('npm:') && !(resRef.startsWith('patch:') && resRef.includes('npm%3A'))) node.unchecked = resRef ? `not a registry package (${resRef.split(':')[0]})` : 'no resolution in the lockfile';
    nodes.set(key, node);
    entries.set(key, e);
    for (const k of key.split(',')) byKey.set(k.trim(), key);
  }
  const lookup = (name: string, range: string) => byKey.get(`${name}@${range}`) ?? (/^[a-z]+:/.test(range) ? undefined : byKey.get(`${name}@npm:${range}`));
  for (const [key, e] of entries) {
    const n = nodes.get(key)!;
    for (const deps of [e.dependencies, e.optionalDependencies]) {
      if (!deps || typeof deps !== 'object') continue;
      for (const [dep, r] of Object.entries(deps as Record<string, unknown>)) {
        const to = lookup(dep, String(r));
        if (to) n.edges.push(to);
      }
    }
  }
  return {
    format: 'yarn berry',
    nodes,
    direct: (name, spec, importer) => {
      // The workspace's own entry says what each of its ranges resolved to.
      const ws = entries.get(workspaces.get(importer) ?? '');
      const declared = ws?.dependencies && typeof ws.dependencies === 'object' ? (ws.dependencies as Record<string, unknown>)[name] : undefined;
      return (typeof declared === 'string' ? lookup(name, declared) : undefined) ?? lookup(name, spec);
    },
    knowsImporter: (importer) => workspaces.size === 0 || workspaces.has(importer),
  };
}
