/** One package of a lockfile's tree, as seen from one manifest (importer). */
export interface LockedPackage {
  /** The registry name (an `npm:` alias resolves to the aliased package). */
  name: string;
  version: string;
  /** Declared in the manifest itself. */
  direct: boolean;
  /** Only reached through dev dependencies. */
  dev?: boolean;
  /** Names from the direct dependency to this package, both ends included (shortest path). */
  path: string[];
  /** Why this locked entry cannot be checked against a registry (git, path, link). */
  unchecked?: string;
}

/** A lockfile entry: one resolved package and the entries its dependencies resolved to. */
export interface LockNode {
  id: string;
  name: string;
  version: string;
  dev?: boolean;
  /** Ids of the nodes its dependencies resolved to (unresolvable ones are left out). */
  edges: string[];
  unchecked?: string;
}

export type LockFormat =
  | 'package-lock v1'
  | 'package-lock v2'
  | 'package-lock v3'
  | 'yarn v1'
  | 'yarn berry'
  | 'pnpm'
  | 'poetry'
  | 'uv'
  | 'pdm'
  | 'Pipfile.lock';

/** A parsed lockfile: its nodes, and how a manifest's direct dependency finds its node. */
export interface LockGraph {
  format: LockFormat;
  nodes: Map<string, LockNode>;
  /**
   * The node a direct dependency resolved to. `importer`: the manifest's folder relative to the
   * lockfile's, `.` for the lockfile's own (workspace members of a monorepo share the root's).
   * `undefined` when the lockfile does not know the importer at all.
   */
  direct(name: string, spec: string, importer: string): string | undefined;
  /** Whether the lockfile describes this importer (a workspace member, or the root). */
  knowsImporter(importer: string): boolean;
  /** Flat lockfiles (Pipfile.lock) list packages without saying who pulls them in. */
  flat?: boolean;
}

export class LockfileError extends Error {}
