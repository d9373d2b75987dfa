import { readGuardedText } from '../core/safe-fs';

/** Larger than any real manifest or lockfile; the same order as the scanner's 1 MiB per source file. */
export const MAX_MANIFEST_BYTES = 32 * 1024 * 1024;

/**
 * Reads a manifest, lockfile or `-r`/`-c` include as UTF-8 through the guarded read: the file is
 * opened without blocking and the open descriptor must be a regular file under the cap, so an
 * include such as `-r ../../../../dev/zero`, or a lockfile committed as (or swapped for) a symlink
 * to a device or FIFO, is refused instead of blocking forever or reading until memory runs out.
 * Links are followed (a lockfile may be linked from a shared folder); with `root`, the file
 * opened must lie inside it. Throws an Error with a message fit for a problem report.
 */
export function readManifestText(file: string, root?: string): string {
  return readGuardedText(file, { maxBytes: MAX_MANIFEST_BYTES, followSymlinks: true, root });
}
