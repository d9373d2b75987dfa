import type { LockedPackage } from './lockfiles/types';

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
  /** The manifest's key when it differs from the package checked (`"foo": "npm:bar@^1"`: foo). */
  alias?: string;
  /**
   * pip-compile's `# via flask` under a pinned line: the packages that pull it in. Set only when
   * they are all packages (no `-r requirements.in`): the line is a transitive package the
   * compiled file pins, counted as such in "N direct, M transitive checked".
   */
  pulledBy?: string[];
}

/** A package only the lockfile names, and the manifest line its findings go on. */
export interface TransitivePackage extends LockedPackage {
  /** The direct dependency that pulls it in (for a flat lockfile: its own lockfile entry). */
  anchor: Dependency;
  lockfile: string;
}

export interface ManifestResult {
  dependencies: Dependency[];
  /** Index URLs from requirement files (`--index-url`) or pyproject sources. */
  indexUrls: string[];
  /** Problems reading a manifest: reported, never fatal. */
  problems: { file: string; message: string }[];
  /** The lockfile read for the manifest, if any (package.json, pyproject.toml and Pipfile have one). */
  lock?: { file: string; format: string };
  /** Whether the manifest kind has lockfiles at all (requirements files pin lines themselves). */
  lockable?: boolean;
  /** Locked packages that are not direct dependencies, each with the line it is reported on. */
  transitive?: TransitivePackage[];
}
