import * as path from 'node:path';
import { findNodeAtLocation, parseTree, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import { lineLocator } from '../core/line-locator';
import * as semver from 'semver';
import { attachLockfile } from './lockfiles/attach';
import { findLockfile } from './lockfiles/find';
import { lockedTree } from './lockfiles/tree';
import { npmSpecForm } from './npm-spec';
import type { Dependency, ManifestResult } from './types';
import { readManifestText } from './read-manifest';

const SECTIONS: [string, boolean][] = [['dependencies', false], ['devDependencies', true], ['optionalDependencies', false], ['peerDependencies', false]];

/**
 * Top-level locked versions by name from the lockfile in `dir` (package-lock, shrinkwrap, pnpm,
 * yarn). Kept for callers that only want versions; the check reads the whole tree through
 * attachLockfile (src/deps/lockfiles/).
 */
export function readNpmLock(dir: string, root?: string): Map<string, string> {
  const out = new Map<string, string>();
  const found = findLockfile(path.join(dir, 'package.json'), 'package.json', root, []);
  if (!found) return out;
  for (const d of lockedTree(found.graph, [...found.graph.nodes.keys()].map((id) => ({ id })))) if (d.path.length === 1 && !out.has(d.name)) out.set(d.name, d.version);
  return out;
}

/** No real package.json comes near this; the parser's recursion is safe far beyond it. */
const MAX_JSON_DEPTH = 200;

/** Whether brackets (outside strings and comments) nest deeper than `limit`, in one pass. */
export function nestedDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c /* \ */) i++;
    } else if (c === 0x2f /* / */ && text.charCodeAt(i + 1) === 0x2f) {
      while (i < text.length && text.charCodeAt(i) !== 0x0a) i++;
    } else if (c === 0x2f && text.charCodeAt(i + 1) === 0x2a /* * */) {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > limit) return true;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      depth = Math.max(0, depth - 1);
    }
  }
  return false;
}

/** `root`: the scanned folder (a real path); the manifest and its lockfile must lie inside it. */
export function readPackageJson(file: string, root?: string): ManifestResult {
  const result: ManifestResult = { dependencies: [], indexUrls: [], problems: [] };
  let text: string;
  try {
    text = readManifestText(file, root);
  } catch (e) {
    result.problems.push({ file, message: (e as Error).message });
    return result;
  }
  // jsonc-parser recurses once per level: a few thousand `[` overflow the call stack (fuzzing).
  if (nestedDeeperThan(text, MAX_JSON_DEPTH)) {
    result.problems.push({ file, message: `package.json is nested more than ${MAX_JSON_DEPTH} levels deep; not read` });
    return result;
  }
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { allowTrailingComma: true });
  if (!tree || errors.length) {
    result.problems.push({ file, message: `package.json is not valid JSON (at offset ${errors[0]?.offset ?? 0})` });
    if (!tree) return result;
  }
  const positionAt = lineLocator(text);
  for (const [section, dev] of SECTIONS) {
    const node = findNodeAtLocation(tree, [section]);
    if (!node || node.type !== 'object') continue;
    for (const prop of node.children ?? []) {
      const [k, v] = prop.children ?? [];
      if (!k || !v || typeof k.value !== 'string') continue;
      const valueNode: JsonNode = v;
      const spec = typeof valueNode.value === 'string' ? valueNode.value : '';
      const start = valueNode.offset + 1;
      const end = valueNode.offset + valueNode.length - 1;
      const pos = positionAt(start);
      const dep: Dependency = { ecosystem: 'npm', name: k.value, spec, file, line: pos.line, column: pos.column, specStart: start, specEnd: end, dev };
      result.dependencies.push(dep);
    }
  }
  // The lockfile is looked up with the specs as written (yarn keys a block by `name@spec`).
  attachLockfile(result, file, 'package.json', root);
  for (const d of result.dependencies) classifySpec(d);
  return result;
}

/** Dist-tags, aliases, catalogs, git, paths and URLs: checked where they can be, else a reason, never an exception. */
function classifySpec(d: Dependency): void {
  const form = npmSpecForm(d.spec);
  if (form.local) {
    d.unchecked = form.local;
    delete d.installed;
    return;
  }
  if (form.registryName) {
    // `"foo": "npm:bar@^1.2"` installs bar: bar is checked, and a fix edits only `^1.2`.
    d.alias = d.name;
    d.name = form.registryName;
    d.specStart = Math.min(d.specEnd, d.specStart + form.rangeOffset);
    d.spec = form.range;
  }
  if (d.installed && !semver.valid(d.installed)) {
    d.unchecked ??= `the locked version "${d.installed}" is not a semver version`;
    delete d.installed;
  }
  if (form.needsLock && !d.installed) d.unchecked ??= form.needsLock;
}
