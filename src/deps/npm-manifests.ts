import * as path from 'node:path';
import { findNodeAtLocation, parseTree, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import { lineLocator } from '../core/line-locator';
import type { Dependency, ManifestResult } from './types';
import { readManifestText } from './read-manifest';

const SECTIONS: [string, boolean][] = [['dependencies', false], ['devDependencies', true], ['optionalDependencies', false], ['peerDependencies', false]];

/** Installed versions from package-lock.json / npm-shrinkwrap.json (v2/v3 "packages", v1 "dependencies"). */
export function readNpmLock(dir: string, root?: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of ['npm-shrinkwrap.json', 'package-lock.json']) {
    let data: { packages?: Record<string, { version?: string }>; dependencies?: Record<string, { version?: string }> };
    try {
      data = JSON.parse(readManifestText(path.join(dir, name), root));
    } catch {
      continue;
    }
    if (data.packages) {
      for (const [key, v] of Object.entries(data.packages)) {
        const m = /^node_modules\/((?:@[^/]+\/)?[^/]+)$/.exec(key);
        if (m && v?.version) out.set(m[1], v.version);
      }
    } else if (data.dependencies) {
      for (const [n, v] of Object.entries(data.dependencies)) if (v?.version) out.set(n, v.version);
    }
    return out;
  }
  // yarn.lock v1: `name@range:` blocks followed by `  version "x.y.z"`.
  // A block line is `[ \t][^\n]*\n`, matched one way only: with `\s+[^\n]*\n` each indented line
  // could split its indent in several ways, so a block of ~20 indented lines without a version
  // line backtracked exponentially (a hang); `\s+` also ran on past the blank line that ends a block.
  try {
    const y = readManifestText(path.join(dir, 'yarn.lock'), root);
    for (const m of y.matchAll(/^"?((?:@[^@/\s"]+\/)?[^@\s"]+)@[^\n]*:\n(?:[ \t][^\n]*\n)*?[ \t]+version:? "?([^"\s]+)"?/gm)) if (!out.has(m[1])) out.set(m[1], m[2]);
  } catch {
    /* no yarn.lock */
  }
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
  const lock = readNpmLock(path.dirname(file), root);
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
      if (/^(file:|link:|workspace:|git(\+\w+)?:|https?:|github:|[\w-]+\/[\w.-]+(#.*)?$)/.test(spec)) dep.unchecked = `not a registry version (${spec})`;
      const installed = lock.get(k.value);
      if (installed) dep.installed = installed;
      result.dependencies.push(dep);
    }
  }
  return result;
}
