/** A dependency as declared in a manifest, with where its version spec sits. */
export interface Dependency {
  ecosystem: 'npm' | 'pypi';
  name: string;
  /** The declared spec: `^4.17.1`, `==2.0.1`, `>=1.2,<2`. */
  spec: string;
  file: string;
  /** 0-based line and column of the spec (of the name when there is no spec). */
  line: number;
  column: number;
  /** UTF-16 offsets of the spec in the file, for edits; equal when there is none. */
  specStart: number;
  specEnd: number;
  /** Installed version from a lockfile, when one pins it. */
  installed?: string;
  dev?: boolean;
  /** Why it cannot be checked (VCS or URL requirement, local path, workspace link). */
  unchecked?: string;
}

export interface ManifestResult {
  dependencies: Dependency[];
  /** Index URLs from requirement files (`--index-url`) or pyproject sources. */
  indexUrls: string[];
  /** Problems reading a manifest: reported, never fatal. */
  problems: { file: string; message: string }[];
}

/** Line starts of the last text asked about: readers ask once per dependency of the same text. */
let lineStarts: { text: string; starts: number[] } | undefined;

/**
 * Line and column (0-based) of an offset. Counting newlines from the top for every dependency
 * made a manifest of 20,000 entries take seconds; the line starts are found once per text and
 * searched by bisection.
 */
export function positionAt(text: string, offset: number): { line: number; column: number } {
  if (lineStarts?.text !== text) {
    const starts = [0];
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    lineStarts = { text, starts };
  }
  const { starts } = lineStarts;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, column: offset - starts[lo] };
}
