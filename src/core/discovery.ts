import * as fs from 'node:fs';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { detectLanguage } from './languages';
import type { LanguageId } from './types';

export interface DiscoveredFile {
  path: string;
  /** Path relative to the scan root it was found under (POSIX separators). */
  relPath: string;
  language: LanguageId;
  size: number;
}

export type SkipReason = 'gitignored' | 'dependency-dir' | 'virtualenv' | 'build-output' | 'vcs' | 'too-large' | 'binary' | 'symlink' | 'unreadable' | 'excluded';

export interface SkippedEntry {
  path: string;
  reason: SkipReason;
  detail?: string;
}

export interface DiscoveryOptions {
  /** Files larger than this are skipped (reported, not silently dropped). Default 1 MiB. */
  maxFileBytes?: number;
  /** Extra gitignore-style patterns, e.g. from settings or --exclude. */
  exclude?: string[];
  /** Honour .gitignore files (default true). */
  gitignore?: boolean;
}

export interface DiscoveryResult {
  files: DiscoveredFile[];
  skipped: SkippedEntry[];
  /** Files no grammar parses (templates, config, text): text rules may read them. */
  otherFiles: { path: string; relPath: string; size: number }[];
}

const DEPENDENCY_DIRS = new Set(['node_modules', 'bower_components', 'jspm_packages', 'site-packages', '.yarn', '.pnpm-store']);
const BUILD_DIRS = new Set(['dist', 'build', 'out', '.next', '.nuxt', 'coverage', '__pycache__', '.tox', '.nox', '.mypy_cache', '.pytest_cache', '.ruff_cache', '.eggs', '.vscode-test', '.turbo', '.parcel-cache']);
const VCS_DIRS = new Set(['.git', '.hg', '.svn']);
const VENV_NAMES = new Set(['venv', '.venv', 'env', '.env', 'virtualenv']);

function isVirtualenv(dir: string, name: string): boolean {
  if (fs.existsSync(path.join(dir, 'pyvenv.cfg'))) return true;
  return VENV_NAMES.has(name) && (fs.existsSync(path.join(dir, 'bin', 'activate')) || fs.existsSync(path.join(dir, 'Scripts', 'activate')) || fs.existsSync(path.join(dir, 'lib')));
}

export function isProbablyBinary(buf: Buffer): boolean {
  const n = Math.min(buf.length, 8000);
  for (let i = 0; i < n; i++) if (buf[i] === 0) return true;
  return false;
}

interface IgnoreLayer {
  base: string;
  ig: Ignore;
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

/**
 * Lists the files to analyse under the given paths. Directories of dependencies, virtualenvs,
 * build output and VCS metadata are skipped, .gitignore files are honoured, and every skip is
 * returned with its reason.
 */
export function discoverFiles(roots: string[], opts: DiscoveryOptions = {}): DiscoveryResult {
  const maxBytes = opts.maxFileBytes ?? 1024 * 1024;
  const useGitignore = opts.gitignore !== false;
  const result: DiscoveryResult = { files: [], skipped: [], otherFiles: [] };
  const extra = opts.exclude?.length ? ignore().add(opts.exclude) : undefined;
  const seenReal = new Set<string>();

  const considerFile = (full: string, rel: string, stat: fs.Stats): void => {
    // A path given on the command line is stat'ed through symlinks: `scan x.py` where x.py is a
    // FIFO or a link to /dev/zero would block or read forever, so only regular files are read.
    if (!stat.isFile()) {
      result.skipped.push({ path: full, reason: 'unreadable', detail: 'not a regular file' });
      return;
    }
    const language = detectLanguage(full);
    if (!language) {
      result.otherFiles.push({ path: full, relPath: rel, size: stat.size });
      return;
    }
    if (stat.size > maxBytes) {
      result.skipped.push({ path: full, reason: 'too-large', detail: `${stat.size} bytes > ${maxBytes}` });
      return;
    }
    let head: Buffer;
    try {
      const fd = fs.openSync(full, 'r');
      try {
        head = Buffer.alloc(Math.min(stat.size, 8000));
        fs.readSync(fd, head, 0, head.length, 0);
      } finally {
        fs.closeSync(fd);
      }
    } catch (e) {
      result.skipped.push({ path: full, reason: 'unreadable', detail: (e as Error).message });
      return;
    }
    if (isProbablyBinary(head)) {
      result.skipped.push({ path: full, reason: 'binary' });
      return;
    }
    result.files.push({ path: full, relPath: rel, language, size: stat.size });
  };

  const walk = (dir: string, rootDir: string, layers: IgnoreLayer[]): void => {
    let real: string;
    try {
      real = fs.realpathSync.native(dir); // one system call, not an lstat per path component
    } catch (e) {
      result.skipped.push({ path: dir, reason: 'unreadable', detail: (e as Error).message });
      return;
    }
    if (seenReal.has(real)) return;
    seenReal.add(real);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      result.skipped.push({ path: dir, reason: 'unreadable', detail: (e as Error).message });
      return;
    }
    let here = layers;
    if (useGitignore && entries.some((e) => e.name === '.gitignore' && e.isFile())) {
      try {
        here = [...layers, { base: dir, ig: ignore().add(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8')) }];
      } catch {
        /* unreadable .gitignore: nothing to honour */
      }
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const full = path.join(dir, e.name);
      const isDir = e.isDirectory();
      const ignoredBy = (l: IgnoreLayer): boolean => {
        const rel = toPosix(path.relative(l.base, full));
        return rel !== '' && !rel.startsWith('..') && l.ig.ignores(isDir ? `${rel}/` : rel);
      };
      if (here.some(ignoredBy)) {
        result.skipped.push({ path: full, reason: 'gitignored' });
        continue;
      }
      const relRoot = toPosix(path.relative(rootDir, full));
      if (extra && relRoot && extra.ignores(isDir ? `${relRoot}/` : relRoot)) {
        result.skipped.push({ path: full, reason: 'excluded' });
        continue;
      }
      if (e.isSymbolicLink()) {
        // Links are not followed: they make loops and lead out of the workspace.
        result.skipped.push({ path: full, reason: 'symlink' });
        continue;
      }
      if (isDir) {
        if (VCS_DIRS.has(e.name)) result.skipped.push({ path: full, reason: 'vcs' });
        else if (DEPENDENCY_DIRS.has(e.name)) result.skipped.push({ path: full, reason: 'dependency-dir' });
        else if (BUILD_DIRS.has(e.name)) result.skipped.push({ path: full, reason: 'build-output' });
        else if (isVirtualenv(full, e.name)) result.skipped.push({ path: full, reason: 'virtualenv' });
        else walk(full, rootDir, here);
        continue;
      }
      if (!e.isFile()) {
        // FIFOs, sockets and devices are never read, but said so: every skip is reported.
        result.skipped.push({ path: full, reason: 'unreadable', detail: 'not a regular file' });
        continue;
      }
      let stat: fs.Stats;
      try {
        stat = fs.statSync(full);
      } catch (err) {
        result.skipped.push({ path: full, reason: 'unreadable', detail: (err as Error).message });
        continue;
      }
      considerFile(full, relRoot, stat);
    }
  };

  for (const root of roots) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(root);
    } catch (e) {
      throw new Error(`cannot read ${root}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    if (stat.isDirectory()) walk(root, root, []);
    else considerFile(root, path.basename(root), stat);
  }
  return result;
}
