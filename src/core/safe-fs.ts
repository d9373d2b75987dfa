import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * Every read of a file that a scanned repository controls goes through here. The repository can
 * swap a file for a FIFO, a device or a symlink between discovery and the read, or let it grow,
 * so nothing about the path is trusted: the file is opened first (never blocking, not following a
 * final symlink unless asked), and the open descriptor is checked — a regular file, under the
 * size cap, and (when a root is named) really inside that root. Reads stop at the cap even if the
 * file grows while it is read.
 */

export type GuardedReadReason = 'missing' | 'symlink' | 'not-regular' | 'too-large' | 'outside-root' | 'unreadable';

export class GuardedReadError extends Error {
  constructor(
    message: string,
    readonly reason: GuardedReadReason,
    readonly file: string,
  ) {
    super(message);
  }
}

export interface GuardedReadOptions {
  /** Refuse files larger than this many bytes (checked on the descriptor and while reading). */
  maxBytes: number;
  /** Follow a symlink at the last path component (default false: refuse it). */
  followSymlinks?: boolean;
  /** When set, the file actually opened must lie inside this folder (resolved through links). */
  root?: string;
}

/** Default cap for workspace files read as text (sources, templates, config). */
export const MAX_SOURCE_BYTES = 1024 * 1024;

const O_NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;
const O_NONBLOCK = fs.constants.O_NONBLOCK ?? 0;

function realRoot(root: string): string {
  try {
    return fs.realpathSync.native(root);
  } catch {
    return path.resolve(root);
  }
}

/** Where an open descriptor really points (Linux: /proc/self/fd; elsewhere the path's realpath). */
function openedPath(fd: number, file: string): string | undefined {
  try {
    return fs.readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    try {
      return fs.realpathSync.native(file);
    } catch {
      return undefined;
    }
  }
}

export function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Reads a workspace file under the guards above; throws GuardedReadError with a reason. */
export function readGuarded(file: string, o: GuardedReadOptions): Buffer {
  return readGuardedPrefix(file, o, Infinity).data;
}

/**
 * readGuarded, reading only the first `prefixBytes` (all the guards, the size cap included, apply
 * to the whole file): discovery looks at a file's start without reading it all. Returns the size
 * the open descriptor had.
 */
export function readGuardedPrefix(file: string, o: GuardedReadOptions, prefixBytes: number): { data: Buffer; size: number } {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | O_NONBLOCK | (o.followSymlinks ? 0 : O_NOFOLLOW));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new GuardedReadError(`no such file: ${file}`, 'missing', file);
    if (code === 'ELOOP') throw new GuardedReadError(`is a symbolic link (not followed): ${file}`, 'symlink', file);
    throw new GuardedReadError(`cannot open ${file}: ${code ?? (e as Error).message}`, 'unreadable', file);
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new GuardedReadError(`not a regular file: ${file}`, 'not-regular', file);
    if (o.root !== undefined) {
      const real = openedPath(fd, file);
      if (!real || !isInside(realRoot(o.root), real)) throw new GuardedReadError(`leads outside ${o.root}: ${file}`, 'outside-root', file);
    }
    if (st.size > o.maxBytes) throw new GuardedReadError(`too large (${st.size} bytes > ${o.maxBytes}): ${file}`, 'too-large', file);
    // Read to one byte past the cap: a file that grew after fstat is refused, not read on.
    const chunks: Buffer[] = [];
    let total = 0;
    while (total < prefixBytes) {
      const buf = Buffer.allocUnsafe(Math.min(64 * 1024, o.maxBytes + 1 - total, prefixBytes - total));
      let n: number;
      try {
        n = fs.readSync(fd, buf, 0, buf.length, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') throw new GuardedReadError(`would block: ${file}`, 'not-regular', file);
        throw new GuardedReadError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'unreadable', file);
      }
      if (n === 0) break;
      chunks.push(n === buf.length ? buf : buf.subarray(0, n));
      total += n;
      if (total > o.maxBytes) throw new GuardedReadError(`too large (grew past ${o.maxBytes} bytes while read): ${file}`, 'too-large', file);
    }
    return { data: Buffer.concat(chunks, total), size: st.size };
  } finally {
    fs.closeSync(fd);
  }
}

/** readGuarded as UTF-8 text. */
export function readGuardedText(file: string, o: GuardedReadOptions): string {
  return readGuarded(file, o).toString('utf8');
}

/** readGuardedText, or undefined when the file does not exist (any other refusal still throws). */
export function readGuardedTextIfExists(file: string, o: GuardedReadOptions): string | undefined {
  try {
    return readGuardedText(file, o);
  } catch (e) {
    if (e instanceof GuardedReadError && e.reason === 'missing') return undefined;
    throw e;
  }
}

/*
 * The write side. A generator or the checklist writes into a repository that its author controls,
 * so any folder on the way may be a symlink to somewhere else and any file a link, a FIFO or a
 * device. Every write therefore walks from the project root down with lstat (a link anywhere on
 * the way is refused, never followed), creates new files with O_CREAT|O_EXCL|O_NOFOLLOW, and
 * replaces existing files by writing a temp file (also created exclusively, in the same folder)
 * and renaming it over: rename replaces whatever is at the name, it never writes through it.
 * Several files are written all or nothing: everything is staged first, then renamed into place,
 * and a failure puts back what was already replaced or created.
 */

export type UnsafeWriteReason = 'symlink' | 'outside-root' | 'not-directory' | 'not-regular' | 'exists' | 'changed' | 'unwritable' | 'failed';

export class UnsafeWriteError extends Error {
  constructor(
    message: string,
    readonly reason: UnsafeWriteReason,
    readonly file: string,
  ) {
    super(message);
  }
}

/** Existing files are read back before they are replaced (to restore them on failure) up to this size. */
export const MAX_REPLACED_BYTES = 64 * 1024 * 1024;

interface WriteTarget {
  /** The real path the write goes to: the root's real path plus the path below it. */
  target: string;
  /** How the file is named in messages: relative to the root, with forward slashes. */
  shown: string;
  /** Folders between the root and the file that do not exist yet, outermost first. */
  missingDirs: string[];
  /** The existing file's stat (lstat), or undefined when it does not exist yet. */
  existing?: fs.Stats;
}

function displayName(rel: string): string {
  return rel.split(path.sep).join('/');
}

/**
 * Resolves where writing `file` would land without following any link: every component from the
 * root down is lstat'ed; a symlink, a non-folder on the way or a non-regular file at the end is
 * refused. Missing folders are listed (they may be created), the root itself is trusted.
 */
export function checkWriteTarget(root: string, file: string): WriteTarget {
  const rel = path.relative(path.resolve(root), path.resolve(file));
  const shown = displayName(rel);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new UnsafeWriteError(`${file} is outside the project folder ${root}; not written`, 'outside-root', file);
  }
  const parts = rel.split(path.sep);
  let cur = realRoot(root);
  const missingDirs: string[] = [];
  let existing: fs.Stats | undefined;
  for (let i = 0; i < parts.length; i++) {
    cur = path.join(cur, parts[i]);
    const last = i === parts.length - 1;
    if (missingDirs.length) {
      if (!last) missingDirs.push(cur);
      continue;
    }
    let st: fs.Stats;
    try {
      st = fs.lstatSync(cur);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') throw new UnsafeWriteError(`cannot check ${displayName(parts.slice(0, i + 1).join(path.sep))}: ${code ?? (e as Error).message}`, 'failed', file);
      if (!last) missingDirs.push(cur);
      continue;
    }
    const at = displayName(parts.slice(0, i + 1).join(path.sep));
    if (st.isSymbolicLink()) {
      const where = last ? `${shown} is a symbolic link` : `${at} (on the way to ${shown}) is a symbolic link`;
      throw new UnsafeWriteError(`${where}; SiteWarden does not write through links`, 'symlink', file);
    }
    if (!last && !st.isDirectory()) throw new UnsafeWriteError(`${at} (on the way to ${shown}) is not a folder`, 'not-directory', file);
    if (last) {
      if (!st.isFile()) throw new UnsafeWriteError(`${shown} is not a regular file; not written`, 'not-regular', file);
      existing = st;
    }
  }
  return { target: cur, shown, missingDirs, existing };
}

/** Creates the missing folders one by one; mkdir never follows a link planted at the name. */
function makeDirs(t: WriteTarget, created: string[]): void {
  for (const dir of t.missingDirs) {
    try {
      fs.mkdirSync(dir);
      created.push(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new UnsafeWriteError(`cannot create the folder for ${t.shown}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'failed', t.target);
      const st = fs.lstatSync(dir);
      if (!st.isDirectory()) throw new UnsafeWriteError(`a folder on the way to ${t.shown} appeared as a link or file while writing; not written`, 'symlink', t.target);
    }
  }
}

const O_EXCL_NOFOLLOW = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | O_NOFOLLOW;

/**
 * Writes a new file that nobody can have prepared: O_EXCL fails on any existing name (a dangling
 * link included), and the descriptor is checked to be where it was meant to be.
 */
function createExclusive(file: string, content: Buffer, shown: string, mode = 0o666, owner?: { uid: number; gid: number }): void {
  let fd: number;
  try {
    fd = fs.openSync(file, O_EXCL_NOFOLLOW, mode);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new UnsafeWriteError(`${shown} already exists (or is a link); not overwritten`, 'exists', file);
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') throw new UnsafeWriteError(`cannot create ${shown}: permission denied (${code})`, 'unwritable', file);
    throw new UnsafeWriteError(`cannot create ${shown}: ${code ?? (e as Error).message}`, 'failed', file);
  }
  let ok = false;
  try {
    const real = openedPath(fd, file);
    if (real !== undefined && real !== file) throw new UnsafeWriteError(`${shown} was redirected to ${real} while writing; not written`, 'symlink', file);
    if (mode !== 0o666) fs.fchmodSync(fd, mode);
    // Root (CI) replacing someone else's file keeps its owner, as writing into it would have.
    if (owner && process.getuid?.() === 0) fs.fchownSync(fd, owner.uid, owner.gid);
    let off = 0;
    while (off < content.length) off += fs.writeSync(fd, content, off, content.length - off);
    fs.fsyncSync(fd);
    ok = true;
  } catch (e) {
    if (e instanceof UnsafeWriteError) throw e;
    throw new UnsafeWriteError(`cannot write ${shown}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'failed', file);
  } finally {
    fs.closeSync(fd);
    if (!ok) fs.rmSync(file, { force: true });
  }
}

/** Proves the current user may write an existing file without changing it (no O_TRUNC). */
function assertWritable(t: WriteTarget): void {
  try {
    fs.closeSync(fs.openSync(t.target, fs.constants.O_WRONLY | O_NOFOLLOW | O_NONBLOCK));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') throw new UnsafeWriteError(`cannot write ${t.shown}: permission denied (${code})`, 'unwritable', t.target);
    throw new UnsafeWriteError(`cannot write ${t.shown}: ${code ?? (e as Error).message}`, 'failed', t.target);
  }
}

function tempName(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.sitewarden-${randomBytes(6).toString('hex')}.tmp`);
}

export interface InsideRootWrite {
  file: string;
  content: string | Buffer;
  /** The file must not exist yet (default: it is replaced when it exists, created when not). */
  create?: boolean;
  /** When set, the existing file must hold exactly these bytes (it changed since it was read otherwise). */
  expect?: Buffer;
}

export interface WriteAllHooks {
  /** Called before each file is moved into place; tests use it to make a later step fail. */
  beforeCommit?: (index: number, file: string) => void;
}

interface Staged {
  w: InsideRootWrite;
  t: WriteTarget;
  tmp: string;
  /** The replaced file's bytes and mode, to put back on failure. */
  original?: { bytes: Buffer; mode: number; uid: number; gid: number };
  done: boolean;
}

/** Moves a staged new file into place without replacing anything that appeared meanwhile. */
function commitCreate(s: Staged): void {
  try {
    fs.linkSync(s.tmp, s.t.target); // fails with EEXIST on any name, a link included
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new UnsafeWriteError(`${s.t.shown} appeared while writing; not overwritten`, 'exists', s.w.file);
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS' && code !== 'EXDEV') throw e;
    createExclusive(s.t.target, fs.readFileSync(s.tmp), s.t.shown); // a file system without hard links
  }
  fs.rmSync(s.tmp, { force: true });
}

/**
 * Writes several files inside `root`, all or nothing. Every target is checked (no links on the
 * way, regular files, writable, unchanged when `expect` is given) and staged as a temp file
 * before the first one is moved into place; when any step fails, the files already replaced get
 * their old bytes back, created files and folders are removed, and an UnsafeWriteError says what
 * failed and whether everything was restored. Returns the real paths written.
 */
export function writeAllInsideRoot(root: string, writes: InsideRootWrite[], hooks: WriteAllHooks = {}): string[] {
  const staged: Staged[] = [];
  const createdDirs: string[] = [];
  try {
    const targets = writes.map((w) => {
      const t = checkWriteTarget(root, w.file);
      if (t.existing && w.create) throw new UnsafeWriteError(`${t.shown} already exists; not overwritten`, 'exists', w.file);
      return t;
    });
    writes.forEach((w, i) => {
      const t = targets[i];
      let original: Staged['original'];
      if (t.existing) {
        assertWritable(t);
        const bytes = readGuarded(t.target, { maxBytes: MAX_REPLACED_BYTES });
        if (w.expect && !bytes.equals(w.expect)) throw new UnsafeWriteError(`${t.shown} changed on disk since it was read; run again`, 'changed', w.file);
        original = { bytes, mode: t.existing.mode & 0o7777, uid: t.existing.uid, gid: t.existing.gid };
      } else if (w.expect) {
        throw new UnsafeWriteError(`${t.shown} was removed since it was read; run again`, 'changed', w.file);
      }
      makeDirs(t, createdDirs);
      const tmp = tempName(t.target);
      // The entry is recorded before the temp exists so that a failure below still removes it.
      const s: Staged = { w, t, tmp, original, done: false };
      staged.push(s);
      createExclusive(tmp, Buffer.isBuffer(w.content) ? w.content : Buffer.from(w.content, 'utf8'), t.shown, original?.mode ?? 0o666, original);
    });
    staged.forEach((s, i) => {
      hooks.beforeCommit?.(i, s.w.file);
      // Again just before the move: a folder swapped for a link since staging is caught here.
      const now = checkWriteTarget(root, s.w.file);
      if (now.missingDirs.length || (!!now.existing !== !!s.original)) throw new UnsafeWriteError(`${s.t.shown} changed while writing; not written`, 'changed', s.w.file);
      if (s.original) fs.renameSync(s.tmp, s.t.target);
      else commitCreate(s);
      s.done = true;
    });
    return staged.map((s) => s.t.target);
  } catch (e) {
    const failures = rollBack(staged, createdDirs);
    const cause = e instanceof UnsafeWriteError ? e : new UnsafeWriteError((e as Error).message, 'failed', '');
    const committed = staged.filter((s) => s.done).length;
    const outcome = failures.length
      ? ` Could not restore: ${failures.join(', ')}.`
      : committed
        ? ` The ${committed} file(s) already written were restored; nothing was changed.`
        : ' Nothing was changed.';
    throw new UnsafeWriteError(`${cause.message}.${outcome}`, cause.reason, cause.file);
  }
}

/** Puts back every committed step, newest first; returns the files that could not be restored. */
function rollBack(staged: Staged[], createdDirs: string[]): string[] {
  const failures: string[] = [];
  for (const s of [...staged].reverse()) {
    try {
      fs.rmSync(s.tmp, { force: true });
      if (!s.done) continue;
      if (s.original) {
        const back = tempName(s.t.target);
        createExclusive(back, s.original.bytes, s.t.shown, s.original.mode, s.original);
        fs.renameSync(back, s.t.target);
      } else {
        fs.rmSync(s.t.target, { force: true });
      }
    } catch {
      failures.push(s.t.shown);
    }
  }
  for (const dir of [...createdDirs].reverse()) {
    try {
      fs.rmdirSync(dir);
    } catch {
      /* not empty (something else was put there): left as it is */
    }
  }
  return failures;
}

/** One file written under the same rules as writeAllInsideRoot. */
export function writeInsideRoot(root: string, file: string, content: string | Buffer, o: { create?: boolean } = {}): string {
  return writeAllInsideRoot(root, [{ file, content, create: o.create }])[0];
}

/**
 * The workspace folder among `roots` that holds `file`, if any. A report or export the user sends
 * to a path inside a checkout is written with writeInsideRoot (the repository may have planted a
 * link at that name); a path elsewhere is the user's own choice and written as asked.
 */
export function rootContaining(roots: readonly string[], file: string): string | undefined {
  const abs = path.resolve(file);
  return roots.find((r) => {
    const rel = path.relative(path.resolve(r), abs);
    return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
  });
}
