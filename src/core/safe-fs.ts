import * as fs from 'node:fs';
import * as path from 'node:path';

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
