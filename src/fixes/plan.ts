import * as fs from 'node:fs';
import * as path from 'node:path';
import { createTwoFilesPatch } from 'diff';

/**
 * What a generator wants to do, computed without touching the disk: the editor shows it as a
 * preview diff, the CLI prints it, and only `applyPlan` writes.
 */
export interface FileChange {
  /** Absolute path. */
  path: string;
  /** The file's content when the plan was made; undefined for a file the plan creates. */
  before?: string;
  after: string;
}

export interface GeneratorPlan {
  title: string;
  changes: FileChange[];
  /** What the user should know or do next (install a package, set an environment variable). */
  notes: string[];
}

export class PlanConflictError extends Error {}

/** A unified diff of every change, paths relative to `base`. */
export function planDiff(plan: GeneratorPlan, base: string): string {
  return plan.changes
    .map((c) => {
      const rel = path.relative(base, c.path).split(path.sep).join('/');
      return createTwoFilesPatch(c.before === undefined ? '/dev/null' : `a/${rel}`, `b/${rel}`, c.before ?? '', c.after, '', '', { context: 3 });
    })
    .join('');
}

/**
 * Writes a plan. A file changed on disk since the plan was made, or a file the plan would create
 * that already exists, stops everything before anything is written (unless `overwrite`): a
 * generator never overwrites a user's file without asking.
 */
export function applyPlan(plan: GeneratorPlan, opts: { overwrite?: boolean } = {}): string[] {
  for (const c of plan.changes) {
    const exists = fs.existsSync(c.path);
    const current = exists ? fs.readFileSync(c.path, 'utf8') : undefined;
    if (c.before === undefined && exists && current !== c.after && !opts.overwrite) {
      throw new PlanConflictError(`${c.path} already exists; not overwriting it`);
    }
    if (c.before !== undefined && current !== c.before) {
      throw new PlanConflictError(`${c.path} changed since the preview was made; run the generator again`);
    }
  }
  const written: string[] = [];
  for (const c of plan.changes) {
    fs.mkdirSync(path.dirname(c.path), { recursive: true });
    fs.writeFileSync(c.path, c.after);
    written.push(c.path);
  }
  return written;
}

/** Collects edits of several steps to the same file into one change. */
export class PlanBuilder {
  private readonly files = new Map<string, FileChange>();
  readonly notes: string[] = [];

  constructor(readonly title: string) {}

  /** Current text of a file as the plan would leave it (undefined if it does not exist). */
  read(file: string): string | undefined {
    const c = this.files.get(file);
    if (c) return c.after;
    try {
      return fs.readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  }

  write(file: string, after: string): void {
    const existing = this.files.get(file);
    if (existing) {
      existing.after = after;
      return;
    }
    let before: string | undefined;
    try {
      before = fs.readFileSync(file, 'utf8');
    } catch {
      before = undefined;
    }
    if (before === after) return;
    this.files.set(file, { path: file, before, after });
  }

  /** Creates a file unless it exists (a user's file is left alone, with a note). */
  create(file: string, content: string, root: string): void {
    const existing = this.read(file);
    if (existing === undefined) return this.write(file, content);
    if (existing !== content) this.notes.push(`${path.relative(root, file)} already exists and was left as it is.`);
  }

  build(): GeneratorPlan {
    return { title: this.title, changes: [...this.files.values()].filter((c) => c.before !== c.after), notes: this.notes };
  }
}
