import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { lineLocator } from '../core/line-locator';
import { attachLockfile } from './lockfiles/attach';
import { DEFAULT_MARKER_ENV_NAME, evaluateMarker } from './markers';
import type { Dependency, ManifestResult } from './types';
import { readManifestText } from './read-manifest';

/** PEP 503 normalised name. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/**
 * `name[extra]>=1.0,<2 ; python_version<"3.12"` → name, spec and where the spec starts.
 * Each optional part carries its own leading whitespace, so no two `\s*` are ever adjacent: with
 * `\s*(\[…\])?\s*(\(?\s*…\s*\)?)?\s*` a line of a name, a few thousand spaces and one stray
 * character backtracked cubically (3,200 spaces: 46 s) before failing. Same groups, same
 * language (checked against the old expression on 300,000 generated lines).
 */
const REQ = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(?:\s*(\[[^\]]*\]))?(?:\s*((?:\(\s*)?((?:===|==|!=|~=|>=|<=|>|<)\s*[^;#\s,)]+(?:\s*,\s*(?:===|==|!=|~=|>=|<=|>|<)\s*[^;#\s,)]+)*)(?:\s*\))?))?\s*(;[^#]*)?(#.*)?$/;

/**
 * requirements*.txt with `-r`/`-c` includes (cycles detected and reported), index options, and
 * VCS/URL requirements reported as unchecked.
 */
/**
 * Reads a requirements file and its `-r`/`-c` includes. With `root` (the scanned folder, a real
 * path), includes that lead outside it are not read: a workspace must not make SiteWarden read
 * and echo `/proc/self/environ` or a home directory file into a CI log.
 */
export function readRequirements(file: string, seen = new Set<string>(), result: ManifestResult = { dependencies: [], indexUrls: [], problems: [] }, root?: string): ManifestResult {
  // Cycles are detected on the real path: behind a symlink such as `a -> .`, `-r a/requirements.txt`
  // names the same file under ever longer paths, and two such includes per file made the
  // recursion branch exponentially (a hang).
  let real = path.resolve(file);
  try {
    real = fs.realpathSync(file);
  } catch {
    /* missing or unreadable: reported when it is read below */
  }
  if (root && real !== root && !real.startsWith(root + path.sep)) {
    result.problems.push({ file, message: `include outside the scanned folder is not read: ${path.basename(file)}` });
    return result;
  }
  if (seen.has(real)) {
    result.problems.push({ file, message: `include cycle: ${path.basename(file)} is already being read` });
    return result;
  }
  seen.add(real);
  let text: string;
  try {
    text = readManifestText(file, root);
  } catch (e) {
    result.problems.push({ file, message: `cannot read: ${(e as Error).message}` });
    return result;
  }
  // Continuation lines (`\` at the end) join the next line, as pip reads them. Each `\` and line
  // break becomes spaces of the same length, so an offset in the joined text is one in the file.
  const joined = text.replace(/\\\r?\n/g, (m) => ' '.repeat(m.length));
  const positionAt = lineLocator(text);
  let offset = 0;
  // pip-compile writes who pulls each pin in under it: `# via flask`, or `# via` and one `#   name`
  // per line. `via` collects them for the requirement read last.
  let via: { dep: Dependency; names: string[]; open: boolean } | undefined;
  const closeVia = () => {
    if (via?.names.length && via.names.every((n) => /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(n))) via.dep.pulledBy = via.names;
    via = undefined;
  };
  for (const raw of joined.split('\n')) {
    const lineStart = offset;
    offset += raw.length + 1;
    const comment = /^\s*#\s*(.*?)\s*$/.exec(raw);
    if (via && comment) {
      const one = /^via\s+(.+)$/.exec(comment[1]);
      if (one) via.names.push(one[1].split(/\s+/)[0]);
      else if (comment[1] === 'via') via.open = true;
      else if (via.open && comment[1]) via.names.push(comment[1].split(/\s+/)[0]);
      continue;
    }
    closeVia(); // a blank line or the next requirement ends the annotation
    // Per-requirement options (hash-pinned files: `--hash=sha256:…` after each pin) are not part of
    // the requirement; blanked to keep offsets.
    const line = raw.replace(/\r$/, '').replace(/(\s)(--hash[=\s]\s*\S+|--global-option[=\s]\s*\S+|--config-settings[=\s]\s*\S+)/g, (m) => ' '.repeat(m.length));
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const pos = positionAt(lineStart + line.length - line.trimStart().length);
    const inc = /^(-r|--requirement|-c|--constraint)\s*=?\s*(\S+)/.exec(trimmed);
    if (inc) {
      // resolve, not join: pip reads an absolute include path as absolute.
      const target = path.resolve(path.dirname(file), inc[2]);
      if (inc[1] === '-c' || inc[1] === '--constraint') readConstraints(target, seen, result, root);
      else readRequirements(target, seen, result, root);
      continue;
    }
    const idx = /^(-i|--index-url|--extra-index-url)\s*=?\s*(\S+)/.exec(trimmed);
    if (idx) {
      result.indexUrls.push(idx[2]);
      continue;
    }
    const editable = /^(-e|--editable)\s*=?\s*(\S+)/.exec(trimmed);
    if (editable) {
      const target = editable[2];
      const name = /#egg=([A-Za-z0-9._-]+)/.exec(target)?.[1] ?? (editableName(target) || target);
      result.dependencies.push({ ecosystem: 'pypi', name, spec: '', file, ...pos, specStart: lineStart, specEnd: lineStart, unchecked: `an editable requirement (-e ${target})` });
      continue;
    }
    if (trimmed.startsWith('-')) continue; // other pip options
    if (/^(git\+|hg\+|svn\+|bzr\+|https?:|file:|\.|\/)/.test(trimmed) || /\s@\s/.test(trimmed)) {
      const name = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*@/.exec(trimmed)?.[1] ?? /#egg=([A-Za-z0-9._-]+)/.exec(trimmed)?.[1] ?? trimmed;
      result.dependencies.push({ ecosystem: 'pypi', name, spec: '', file, ...pos, specStart: lineStart, specEnd: lineStart, unchecked: 'VCS, URL or local requirement' });
      continue;
    }
    const m = REQ.exec(line);
    if (!m) {
      result.problems.push({ file, message: `line ${pos.line + 1}: cannot read requirement "${trimmed}"` });
      continue;
    }
    const spec = (m[4] ?? '').replace(/\s+/g, '');
    const specIndex = m[4] ? line.indexOf(m[4]) : line.indexOf(m[1]) + m[1].length + (m[2]?.length ?? 0);
    const at = positionAt(lineStart + specIndex);
    const dep: Dependency = { ecosystem: 'pypi', name: m[1], spec, file, line: at.line, column: at.column, specStart: lineStart + specIndex, specEnd: lineStart + specIndex + (m[4]?.length ?? 0) };
    const pin = /^===?([^,]+)$/.exec(spec);
    if (pin) dep.installed = pin[1];
    markerVerdict(dep, m[5]);
    result.dependencies.push(dep);
    via = { dep, names: [], open: false };
  }
  closeVia();
  applyConstraints(result);
  return result;
}

/**
 * `./libs/shared/`, `git+https://host/acme/tool.git?x#y` → `shared`, `tool`. Cut with indexOf, not
 * an end-anchored pattern: `/[#?].*$/` and `/\/+$/` retry from every position of a long line.
 */
function editableName(target: string): string {
  const cut = [target.indexOf('#'), target.indexOf('?')].filter((i) => i >= 0);
  let t = cut.length ? target.slice(0, Math.min(...cut)) : target;
  let end = t.length;
  while (end > 0 && t.charCodeAt(end - 1) === 0x2f /* / */) end--;
  t = t.slice(0, end);
  if (t.endsWith('.git')) t = t.slice(0, -4);
  return path.basename(t);
}

/** Pins from `-c` files, by PEP 503 name: they constrain requirements and add none. */
const constraintPins = new WeakMap<ManifestResult, Map<string, string>>();

function readConstraints(file: string, seen: Set<string>, result: ManifestResult, root?: string): void {
  const c = readRequirements(file, seen, { dependencies: [], indexUrls: [], problems: [] }, root);
  result.problems.push(...c.problems);
  const pins = constraintPins.get(result) ?? new Map<string, string>();
  for (const d of c.dependencies) if (d.installed && !d.unchecked) pins.set(normalizeName(d.name), d.installed);
  constraintPins.set(result, pins);
}

/** A requirement without a pin of its own is checked at the version a constraint pins it to. */
function applyConstraints(result: ManifestResult): void {
  const pins = constraintPins.get(result);
  if (!pins) return;
  for (const d of result.dependencies) {
    const pin = pins.get(normalizeName(d.name));
    if (pin && !d.installed && !d.unchecked) d.installed = pin;
  }
}

/** A requirement whose marker is false on the default environment is not checked, and says why. */
function markerVerdict(dep: Dependency, marker: string | undefined): void {
  const m = marker?.replace(/^;/, '').trim();
  if (m && evaluateMarker(m) === false) dep.unchecked = `its marker (${m}) is false on ${DEFAULT_MARKER_ENV_NAME}`;
}

/**
 * Finds where a dependency sits in the text: its name as a key or requirement (not inside a
 * longer name: `flask` is not found in `pytest-flask`), searched from `hint` (just after the
 * previous entry: tables list entries in order, which keeps a long section linear) and then
 * from `from` (the section's start).
 */
function locate(text: string, name: string, spec: string, from = 0, hint = from): { start: number; end: number } {
  const keyRe = new RegExp(`(?<![\\w.-])["']?${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["']?\\s*(=|\\[|[<>=!~ ;"'])`, 'gi');
  keyRe.lastIndex = Math.max(from, hint);
  let m = keyRe.exec(text);
  if (!m && hint > from) {
    keyRe.lastIndex = from;
    m = keyRe.exec(text);
  }
  const base = m ? m.index : from;
  if (spec) {
    // Only near the key: a spec that is not written as such (Poetry's ^1.2 checked as >=1.2,<2)
    // must not send a search through the rest of a long file for every entry.
    const i = text.slice(base, base + 200 + spec.length).indexOf(spec);
    if (i >= 0 && i < 200) return { start: base + i, end: base + i + spec.length };
  }
  return { start: base, end: base };
}

/** `root`: the scanned folder (a real path); the manifest must lie inside it. */
export function readPyproject(file: string, root?: string): ManifestResult {
  const result: ManifestResult = { dependencies: [], indexUrls: [], problems: [] };
  let text: string;
  let data: Record<string, unknown>;
  try {
    text = readManifestText(file, root);
    data = parseToml(text) as Record<string, unknown>;
  } catch (e) {
    result.problems.push({ file, message: `pyproject.toml: ${(e as Error).message.split('\n')[0]}` });
    return result;
  }
  const positionAt = lineLocator(text);
  const sections = sectionIndex(text);
  // Entries are searched from their section's header: a package listed in two sections is found in each.
  const sectionStart = (name: string, fallback = 0) => sections.get(name) ?? fallback;
  let cursor = 0; // just after the entry found last: the next one is usually right after it
  const add = (name: string, spec: string, from: number, dev = false) => {
    const loc = locate(text, name, spec, from, cursor);
    cursor = Math.max(loc.end, from);
    const pos = positionAt(loc.start);
    const dep: Dependency = { ecosystem: 'pypi', name, spec, file, ...pos, specStart: loc.start, specEnd: loc.end, dev };
    const pin = /^===?([^,]+)$/.exec(spec);
    if (pin) dep.installed = pin[1];
    result.dependencies.push(dep);
  };
  /** A PEP 508 string (PEP 621 lists, PEP 735 groups, uv and PDM dev lists); never skipped without a word. */
  const requirement = (req: unknown, from: number, where: string, dev: boolean) => {
    if (typeof req !== 'string') {
      result.problems.push({ file, message: `pyproject.toml ${where}: an entry that is not a requirement string is not read` });
      return;
    }
    const trimmed = req.trim();
    const editable = /^(-e|--editable)\s+(\S+)/.exec(trimmed);
    const direct = /^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\s*\[[^\]]*\])?\s*@/.exec(trimmed);
    if (editable || direct) {
      const name = direct?.[1] ?? /#egg=([A-Za-z0-9._-]+)/.exec(trimmed)?.[1] ?? (editableName(editable![2]) || editable![2]);
      const loc = locate(text, name, '', from, cursor);
      cursor = Math.max(loc.end, from);
      result.dependencies.push({ ecosystem: 'pypi', name, spec: '', file, ...positionAt(loc.start), specStart: loc.start, specEnd: loc.start, dev, unchecked: editable ? `an editable requirement (${trimmed})` : 'VCS, URL or local requirement' });
      return;
    }
    const m = REQ.exec(req);
    if (!m) {
      result.problems.push({ file, message: `pyproject.toml ${where}: cannot read requirement "${trimmed}"` });
      return;
    }
    add(m[1], (m[4] ?? '').replace(/\s+/g, ''), from, dev);
    markerVerdict(result.dependencies[result.dependencies.length - 1], m[5]);
  };
  const list = (reqs: unknown, from: number, where: string, dev: boolean) => {
    if (reqs === undefined) return;
    if (!Array.isArray(reqs)) {
      result.problems.push({ file, message: `pyproject.toml ${where}: not a list, not read` });
      return;
    }
    for (const req of reqs) requirement(req, from, where, dev);
  };
  const project = data.project as { dependencies?: unknown; 'optional-dependencies'?: Record<string, unknown> } | undefined;
  const projectStart = sectionStart('project');
  list(project?.dependencies, projectStart, '[project] dependencies', false);
  // Extras are installed by users of the package (`pip install app[redis]`): not dev dependencies.
  const extrasStart = sectionStart('project.optional-dependencies', projectStart);
  for (const [extra, reqs] of Object.entries(tableOf(project?.['optional-dependencies']))) list(reqs, extrasStart, `[project.optional-dependencies] ${extra}`, false);
  const tool = tableOf(data.tool);
  const poetry = tableOf(tool.poetry);
  const poetryTable = (deps: unknown, from: number, where: string, dev: boolean) => {
    for (const [name, v] of Object.entries(tableOf(deps))) {
      if (name === 'python') continue;
      if (Array.isArray(v)) {
        const loc = locate(text, name, '', from, cursor);
        cursor = Math.max(loc.end, from);
        result.dependencies.push({ ecosystem: 'pypi', name, spec: '', file, ...positionAt(loc.start), specStart: loc.start, specEnd: loc.start, dev, unchecked: `multiple constraints (one per environment) in ${where}` });
        continue;
      }
      const spec = typeof v === 'string' ? v : typeof (v as { version?: string })?.version === 'string' ? (v as { version: string }).version : '';
      if (!spec && typeof v === 'object') {
        const loc = locate(text, name, '', from, cursor);
        cursor = Math.max(loc.end, from);
        result.dependencies.push({ ecosystem: 'pypi', name, spec: '', file, ...positionAt(loc.start), specStart: loc.start, specEnd: loc.start, dev, unchecked: 'git, path or URL dependency' });
        continue;
      }
      add(name, poetrySpec(spec), from, dev);
      const last = result.dependencies[result.dependencies.length - 1];
      // Edits go to the text as written (^1.2), while checks use the PEP 440 form.
      const written = locate(text, name, spec, from, last.specStart);
      last.specStart = written.start;
      last.specEnd = written.end;
    }
  };
  poetryTable(poetry.dependencies, sectionStart('tool.poetry.dependencies'), '[tool.poetry.dependencies]', false);
  // Every group but `main` is left out by `poetry install --only main`: dev, as npm's devDependencies.
  for (const [group, g] of Object.entries(tableOf(poetry.group))) {
    poetryTable(tableOf(g).dependencies, sectionStart(`tool.poetry.group.${group}.dependencies`), `[tool.poetry.group.${group}.dependencies]`, group !== 'main');
  }
  poetryTable(poetry['dev-dependencies'], sectionStart('tool.poetry.dev-dependencies'), '[tool.poetry.dev-dependencies]', true);
  // PEP 735 groups are never part of the published package's requirements: dev.
  const groups = tableOf(data['dependency-groups']);
  const groupsStart = sectionStart('dependency-groups');
  for (const [group, entries] of Object.entries(groups)) {
    if (!Array.isArray(entries)) {
      result.problems.push({ file, message: `pyproject.toml [dependency-groups] ${group}: not a list, not read` });
      continue;
    }
    for (const e of entries) {
      // An include lists no package of its own: the included group's entries are read once, on their lines.
      if (e && typeof e === 'object' && !Array.isArray(e) && 'include-group' in e) {
        const problem = includeProblem(groups, group, (e as { 'include-group': unknown })['include-group']);
        if (problem) result.problems.push({ file, message: `pyproject.toml [dependency-groups] ${group}: ${problem}` });
        continue;
      }
      requirement(e, groupsStart, `[dependency-groups] ${group}`, true);
    }
  }
  const uv = tableOf(tool.uv);
  list(uv['dev-dependencies'], sectionStart('tool.uv'), '[tool.uv] dev-dependencies', true);
  const pdmDev = tableOf(tableOf(tool.pdm)['dev-dependencies']);
  const pdmStart = sectionStart('tool.pdm.dev-dependencies');
  for (const [group, reqs] of Object.entries(pdmDev)) list(reqs, pdmStart, `[tool.pdm.dev-dependencies] ${group}`, true);
  for (const src of (Array.isArray(poetry.source) ? poetry.source : []) as { url?: unknown }[]) if (src && typeof src.url === 'string') result.indexUrls.push(src.url);
  attachLockfile(result, file, 'pyproject.toml', root);
  return result;
}

/** A TOML value as a table, or an empty one: a workspace file may put anything anywhere. */
function tableOf(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/**
 * Where each `[table]` header starts, by its dotted name (quotes and spaces around the parts
 * dropped), and each prefix of it where no header of its own comes first (`[tool.poetry.group.x.
 * dependencies]` also starts `tool.poetry.group`). One pass over the text: a lookup per group
 * then costs nothing, where a search per group was quadratic in a file of many groups.
 */
function sectionIndex(text: string): Map<string, number> {
  const out = new Map<string, number>();
  const header = /^\[([^\]\n]*)\]/gm;
  for (let m = header.exec(text); m; m = header.exec(text)) {
    const parts = m[1].split('.').map((p) => p.trim().replace(/^"(.*)"$/, '$1'));
    for (let i = 1; i <= parts.length; i++) {
      const key = parts.slice(0, i).join('.');
      if (!out.has(key)) out.set(key, m.index);
    }
  }
  return out;
}

/** Why a PEP 735 `{include-group = ...}` cannot be followed, if it cannot: unknown group or a cycle. */
function includeProblem(groups: Record<string, unknown>, from: string, target: unknown): string | undefined {
  if (typeof target !== 'string') return 'include-group is not a group name';
  const norm = (g: string) => normalizeName(g);
  const byName = new Map(Object.keys(groups).map((g) => [norm(g), g]));
  if (!byName.has(norm(target))) return `include-group "${target}" names no group`;
  // Depth-first from the target: reaching `from` again is a cycle (pip and uv refuse it).
  const seen = new Set<string>();
  const stack = [norm(target)];
  while (stack.length) {
    const g = stack.pop()!;
    if (g === norm(from)) return `include-group "${target}" leads back to "${from}" (a cycle)`;
    if (seen.has(g)) continue;
    seen.add(g);
    const entries = groups[byName.get(g) ?? ''];
    for (const e of Array.isArray(entries) ? entries : []) {
      const t = e && typeof e === 'object' ? (e as { 'include-group'?: unknown })['include-group'] : undefined;
      if (typeof t === 'string' && byName.has(norm(t))) stack.push(norm(t));
    }
  }
  return undefined;
}

/** Poetry's `^1.2.3` / `~1.2` / `1.2.3` as a PEP 440 specifier. */
export function poetrySpec(spec: string): string {
  const s = spec.trim();
  if (s === '*' || s === '') return '';
  const caret = /^\^(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(s);
  if (caret) {
    const [maj, min = '0', pat = '0'] = [caret[1], caret[2], caret[3]];
    const upper = Number(maj) > 0 ? `${Number(maj) + 1}.0.0` : Number(min) > 0 ? `0.${Number(min) + 1}.0` : `0.0.${Number(pat) + 1}`;
    return `>=${maj}.${min}.${pat},<${upper}`;
  }
  const tilde = /^~(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(s);
  if (tilde) return `>=${tilde[1]}.${tilde[2] ?? 0}.${tilde[3] ?? 0},<${tilde[2] !== undefined ? `${tilde[1]}.${Number(tilde[2]) + 1}` : `${Number(tilde[1]) + 1}`}.0`;
  if (/^\d/.test(s)) return `==${s}`;
  return s.replace(/\s+/g, '');
}

/** `root`: the scanned folder (a real path); the Pipfile and its lock must lie inside it. */
export function readPipfile(file: string, root?: string): ManifestResult {
  const result: ManifestResult = { dependencies: [], indexUrls: [], problems: [] };
  let text: string;
  let data: { packages?: Record<string, unknown>; 'dev-packages'?: Record<string, unknown>; source?: { url?: string }[] };
  try {
    text = readManifestText(file, root);
    data = parseToml(text) as typeof data;
  } catch (e) {
    result.problems.push({ file, message: `Pipfile: ${(e as Error).message.split('\n')[0]}` });
    return result;
  }
  const positionAt = lineLocator(text);
  for (const [section, dev] of [['packages', false], ['dev-packages', true]] as const) {
    const from = Math.max(0, text.search(new RegExp(`^\\[${section}\\]`, 'm')));
    let cursor = from;
    for (const [name, v] of Object.entries(data[section] ?? {})) {
      const spec = typeof v === 'string' ? v : (v as { version?: string })?.version ?? '';
      const loc = locate(text, name, spec, from, cursor);
      cursor = loc.end;
      const dep: Dependency = { ecosystem: 'pypi', name, spec: spec === '*' ? '' : spec, file, ...positionAt(loc.start), specStart: loc.start, specEnd: loc.end, dev };
      if (/^==([^,]+)$/.test(dep.spec)) dep.installed = dep.spec.slice(2);
      if (!spec && typeof v === 'object') dep.unchecked = 'git, path or URL dependency';
      result.dependencies.push(dep);
    }
  }
  for (const s of data.source ?? []) if (s.url) result.indexUrls.push(s.url);
  // Pipfile.lock, its names matched per PEP 503 (`Flask_Login` locks as `flask-login`).
  attachLockfile(result, file, 'Pipfile', root);
  return result;
}
