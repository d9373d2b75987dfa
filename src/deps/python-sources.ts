import * as path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import type { PypiRoute } from './check-context';
import type { WorkspaceConfigMode } from './npmrc';
import { defaultPypiBase, jsonApiBase } from './pypi-check';
import { normalizeName } from './python-manifests';
import { readManifestText } from './read-manifest';
import type { Dependency } from './types';

/**
 * Which package index each PyPI dependency is looked up on, as pip, Poetry and Pipenv route it:
 * - requirements: `--index-url` replaces the default index and `--extra-index-url` adds one, for
 *   every requirement of the invocation (the file and its includes); the user's
 *   `PIP_INDEX_URL` / `PIP_EXTRA_INDEX_URL` likewise;
 * - Poetry: `[[tool.poetry.source]]`; a dependency with `source = "x"` is looked up there only;
 *   a primary source replaces PyPI, supplemental ones add to it;
 * - Pipfile: `[[source]]`; the first is every package's index, `index = "x"` picks another.
 * A name is asked on private indexes before a public one, and a public one only after every
 * private one answered "not here": a private package's name never reaches pypi.org, and a
 * failing private index fails the package instead of sending its name on.
 * Workspace URLs are data: `${VAR}` is never expanded and userinfo is dropped (a workspace does
 * not choose credentials); with `--trust-workspace-config` they mean what pip makes of them.
 */
export interface PythonSourceOptions {
  pypiIndex?: string;
  env?: NodeJS.ProcessEnv;
  workspaceConfig?: WorkspaceConfigMode;
}

/** The public index as a JSON API base, however a manifest spells it. */
const PUBLIC = /^https?:\/\/(pypi\.org|pypi\.python\.org|files\.pythonhosted\.org)(\/|$)/i;

interface FileSources {
  /** The index every package of the file uses (replacing the user's default). */
  primary?: string[];
  /** Indexes added for every package. */
  extra: string[];
  /** Per package (normalised name): the one index it names. */
  named: Map<string, string>;
  /** The file names sources: Restricted Mode then does not look its packages up at all. */
  hasSources: boolean;
}

export function pythonRoutes(deps: Dependency[], o: PythonSourceOptions, root: (file: string) => string | undefined): (d: Dependency) => PypiRoute {
  const mode = o.workspaceConfig ?? 'data';
  const env = o.env ?? {};
  const userDefault = defaultPypiBase(o);
  const userExtra = (env.PIP_EXTRA_INDEX_URL ?? '').split(/\s+/).filter(Boolean).map(jsonApiBase);
  const bySource = new Map<string, FileSources>();
  const sourcesOf = (file: string): FileSources => {
    let s = bySource.get(file);
    if (!s) bySource.set(file, (s = readSources(file, mode, env, root(file))));
    return s;
  };
  // pip's options hold for the whole invocation: a requirements file and the files it includes.
  const groupOf = new Map<Dependency, FileSources[]>();
  const reqFiles = [...new Set(deps.filter((d) => /\.txt$/i.test(d.file)).map((d) => d.file))];
  const reqSources = reqFiles.map(sourcesOf);
  for (const d of deps) groupOf.set(d, /\.txt$/i.test(d.file) ? sameFolder(d.file, reqFiles, reqSources) : [sourcesOf(d.file)]);
  return (d) => {
    const group = groupOf.get(d) ?? [];
    if (mode === 'ignored' && group.some((g) => g.hasSources)) return { unchecked: 'the manifest names its own package index, which Restricted Mode does not read' };
    const named = group.map((g) => g.named.get(normalizeName(d.name))).find((x) => x !== undefined);
    if (named?.startsWith(UNKNOWN)) return { unchecked: `it names the package source "${decodeURIComponent(named.slice(UNKNOWN.length))}", which the manifest does not define` };
    if (named !== undefined) return { indexes: [publicAsUser(named, userDefault)] };
    const primary = group.flatMap((g) => g.primary ?? []);
    const extra = group.flatMap((g) => g.extra);
    const all = [...new Set([...(primary.length ? primary : [userDefault]), ...extra, ...userExtra].map((u) => publicAsUser(u, userDefault)))];
    const isPublic = (u: string) => u === userDefault || PUBLIC.test(u);
    return { indexes: [...all.filter((u) => !isPublic(u)), ...all.filter(isPublic)] };
  };
}

/** Requirements files of one folder form one pip invocation (the usual `requirements*.txt` set). */
function sameFolder(file: string, files: string[], sources: FileSources[]): FileSources[] {
  return files.map((f, i) => [f, sources[i]] as const).filter(([f]) => path.dirname(f) === path.dirname(file)).map(([, s]) => s);
}

/** A manifest naming the public index means the user's choice of it (a mirror, --pypi-index). */
function publicAsUser(url: string, userDefault: string): string {
  return PUBLIC.test(url) ? userDefault : url;
}

function readSources(file: string, mode: WorkspaceConfigMode, env: NodeJS.ProcessEnv, root: string | undefined): FileSources {
  const out: FileSources = { extra: [], named: new Map(), hasSources: false };
  let text: string;
  try {
    text = readManifestText(file, root);
  } catch {
    return out; // the manifest reader reports it
  }
  const url = (u: string) => {
    out.hasSources = true;
    return workspaceUrl(u, mode, env);
  };
  const base = path.basename(file);
  if (/\.txt$/i.test(base)) {
    for (const line of text.split('\n')) {
      const m = /^\s*(-i|--index-url|--extra-index-url)(?:\s*=\s*|\s+)(\S+)/.exec(line);
      if (!m) continue;
      if (m[1] === '--extra-index-url') out.extra.push(url(m[2]));
      else out.primary = [url(m[2])];
    }
    return out;
  }
  let data: Record<string, unknown>;
  try {
    data = parseToml(text) as Record<string, unknown>;
  } catch {
    return out;
  }
  const byName = new Map<string, string>();
  if (base === 'Pipfile') {
    const sources = Array.isArray(data.source) ? (data.source as { name?: unknown; url?: unknown }[]) : [];
    for (const s of sources) if (typeof s?.url === 'string') byName.set(String(s.name ?? ''), url(s.url));
    const first = sources.find((s) => typeof s?.url === 'string');
    if (first) out.primary = [byName.get(String(first.name ?? ''))!];
    for (const section of ['packages', 'dev-packages']) {
      for (const [name, v] of Object.entries((data[section] as Record<string, unknown>) ?? {})) {
        const idx = (v as { index?: unknown })?.index;
        if (typeof idx === 'string') out.named.set(normalizeName(name), byName.get(idx) ?? unknownSource(idx));
      }
    }
    return out;
  }
  const poetry = (data.tool as { poetry?: Record<string, unknown> } | undefined)?.poetry;
  const sources = Array.isArray(poetry?.source) ? (poetry!.source as { name?: unknown; url?: unknown; priority?: unknown; default?: unknown; secondary?: unknown }[]) : [];
  const primary: string[] = [];
  for (const s of sources) {
    if (typeof s?.url !== 'string') continue;
    const u = url(s.url);
    byName.set(String(s.name ?? ''), u);
    const priority = typeof s.priority === 'string' ? s.priority : s.secondary === true ? 'supplemental' : 'primary';
    if (priority === 'primary' || priority === 'default') primary.push(u);
    else if (priority === 'supplemental' || priority === 'secondary') out.extra.push(u);
    // 'explicit': only for the packages that name it
  }
  if (primary.length) out.primary = primary;
  const groups = (poetry?.group as Record<string, { dependencies?: Record<string, unknown> }> | undefined) ?? {};
  for (const table of [poetry?.dependencies as Record<string, unknown> | undefined, poetry?.['dev-dependencies'] as Record<string, unknown> | undefined, ...Object.values(groups).map((g) => g?.dependencies)]) {
    for (const [name, v] of Object.entries(table ?? {})) {
      const src = (v as { source?: unknown })?.source;
      if (typeof src === 'string') out.named.set(normalizeName(name), byName.get(src) ?? unknownSource(src));
    }
  }
  return out;
}

const UNKNOWN = 'sitewarden-unknown-source:';

/** A source name no `[[source]]` defines: the package is not looked up, never sent to the public index instead. */
function unknownSource(name: string): string {
  return `${UNKNOWN}${encodeURIComponent(name)}`;
}

/**
 * A workspace's index URL as data: no `${VAR}` expansion (a workspace must not make the check
 * read the environment into a URL it chooses) and no userinfo; trusted, pip's meaning.
 */
function workspaceUrl(raw: string, mode: WorkspaceConfigMode, env: NodeJS.ProcessEnv): string {
  if (mode === 'trusted') return jsonApiBase(raw.replace(/\$\{([A-Za-z_][A-Za-z0-9_]{0,200})\}/g, (_m, n: string) => env[n] ?? ''));
  return jsonApiBase(raw.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, '$1'));
}
