import * as fs from 'node:fs';

/** Larger than any real manifest or lockfile; the same order as the scanner's 1 MiB per source file. */
export const MAX_MANIFEST_BYTES = 32 * 1024 * 1024;

/**
 * Reads a manifest, lockfile or `-r`/`-c` include as UTF-8. Refuses anything that is not a regular
 * file before opening it: an include such as `-r ../../../../dev/zero`, or a lockfile committed as
 * a symlink to a device or FIFO, would otherwise make readFileSync block forever or read until
 * memory runs out. Throws (with a message fit for a problem report) like readFileSync does.
 */
export function readManifestText(file: string): string {
  const st = fs.statSync(file); // follows symlinks: what would be read
  if (!st.isFile()) throw new Error(`not a regular file: ${file}`);
  if (st.size > MAX_MANIFEST_BYTES) throw new Error(`too large (${st.size} bytes > ${MAX_MANIFEST_BYTES}): ${file}`);
  return fs.readFileSync(file, 'utf8');
}
