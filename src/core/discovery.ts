import * as fs from 'node:fs';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { detectLanguage } from './languages';
import { GuardedReadError, MAX_SOURCE_BYTES, readGuarded, readGuardedPrefix } from './safe-fs';
import { skipForRefusal, type SkippedEntry } from './skip-reasons';
import type { LanguageId } from './types';

export interface DiscoveredFile {
  path: string;
  /** Path relative to the scan root it was found under (POSIX separators). */
  relPath: string;
  language: LanguageId;
  size: number;
  /**
   * The folder the file was found in a walk of: reads must stay inside it and never follow a
   * final link. Unset for a file named on the command line (the user chose it, links and all).
   */
  root?: string;
}

export type { SkipReason, SkippedEntry } from './skip-reasons';

export interface DiscoveryOptions {
  /** Files larger than this are skipped (reported, not silently dropped). Default 1 MiB. */
  maxFileBytes?: number;
  /** Extra gitignore-style patterns, e.g. from settings or --exclude. */
  exclude?: string[];
  /**
   * Gitignore-style patterns from configuration committed to the scanned repository (workspace
   * settings): reported as excluded by the repository, not by the user.
   */
  excludeFromConfig?: string[];
  /** Honour .gitignore files (default true). */
  gitignore?: boolean;
  /**
   * Gitignore-style patterns (--include, the sitewarden.include setting) that override every
   * default skip — .gitignore, committed configuration, dependency, build, virtualenv and
   * vendored/minified/generated — but never --exclude nor the guards (size, symlink, FIFO, binary).
   */
  include?: string[];
}

/** Something about the walk the user should know that is not a skipped path. */
export interface DiscoveryNotice {
  path: string;
  message: string;
}

export interface DiscoveryResult {
  files: DiscoveredFile[];
  skipped: SkippedEntry[];
  /** Files no grammar parses (templates, config, text): text rules may read them. */
  otherFiles: { path: string; relPath: string; size: number; root?: string }[];
  /** Ignore files that were not honoured (too large), and similar. */
  notices: DiscoveryNotice[];
  /** Patterns of honoured ignore files tested against paths: the work matching cost. */
  ignorePatternTests: number;
}

/**
 * Ignore files are the repository's, so their cost is bounded: matching a path tests every
 * pattern of every ignore file above it (negations make order matter), and 100,000 patterns
 * made a 300-file scan take 25 s. An ignore file over these bounds, or one that would take the
 * patterns in force past MAX_ACTIVE_IGNORE_PATTERNS, is not honoured — more is scanned, never
 * less — and a notice says so. Matching then costs at most that many tests per path.
 */
export const MAX_IGNORE_FILE_BYTES = 256 * 1024;
export const MAX_IGNORE_PATTERNS = 2000;
export const MAX_ACTIVE_IGNORE_PATTERNS = 4000;

const DEPENDENCY_DIRS = new Set(['node_modules', 'bower_components', 'jspm_packages', 'site-packages', '.yarn', '.pnpm-store']);
/** Names that are build output only at a package root (see isPackageRoot); elsewhere they are code. */
const OUTPUT_DIRS = new Set(['dist', 'build', 'out']);
/** Manifests that make their folder a package root. */
const PACKAGE_MANIFESTS = ['package.json', 'pyproject.toml', 'setup.py', 'setup.cfg'];
const BUILD_DIRS = new Set(['.next', '.nuxt', 'coverage', '__pycache__', '.tox', '.nox', '.mypy_cache', '.pytest_cache', '.ruff_cache', '.eggs', '.vscode-test', '.turbo', '.parcel-cache']);
const VCS_DIRS = new Set(['.git', '.hg', '.svn']);
const VENV_NAMES = new Set(['venv', '.venv', 'env', '.env', 'virtualenv']);

function isVirtualenv(dir: string, name: string): boolean {
  if (fs.existsSync(path.join(dir, 'pyvenv.cfg'))) return true;
  return VENV_NAMES.has(name) && (fs.existsSync(path.join(dir, 'bin', 'activate')) || fs.existsSync(path.join(dir, 'Scripts', 'activate')) || fs.existsSync(path.join(dir, 'lib')));
}

/**
 * Folders of code copied in from elsewhere: `vendor/`, `third_party/` anywhere, and `lib/` under a
 * `static/` folder (Django and Flask keep their copied front-end libraries there).
 */
const VENDOR_DIRS = new Set(['vendor', 'vendors', 'third_party', 'third-party', 'thirdparty']);

function vendoredDir(relDir: string, name: string): boolean {
  if (VENDOR_DIRS.has(name)) return true;
  return name === 'lib' && /(^|\/)static\//.test(relDir);
}

/** Files that are generated, by their name: minified bundles and source maps. */
const MINIFIED_NAME = /[.-]min\.(js|mjs|cjs|css)$|\.map$/i;
/** A bundler's content hash in the name: `chunk.728.985c45ad584b4b91ca60.js`, `codemirror-0d7a…9388b6.js`. */
const HASHED_BUNDLE = /[.-][0-9a-f]{16,}\.(js|mjs|cjs|css)$/;
/** Vite's 8-character hash (`index-DUhmXSBR.mjs`), trusted only inside an `assets/` folder. */
const VITE_HASH = /-(\w{8})\.(js|mjs|css)$/;

function viteChunk(relPath: string): boolean {
  const m = VITE_HASH.exec(relPath.slice(relPath.lastIndexOf('/') + 1));
  return m !== null && /[A-Z]/.test(m[1]) && /[a-z]/.test(m[1]) && `/${relPath}`.includes('/assets/');
}

/**
 * Folders where a browser bundle lives. The line-length test applies only to JavaScript and CSS
 * there: anywhere else a file of very long lines is what an attacker pads a vulnerable file or a
 * parser crash with, and it must be analysed (or be incomplete), not excluded.
 */
const WEB_ASSET_DIR = /(^|\/)(static|public|assets|built|www|wwwroot|js)\//;

/** Why a file is generated or minified by its path alone (relative, POSIX), before it is read. */
function generatedByName(relPath: string): { reason: 'minified' | 'generated'; detail: string } | undefined {
  const name = relPath.slice(relPath.lastIndexOf('/') + 1);
  if (name.endsWith('.map')) return { reason: 'generated', detail: 'a source map' };
  if (MINIFIED_NAME.test(name)) return { reason: 'minified', detail: 'a minified file by its name' };
  if (HASHED_BUNDLE.test(name) || viteChunk(relPath)) return { reason: 'generated', detail: 'a bundler output chunk (content hash in its name)' };
  return undefined;
}
/** A first comment naming a library that is copied, not written (jQuery, Bootstrap, lodash…). */
const LIBRARY_BANNER = /^\s*(\/\*[!*]?|\/\/[!]?)\s*(@license\s+)?(jQuery|Bootstrap|lodash|Lo-Dash|Underscore\.js|Backbone\.js|Vue\.js|React|Angular|AngularJS|Moment\.js|D3\.js|Chart\.js|Modernizr|Popper|Select2|DataTables|Handlebars|highlight\.js|CodeMirror|TinyMCE|CKEditor|Leaflet|Socket\.IO|core-js|regenerator-runtime|PhotoSwipe|imagesLoaded|FitVids)\b[^\n]*\b(v?\d+\.\d+|license|MIT|\(c\)|copyright)/i;
/** Markers tools write at the top of files they generate. */
const GENERATED_MARKER = /@generated\b|\bcode generated by\b.*\bdo not edit\b|\bauto-?generated\b.*\bdo not (edit|modify)\b|\bthis file (is|was) (automatically )?generated\b/i;
/** Average line length (sample characters per line) above which a file is minified, not written. */
export const MINIFIED_AVERAGE_LINE = 500;

/**
 * Why a source file is not code the project wrote: minified, generated or a copied library, from
 * its first bytes (the same sample the binary check reads). Undefined: it is code.
 */
export function generatedOrMinified(relPath: string, sample: Buffer): { reason: 'minified' | 'generated' | 'vendored'; detail: string } | undefined {
  const text = sample.subarray(0, BINARY_SAMPLE_BYTES).toString('utf8');
  const head = text.slice(0, 1000);
  if (GENERATED_MARKER.test(head)) return { reason: 'generated', detail: 'marked as generated in its first lines' };
  if (LIBRARY_BANNER.test(head)) return { reason: 'vendored', detail: 'starts with a known library banner' };
  const lines = text.split('\n').length;
  if (WEB_ASSET_DIR.test(relPath) && /\.(js|mjs|cjs|css)$/i.test(relPath) && text.length >= 2000 && text.length / lines > MINIFIED_AVERAGE_LINE) return { reason: 'minified', detail: `average line over ${MINIFIED_AVERAGE_LINE} characters` };
  return undefined;
}

/** Leading bytes of formats that are never source code. */
const BINARY_MAGIC: readonly Buffer[] = [
  [0x89, 0x50, 0x4e, 0x47], // PNG
  [0x47, 0x49, 0x46, 0x38], // GIF
  [0xff, 0xd8, 0xff], // JPEG
  [0x25, 0x50, 0x44, 0x46, 0x2d], // %PDF-
  [0x50, 0x4b, 0x03, 0x04], // ZIP, JAR, wheel
  [0x1f, 0x8b], // gzip
  [0x42, 0x5a, 0x68], // bzip2
  [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], // xz
  [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], // 7z
  [0x7f, 0x45, 0x4c, 0x46], // ELF
  [0x00, 0x61, 0x73, 0x6d], // WebAssembly
  [0xca, 0xfe, 0xba, 0xbe], // Java class, Mach-O fat
  [0xcf, 0xfa, 0xed, 0xfe], // Mach-O 64
  [0xce, 0xfa, 0xed, 0xfe], // Mach-O 32
  [0x53, 0x51, 0x4c, 0x69, 0x74, 0x65, 0x20, 0x66], // SQLite format
  [0xff, 0xfe], // UTF-16 LE text: not decodable as UTF-8
  [0xfe, 0xff], // UTF-16 BE
].map((b) => Buffer.from(b));

/** How much of a file's start decides whether it is text. */
export const BINARY_SAMPLE_BYTES = 8000;

/**
 * Whether a file's first bytes are not text. Decided on content, not on a single byte: one NUL in
 * a comment made a vulnerable file "binary" and unanalysed. Binary means a known binary signature,
 * NUL bytes in over 30% of the sample (executables, UTF-16), or over 30% of it not decoding as UTF-8.
 * Whatever the threshold, a source file found binary is not a pass: the run is incomplete.
 */
export function looksBinary(sample: Buffer): boolean {
  const buf = sample.subarray(0, BINARY_SAMPLE_BYTES);
  if (buf.length === 0) return false;
  if (BINARY_MAGIC.some((m) => buf.length >= m.length && buf.subarray(0, m.length).equals(m))) return true;
  let nul = 0;
  for (const b of buf) if (b === 0) nul++;
  if (nul * 10 > buf.length * 3) return true;
  const text = buf.toString('utf8');
  let bad = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 0xfffd) bad++;
  return bad * 10 > text.length * 3;
}

interface IgnoreLayer {
  base: string;
  ig: Ignore;
  patterns: number;
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

function patternCount(text: string): number {
  let n = 0;
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t && !t.startsWith('#')) n++;
  }
  return n;
}

/** How a discovered file is read: the one guarded read for sources (scanner, workers, cache). */
export function readDiscovered(f: { path: string; root?: string }, maxBytes = MAX_SOURCE_BYTES): Buffer {
  return readGuarded(f.path, f.root === undefined ? { maxBytes, followSymlinks: true } : { maxBytes, root: f.root });
}

/** What a caller does while the walk goes on (a scan starts its workers once enough files are found). */
export interface DiscoveryHooks {
  /** Each file to analyse as it is found, with the number found so far. */
  onFile?: (f: DiscoveredFile, count: number) => void;
}

/**
 * Lists the files to analyse under the given paths. Directories of dependencies, virtualenvs,
 * build output and VCS metadata are skipped, .gitignore files are honoured, and every skip is
 * returned with its reason (src/core/skip-reasons.ts says what each means for the run).
 */
export function discoverFiles(roots: string[], opts: DiscoveryOptions = {}, hooks: DiscoveryHooks = {}): DiscoveryResult {
  const maxBytes = opts.maxFileBytes ?? MAX_SOURCE_BYTES;
  const useGitignore = opts.gitignore !== false;
  const result: DiscoveryResult = { files: [], skipped: [], otherFiles: [], notices: [], ignorePatternTests: 0 };
  const byUser = opts.exclude?.length ? ignore().add(opts.exclude) : undefined;
  const byConfig = opts.excludeFromConfig?.length ? ignore().add(opts.excludeFromConfig) : undefined;
  const byInclude = opts.include?.length ? ignore().add(opts.include) : undefined;
  // The fixed folder prefix of each include pattern ("vendor/acme/**" → "vendor/acme/"): a skipped
  // folder on the way to one is walked to reach it.
  // A pattern with no slash but a trailing one ("vendor/", "*.min.js") matches at any depth, yet
  // does not open other skipped folders: "**/vendor/" or "node_modules/pkg/" does.
  const includePrefixes = (opts.include ?? []).flatMap((p) => {
    const t = p.trim().replace(/^\//, '');
    if (!t.replace(/\/$/, '').includes('/')) return [];
    const glob = t.search(/[*?[]/);
    return [glob < 0 ? t : t.slice(0, glob)];
  });
  const leadsToInclude = (relDir: string): boolean => includePrefixes.some((p) => p === '' || p.startsWith(`${relDir}/`) || `${relDir}/`.startsWith(p));
  const seenReal = new Set<string>();
  const skip = (e: SkippedEntry) => void result.skipped.push(e);

  /** `root` unset: a file named by the user, read through links as named. */
  const considerFile = (full: string, rel: string, root: string | undefined, included = false): void => {
    const language = detectLanguage(full);
    if (!language) {
      // Not parsed: text rules may read it later (through the same guarded read).
      let size = 0;
      try {
        size = (root === undefined ? fs.statSync(full) : fs.lstatSync(full)).size;
      } catch {
        /* the read later says why */
      }
      result.otherFiles.push({ path: full, relPath: rel, size, ...(root !== undefined ? { root } : {}) });
      return;
    }
    // Opened without blocking or following a final link and checked on the descriptor: a FIFO,
    // a device or a link swapped in after readdir is refused here with its reason.
    let head: { data: Buffer; size: number };
    try {
      head = readGuardedPrefix(full, root === undefined ? { maxBytes, followSymlinks: true } : { maxBytes, root }, BINARY_SAMPLE_BYTES);
    } catch (e) {
      // readdir decodes a name that is not UTF-8 lossily, so the decoded path does not open.
      if (e instanceof GuardedReadError && e.reason === 'missing' && full.includes('\ufffd')) skip({ path: full, reason: 'unreadable', detail: 'the file name is not valid UTF-8' });
      else if (e instanceof GuardedReadError) skip(skipForRefusal(e));
      else skip({ path: full, reason: 'unreadable', detail: (e as Error).message });
      return;
    }
    if (looksBinary(head.data)) {
      skip({ path: full, reason: 'binary' });
      return;
    }
    // A file named on the command line is the user's choice; in a walk, --include overrides this.
    const copied = root !== undefined && !included ? generatedOrMinified(rel, head.data) : undefined;
    if (copied) {
      skip({ path: full, ...copied });
      return;
    }
    const found: DiscoveredFile = { path: full, relPath: rel, language, size: head.size, ...(root !== undefined ? { root } : {}) };
    result.files.push(found);
    hooks.onFile?.(found, result.files.length);
  };

  const readIgnoreFile = (dir: string, rootDir: string, layers: IgnoreLayer[]): IgnoreLayer[] => {
    const file = path.join(dir, '.gitignore');
    let text: string;
    try {
      text = readGuarded(file, { maxBytes: MAX_IGNORE_FILE_BYTES, root: rootDir }).toString('utf8');
    } catch (e) {
      const why = e instanceof GuardedReadError && e.reason === 'too-large' ? `over ${MAX_IGNORE_FILE_BYTES} bytes` : 'could not be read';
      result.notices.push({ path: file, message: `.gitignore not honoured (${why}): its paths are scanned` });
      return layers;
    }
    const patterns = patternCount(text);
    const active = layers.reduce((n, l) => n + l.patterns, 0);
    if (patterns > MAX_IGNORE_PATTERNS || active + patterns > MAX_ACTIVE_IGNORE_PATTERNS) {
      const why = patterns > MAX_IGNORE_PATTERNS ? `${patterns} patterns, over ${MAX_IGNORE_PATTERNS}` : `${active + patterns} patterns in force with the ignore files above it, over ${MAX_ACTIVE_IGNORE_PATTERNS}`;
      result.notices.push({ path: file, message: `.gitignore not honoured (${why}): its paths are scanned` });
      return layers;
    }
    return patterns ? [...layers, { base: dir, ig: ignore().add(text), patterns }] : layers;
  };

  /**
   * `forced`: an --include pattern matched this folder, so no default skip applies below it.
   * `inherited`: the folder is skipped by default with this reason and walked only to reach paths
   * an --include pattern names; everything else in it is skipped with that reason.
   */
  const walk = (dir: string, rootDir: string, layers: IgnoreLayer[], forced = false, inherited?: SkippedEntry['reason']): void => {
    let real: string;
    try {
      real = fs.realpathSync.native(dir); // one system call, not an lstat per path component
    } catch (e) {
      skip({ path: dir, reason: 'unreadable', detail: (e as NodeJS.ErrnoException).code ?? (e as Error).message });
      return;
    }
    if (seenReal.has(real)) return;
    seenReal.add(real);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      skip({ path: dir, reason: 'unreadable', detail: (e as NodeJS.ErrnoException).code ?? (e as Error).message });
      return;
    }
    const here = useGitignore && entries.some((e) => e.name === '.gitignore' && e.isFile()) ? readIgnoreFile(dir, rootDir, layers) : layers;
    const packageRoot = entries.some((e) => e.isFile() && PACKAGE_MANIFESTS.includes(e.name));
    const relDir = toPosix(path.relative(rootDir, dir));
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const full = path.join(dir, e.name);
      const isDir = e.isDirectory();
      const relRoot = toPosix(path.relative(rootDir, full));
      const asPattern = isDir ? `${relRoot}/` : relRoot;
      // The user's word first: a path they excluded is theirs even if the repository ignores it too.
      if (byUser && relRoot && byUser.ignores(asPattern)) {
        skip({ path: full, reason: 'excluded' });
        continue;
      }
      if (e.isSymbolicLink()) {
        // Links are not followed: they make loops and lead out of the workspace. --include does not change that.
        skip({ path: full, reason: 'symlink' });
        continue;
      }
      const included = forced || (byInclude !== undefined && relRoot !== '' && byInclude.ignores(asPattern));
      const towardInclude = !included && isDir && leadsToInclude(relRoot);
      // Inside a folder skipped by default, only what --include names (or leads to) is looked at.
      if (inherited && !included && !towardInclude) {
        skip({ path: full, reason: inherited });
        continue;
      }
      const defaultSkip = ((): SkippedEntry | undefined => {
        if (inherited) return undefined;
        const ignoredBy = (l: IgnoreLayer): boolean => {
          const rel = toPosix(path.relative(l.base, full));
          if (rel === '' || rel.startsWith('..')) return false;
          result.ignorePatternTests += l.patterns;
          return l.ig.ignores(isDir ? `${rel}/` : rel);
        };
        if (here.some(ignoredBy)) return { path: full, reason: 'gitignored' };
        if (byConfig && relRoot && byConfig.ignores(asPattern)) return { path: full, reason: 'excluded-by-config' };
        if (isDir) {
          if (VCS_DIRS.has(e.name)) return { path: full, reason: 'vcs' };
          if (DEPENDENCY_DIRS.has(e.name)) return { path: full, reason: 'dependency-dir' };
          if (BUILD_DIRS.has(e.name)) return { path: full, reason: 'build-output' };
          // dist/build/out deep in a project are often code (utils/build/docker/app.py): only a package's own are output.
          if (OUTPUT_DIRS.has(e.name) && packageRoot) return { path: full, reason: 'build-output', detail: 'next to a package manifest' };
          if (vendoredDir(relDir, e.name)) return { path: full, reason: 'vendored' };
          if (isVirtualenv(full, e.name)) return { path: full, reason: 'virtualenv' };
          return undefined;
        }
        const byName = generatedByName(relRoot);
        if (byName) return { path: full, ...byName };
        return undefined;
      })();
      if (defaultSkip && !included) {
        if (isDir && towardInclude) walk(full, rootDir, here, false, defaultSkip.reason);
        else skip(defaultSkip);
        continue;
      }
      if (isDir) {
        walk(full, rootDir, here, included, undefined);
        continue;
      }
      if (!e.isFile()) {
        // FIFOs, sockets and devices are never read, but said so: every skip is reported.
        skip({ path: full, reason: 'not-regular', detail: `not a regular file (${e.isFIFO() ? 'FIFO' : e.isSocket() ? 'socket' : 'device'})` });
        continue;
      }
      considerFile(full, relRoot, rootDir, included);
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
    else considerFile(root, path.basename(root), undefined);
  }
  return result;
}
