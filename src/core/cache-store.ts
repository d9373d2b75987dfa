import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The one policy for files in a cache folder (the dependency cache and the scan cache): writes
 * are atomic and never follow a planted link, reads never follow one either and refuse anything
 * over a size cap, and a folder past its byte cap loses its oldest entries. A cache folder can be
 * shared (CI runners): what is read from it is checked by the caller before it is used.
 */

/** Bytes each cache folder holds, counted once per process and then kept up to date. */
const folderBytes = new Map<string, number>();

function cacheFiles(dir: string): { file: string; size: number; mtime: number }[] {
  const out: { file: string; size: number; mtime: number }[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    if (!name.endsWith('.json')) continue;
    try {
      const st = fs.lstatSync(path.join(dir, name));
      if (st.isFile()) out.push({ file: path.join(dir, name), size: st.size, mtime: st.mtimeMs });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/**
 * Writes `text` to `file` (in `dir`) atomically: a temp file that must not exist yet (`wx`, so a
 * planted link or a concurrent writer is never written through), then a rename, which replaces a
 * link at `file` instead of following it. Past the folder's cap the oldest entries are removed.
 * A cache that cannot be written is no reason to fail: returns false.
 */
export function writeCacheFile(dir: string, file: string, text: string, maxCacheBytes: number): boolean {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch {
    return false;
  }
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  let total = folderBytes.get(dir) ?? cacheFiles(dir).reduce((n, x) => n + x.size, 0);
  let before = 0;
  try {
    const st = fs.lstatSync(file);
    if (st.isFile()) before = st.size;
  } catch {
    // new entry
  }
  try {
    fs.writeFileSync(tmp, text, { flag: 'wx', mode: 0o600 });
    fs.renameSync(tmp, file);
  } catch {
    fs.rmSync(tmp, { force: true });
    return false;
  }
  total += Buffer.byteLength(text) - before;
  if (total > maxCacheBytes) {
    for (const old of cacheFiles(dir).sort((a, b) => a.mtime - b.mtime)) {
      if (total <= maxCacheBytes * 0.8) break;
      if (old.file === file) continue;
      fs.rmSync(old.file, { force: true });
      total -= old.size;
    }
  }
  folderBytes.set(dir, total);
  return true;
}

/**
 * The text of a cache file, or undefined when it is missing, not a regular file (a link is not
 * followed), or larger than `maxBytes` (a padded entry is not read into memory).
 */
export function readCacheFile(file: string, maxBytes: number): string | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0));
  } catch {
    return undefined;
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile() || st.size > maxBytes) return undefined;
    const buf = Buffer.alloc(st.size);
    let got = 0;
    while (got < st.size) {
      const n = fs.readSync(fd, buf, got, st.size - got, got);
      if (n === 0) break;
      got += n;
    }
    return buf.subarray(0, got).toString('utf8');
  } catch {
    return undefined;
  } finally {
    fs.closeSync(fd);
  }
}
