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
