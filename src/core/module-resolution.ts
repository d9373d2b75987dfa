import * as path from 'node:path';
import { parse as parseJsonc, type ParseError } from 'jsonc-parser';
import { GuardedReadError, isInside, readGuardedText } from './safe-fs';

/**
 * Which workspace file an import names. Resolution never looks at the disk for candidates: it
 * picks among the files the scan already discovered (inside its root, under the guards), so an
 * import cannot make SiteWarden read a file outside the workspace, a FIFO or a symlinked secret.
 * The only file read here is tsconfig.json, through the guarded read, confined to the root.
 */

/** A Python import: `from ..pkg.mod import x` is `{ level: 2, module: ['pkg', 'mod'] }`. */
export interface PythonImportSpec {
  /** Leading dots (0 for an absolute import). */
  level: number;
  module: readonly string[];
}

/** Extensions a JS/TS specifier may leave out, in the order Node and TypeScript try them. */
const JS_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
/** ESM TypeScript writes `./x.js` for `./x.ts`. */
const JS_TO_TS: Readonly<Record<string, readonly string[]>> = { '.js': ['.ts', '.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'], '.jsx': ['.tsx'] };

/** tsconfig.json larger than this is not read (a real one is a few hundred bytes). */
const MAX_TSCONFIG_BYTES = 256 * 1024;
/** `paths` entries looked at, and targets per entry: a hostile tsconfig cannot make resolution costly. */
const MAX_PATH_ALIASES = 200;
const MAX_ALIAS_TARGETS = 8;

interface PathAlias {
  prefix: string;
  suffix: string;
  /** With a `*` when the pattern has one; absolute, inside the root. */
  targets: string[];
  wildcard: boolean;
}

export interface TsPathConfig {
  /** Absolute folder non-relative specifiers resolve against (`baseUrl`), when set. */
  baseUrl?: string;
  aliases: PathAlias[];
}

/**
 * `compilerOptions.baseUrl` and `paths` of a tsconfig.json text, made absolute against `dir`.
 * Targets that leave `root` are dropped; `extends` is not followed (it may name a package).
 */
export function readTsPaths(text: string, dir: string, root: string): TsPathConfig {
  const errors: ParseError[] = [];
  let json: unknown;
  try {
    json = parseJsonc(text, errors, { allowTrailingComma: true, disallowComments: false });
  } catch {
    return { aliases: [] }; // deep nesting overflows the parser's recursion: no aliases
  }
  const co = json && typeof json === 'object' ? (json as Record<string, unknown>).compilerOptions : undefined;
  if (!co || typeof co !== 'object') return { aliases: [] };
  const opts = co as Record<string, unknown>;
  const inside = (p: string) => (isInside(root, p) ? p : undefined);
  const baseUrl = typeof opts.baseUrl === 'string' ? inside(path.resolve(dir, opts.baseUrl)) : undefined;
  const aliases: PathAlias[] = [];
  const paths = opts.paths;
  if (paths && typeof paths === 'object' && !Array.isArray(paths)) {
    const base = baseUrl ?? dir;
    for (const [pattern, list] of Object.entries(paths as Record<string, unknown>).slice(0, MAX_PATH_ALIASES)) {
      if (!Array.isArray(list)) continue;
      const star = pattern.indexOf('*');
      if (star !== pattern.lastIndexOf('*')) continue; // TypeScript allows one `*` at most
      const targets: string[] = [];
      for (const t of list.slice(0, MAX_ALIAS_TARGETS)) {
        if (typeof t !== 'string' || (star >= 0) !== t.includes('*')) continue;
        const abs = path.resolve(base, t);
        // The part before the `*` must stay inside the root whatever the `*` becomes.
        if (isInside(root, star >= 0 ? path.dirname(abs.replace('*', 'x')) : abs)) targets.push(abs);
      }
      if (targets.length === 0) continue;
      aliases.push({ prefix: star >= 0 ? pattern.slice(0, star) : pattern, suffix: star >= 0 ? pattern.slice(star + 1) : '', targets, wildcard: star >= 0 });
    }
    // TypeScript prefers the longest prefix match.
    aliases.sort((a, b) => b.prefix.length - a.prefix.length);
  }
  return { baseUrl, aliases };
}

/**
 * Maps imports in workspace files to workspace files. `files` are the absolute paths a scan (or
 * the editor's index) knows; `root` the workspace folder nothing outside of which is resolved.
 */
export class ModuleResolver {
  private readonly files: Set<string>;
  private readonly pythonRoots: string[];
  private readonly tsConfigs = new Map<string, TsPathConfig | undefined>();
  /** Resolutions made: every file of a package imports the same modules. */
  private readonly pythonMemo = new Map<string, string | undefined>();
  private readonly jsMemo = new Map<string, string | undefined>();

  constructor(
    readonly root: string,
    files: Iterable<string>,
    /** Reads a tsconfig.json; the default is the guarded read confined to `root`. */
    private readonly readConfig: (file: string) => string | undefined = (f) => readConfigGuarded(f, root),
  ) {
    this.root = path.resolve(root);
    this.files = new Set([...files].map((f) => path.resolve(f)).filter((f) => isInside(this.root, f)));
    this.pythonRoots = findPythonRoots(this.root, this.files);
  }

  has(file: string): boolean {
    return this.files.has(path.resolve(file));
  }

  /** The folders Python's absolute imports of project packages are looked up in, most specific first. */
  get importRoots(): readonly string[] {
    return this.pythonRoots;
  }

  /**
   * The file a Python module path names (`pkg/mod.py` or `pkg/mod/__init__.py`), relative
   * imports from `fromFile`'s package. Undefined for the standard library and installed packages.
   */
  resolvePython(fromFile: string, spec: PythonImportSpec): string | undefined {
    const key = `${path.dirname(fromFile)}\0${spec.level}\0${spec.module.join('.')}`;
    if (this.pythonMemo.has(key)) return this.pythonMemo.get(key);
    const hit = this.resolvePythonUncached(fromFile, spec);
    this.pythonMemo.set(key, hit);
    return hit;
  }

  private resolvePythonUncached(fromFile: string, spec: PythonImportSpec): string | undefined {
    if (spec.level > 0) {
      let dir = path.dirname(path.resolve(fromFile));
      for (let i = 1; i < spec.level; i++) dir = path.dirname(dir);
      if (!isInside(this.root, dir)) return undefined;
      return this.pythonModuleIn(dir, spec.module);
    }
    if (spec.module.length === 0) return undefined;
    for (const r of this.pythonRoots) {
      const hit = this.pythonModuleIn(r, spec.module);
      if (hit) return hit;
    }
    // A script run directly has its own folder on sys.path: `import helper` beside it.
    return this.pythonModuleIn(path.dirname(path.resolve(fromFile)), spec.module);
  }

  private pythonModuleIn(dir: string, parts: readonly string[]): string | undefined {
    if (parts.some((p) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(p))) return undefined;
    const base = path.join(dir, ...parts);
    if (parts.length === 0) return this.existing(path.join(base, '__init__.py'));
    return this.existing(`${base}.py`) ?? this.existing(path.join(base, '__init__.py'));
  }

  /**
   * The file a JS/TS specifier names: relative (`./x`, `../y/index`), or an alias of the
   * nearest tsconfig.json's `paths` / `baseUrl`. Bare package names resolve to nothing.
   */
  resolveJs(fromFile: string, spec: string): string | undefined {
    const key = `${path.dirname(fromFile)}\0${spec}`;
    if (this.jsMemo.has(key)) return this.jsMemo.get(key);
    const hit = this.resolveJsUncached(fromFile, spec);
    this.jsMemo.set(key, hit);
    return hit;
  }

  private resolveJsUncached(fromFile: string, spec: string): string | undefined {
    if (spec.startsWith('./') || spec.startsWith('../') || spec === '.' || spec === '..') {
      return this.jsFile(path.resolve(path.dirname(path.resolve(fromFile)), spec));
    }
    if (spec.startsWith('/') || spec.includes('\0') || /^[a-z][a-z0-9+.-]*:/i.test(spec)) return undefined;
    const cfg = this.tsConfigFor(fromFile);
    if (!cfg) return undefined;
    for (const a of cfg.aliases) {
      if (!spec.startsWith(a.prefix) || !spec.endsWith(a.suffix) || spec.length < a.prefix.length + a.suffix.length) continue;
      if (!a.wildcard && spec !== a.prefix) continue;
      const star = spec.slice(a.prefix.length, spec.length - a.suffix.length);
      for (const t of a.targets) {
        const hit = this.jsFile(a.wildcard ? t.replace('*', star) : t);
        if (hit) return hit;
      }
    }
    return cfg.baseUrl ? this.jsFile(path.resolve(cfg.baseUrl, spec)) : undefined;
  }

  private jsFile(abs: string): string | undefined {
    if (!isInside(this.root, abs)) return undefined;
    const ext = path.extname(abs);
    const direct = this.existing(abs);
    if (direct && ext) return direct;
    for (const alt of JS_TO_TS[ext] ?? []) {
      const hit = this.existing(abs.slice(0, -ext.length) + alt);
      if (hit) return hit;
    }
    for (const e of JS_EXTENSIONS) {
      const hit = this.existing(abs + e);
      if (hit) return hit;
    }
    for (const e of JS_EXTENSIONS) {
      const hit = this.existing(path.join(abs, `index${e}`));
      if (hit) return hit;
    }
    return undefined;
  }

  /** The tsconfig.json nearest above `fromFile`, inside the root (read once per folder). */
  private tsConfigFor(fromFile: string): TsPathConfig | undefined {
    for (let dir = path.dirname(path.resolve(fromFile)); isInside(this.root, dir); dir = path.dirname(dir)) {
      if (this.tsConfigs.has(dir)) {
        const c = this.tsConfigs.get(dir);
        if (c) return c;
      } else {
        const text = this.readConfig(path.join(dir, 'tsconfig.json'));
        const c = text === undefined ? undefined : readTsPaths(text, dir, this.root);
        this.tsConfigs.set(dir, c);
        if (c) return c;
      }
      if (dir === this.root) break;
    }
    return undefined;
  }

  private existing(abs: string): string | undefined {
    return this.files.has(abs) ? abs : undefined;
  }
}

function readConfigGuarded(file: string, root: string): string | undefined {
  try {
    return readGuardedText(file, { maxBytes: MAX_TSCONFIG_BYTES, root });
  } catch (e) {
    if (e instanceof GuardedReadError) return undefined; // missing, a link, too large: no aliases
    throw e;
  }
}

/**
 * Folders on the project's import path: the root, and the folder holding each top-level package
 * (the highest folder of a chain of `__init__.py` folders), e.g. `src/` in a src layout.
 * Deeper roots first: `src/app` beats a stray `app/` at the top only when it is the package.
 */
function findPythonRoots(root: string, files: ReadonlySet<string>): string[] {
  const roots = new Set<string>();
  const packages = new Set<string>();
  for (const f of files) if (path.basename(f) === '__init__.py') packages.add(path.dirname(f));
  for (const pkg of packages) {
    let top = pkg;
    while (packages.has(path.dirname(top))) top = path.dirname(top);
    // The root may itself be the top package (a scan of `django/`): its parent is then the base
    // of its absolute imports. Only files inside the root are ever candidates, so nothing outside is read.
    roots.add(path.dirname(top));
  }
  roots.delete(root);
  return [root, ...[...roots].sort((a, b) => a.length - b.length || a.localeCompare(b))];
}
