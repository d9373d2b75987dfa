import * as fs from 'node:fs';
import * as path from 'node:path';
import { discoverFiles } from '../core/discovery';
import { ruleLanguageOf } from '../core/languages';
import { MAX_SOURCE_BYTES, readGuardedText } from '../core/safe-fs';
import { MAX_MANIFEST_BYTES } from '../deps/read-manifest';
import type { PlanBuilder } from './plan';

export type Framework = 'flask' | 'django' | 'express';

export interface ProjectInfo {
  root: string;
  frameworks: Framework[];
  /** Source files by language, found with the same discovery as a scan. */
  pythonFiles: string[];
  jsFiles: string[];
  /** TypeScript project (tsconfig.json present): generated Node code is TypeScript. */
  typescript: boolean;
  /** package.json says "type": "module": generated JS uses import syntax. */
  esm: boolean;
}

/**
 * Reads a workspace file only to learn about the project (framework, module style, app files):
 * guarded like a scan (no FIFOs or devices, a size cap, links only when they stay inside the
 * root), and '' for anything refused: such a file simply tells nothing. Files a plan edits are
 * read by PlanBuilder, which refuses instead.
 */
export function readForDetection(root: string, file: string, maxBytes = MAX_SOURCE_BYTES): string {
  try {
    return readGuardedText(file, { maxBytes, followSymlinks: true, root });
  } catch {
    return '';
  }
}

/** Which web frameworks a workspace uses: from its manifests first, its imports second. */
export function inspectProject(root: string): ProjectInfo {
  const found = discoverFiles([root]);
  const pythonFiles = found.files.filter((f) => ruleLanguageOf(f.language) === 'python').map((f) => f.path);
  const jsFiles = found.files.filter((f) => ruleLanguageOf(f.language) === 'javascript').map((f) => f.path);
  const manifests = ['requirements.txt', 'pyproject.toml', 'Pipfile', 'setup.cfg', 'package.json'].map((m) => readForDetection(root, path.join(root, m), MAX_MANIFEST_BYTES)).join('\n');
  const frameworks = new Set<Framework>();
  if (/^\s*flask\b|["']flask[<>=~!\s"']/im.test(manifests)) frameworks.add('flask');
  if (/^\s*django\b|["']django[<>=~!\s"']/im.test(manifests)) frameworks.add('django');
  if (/"express"\s*:/.test(manifests)) frameworks.add('express');
  for (const f of pythonFiles) {
    const t = readForDetection(root, f);
    if (/^\s*(from flask import|import flask)\b/m.test(t)) frameworks.add('flask');
    if (/^\s*(from django|import django)\b/m.test(t) || /\bINSTALLED_APPS\s*=/.test(t)) frameworks.add('django');
  }
  for (const f of jsFiles) {
    if (/require\(\s*['"]express['"]\s*\)|from\s+['"]express['"]/.test(readForDetection(root, f))) frameworks.add('express');
  }
  const pkg = readForDetection(root, path.join(root, 'package.json'), MAX_MANIFEST_BYTES);
  let esm = false;
  try {
    esm = JSON.parse(pkg || '{}').type === 'module';
  } catch {
    esm = false;
  }
  return { root, frameworks: [...frameworks], pythonFiles, jsFiles, typescript: fs.existsSync(path.join(root, 'tsconfig.json')), esm };
}

/** Where generated Node code goes: src/security when the project keeps its code in src/, else security/. */
export function nodeCodeDir(root: string): string {
  return fs.existsSync(path.join(root, 'src')) ? path.join(root, 'src', 'security') : path.join(root, 'security');
}

/** A module-level `app = Flask(...)`: the file that creates the Flask app. */
const FLASK_APP = /^(\w+)\s*=\s*(?:flask\.)?Flask\(/m;

/**
 * The sys.path entry the app module is imported from: its own folder for a script (`python
 * app.py`, `flask --app app`), the folder above the outermost package for a module inside a
 * package. Never above the workspace root.
 */
export function pythonImportRoot(root: string, moduleFile: string): string {
  const top = path.resolve(root);
  let dir = path.dirname(path.resolve(moduleFile));
  while (dir !== top && dir.startsWith(top + path.sep) && fs.existsSync(path.join(dir, '__init__.py'))) dir = path.dirname(dir);
  return dir.startsWith(top) ? dir : top;
}

/**
 * Where generated Python packages go so that the app can import them: next to the Flask app
 * module or Django's manage.py (on their import path); the workspace root when there is neither.
 */
export function pythonHelperRoot(info: ProjectInfo): string {
  const byDepth = [...info.pythonFiles].sort((a, b) => a.split(path.sep).length - b.split(path.sep).length || a.localeCompare(b));
  if (info.frameworks.includes('flask')) {
    const app = byDepth.find((f) => FLASK_APP.test(readForDetection(info.root, f)));
    if (app) return pythonImportRoot(info.root, app);
  }
  if (info.frameworks.includes('django')) {
    const manage = byDepth.find((f) => path.basename(f) === 'manage.py');
    if (manage) return path.dirname(path.resolve(manage));
  }
  return path.resolve(info.root);
}

/** Node modules or built-ins only server-side code loads: a browser script loads none of them. */
const NODE_SERVER_IMPORT = /\brequire\(\s*['"](?:node:[\w/]+|http|https|http2|net|fs|path|child_process|express|fastify|koa|@hapi\/hapi|restify|@nestjs\/core)['"]\s*\)|\bfrom\s+['"](?:node:[\w/]+|http|https|http2|net|fs|path|child_process|express|fastify|koa|@hapi\/hapi|restify|@nestjs\/core)['"]|\bmodule\.exports\b|\bprocess\.env\b/;

/**
 * Whether the workspace has Node server code to use a generated Node helper: an Express app, or
 * a JS/TS file that loads Node modules. A vendored browser script in a Flask app is not one.
 */
export function hasNodeServerCode(info: ProjectInfo): boolean {
  if (info.frameworks.includes('express')) return true;
  return info.jsFiles.some((f) => NODE_SERVER_IMPORT.test(readForDetection(info.root, f)));
}

const PEP503 = (n: string) => n.toLowerCase().replace(/[-_.]+/g, '-');

/**
 * Declares a Python dependency where the project declares them (requirements.txt, else
 * pyproject.toml's [project] dependencies, else a new requirements.txt). Nothing when present.
 */
export function addPythonDependency(b: PlanBuilder, root: string, name: string, spec: string): void {
  const req = path.join(root, 'requirements.txt');
  const pyproject = path.join(root, 'pyproject.toml');
  const declared = (text: string) =>
    text.split(/\r?\n/).some((l) => {
      const m = /^\s*["']?([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(l.replace(/#.*/, ''));
      return !!m && PEP503(m[1]) === PEP503(name);
    });
  const reqText = b.read(req);
  if (reqText !== undefined) {
    if (declared(reqText)) return;
    b.write(req, `${reqText}${reqText.endsWith('\n') || reqText === '' ? '' : '\n'}${name}${spec}\n`);
    return;
  }
  const pp = b.read(pyproject);
  if (pp !== undefined && /^\[project\]/m.test(pp)) {
    const m = /^dependencies\s*=\s*\[([\s\S]*?)\]/m.exec(pp);
    if (m) {
      if (declared(m[1].replace(/,/g, '\n'))) return;
      const inner = m[1].trimEnd();
      const sep = inner.trim() === '' ? '' : inner.endsWith(',') ? '' : ',';
      const multiline = m[1].includes('\n');
      const entry = multiline ? `${sep}\n    "${name}${spec}",\n` : `${sep}${inner.trim() ? ' ' : ''}"${name}${spec}"`;
      const replaced = `dependencies = [${inner}${entry}]`;
      b.write(pyproject, pp.slice(0, m.index) + replaced + pp.slice(m.index + m[0].length));
      return;
    }
  }
  b.write(req, `${name}${spec}\n`);
}

/** Declares an npm dependency in package.json, keeping its formatting; nothing when present. */
export function addNpmDependency(b: PlanBuilder, root: string, name: string, range: string): void {
  const file = path.join(root, 'package.json');
  const text = b.read(file);
  if (text === undefined) {
    b.write(file, JSON.stringify({ name: path.basename(root), private: true, dependencies: { [name]: range } }, null, 2) + '\n');
    return;
  }
  const pkg = JSON.parse(text) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
  if (pkg.dependencies?.[name] || pkg.devDependencies?.[name]) return;
  const indent = /^(\s+)"/m.exec(text)?.[1] ?? '  ';
  pkg.dependencies = Object.fromEntries(Object.entries({ ...(pkg.dependencies ?? {}), [name]: range }).sort(([a], [c]) => a.localeCompare(c)));
  b.write(file, JSON.stringify(pkg, null, indent) + (text.endsWith('\n') ? '\n' : ''));
}
