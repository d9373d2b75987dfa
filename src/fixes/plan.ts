import * as path from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { checkWriteTarget, GuardedReadError, MAX_SOURCE_BYTES, readGuarded, UnsafeWriteError, writeAllInsideRoot, type WriteAllHooks } from '../core/safe-fs';

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
  /** The project folder: every change lies inside it, and nothing is written through a link. */
  root: string;
  changes: FileChange[];
  /** What the user should know or do next (install a package, set an environment variable). */
  notes: string[];
}

export class PlanConflictError extends Error {}

/** A generator cannot run on this project (no app found, or a file it needs is refused); nothing was written. */
export class GeneratorError extends Error {}

/** The largest file a generator reads or edits (the scanner's limit for a source file). */
const MAX_EDITED_BYTES = MAX_SOURCE_BYTES;

/**
 * Reads a file the plan may edit, as it is: no link followed, no FIFO or device, at most
 * MAX_EDITED_BYTES, inside the root. Undefined when it does not exist; any other refusal is a
 * GeneratorError, so a generator never mistakes a planted FIFO or link for a missing file.
 */
function readEditable(root: string, file: string): Buffer | undefined {
  try {
    return readGuarded(file, { maxBytes: MAX_EDITED_BYTES, root });
  } catch (e) {
    if (e instanceof GuardedReadError && e.reason === 'missing') return undefined;
    const rel = path.relative(root, file).split(path.sep).join('/');
    const why = e instanceof GuardedReadError && e.reason === 'symlink' ? 'is a symbolic link; SiteWarden does not edit files through links' : `cannot be used: ${(e as Error).message}`;
    throw new GeneratorError(`${rel} ${why}. Nothing was written.`);
  }
}

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
 * Writes a plan, all or nothing. A file changed on disk since the plan was made, or a file the plan
 * would create that already exists, stops everything before anything is written (unless
 * `overwrite`): a generator never overwrites a user's file without asking. Every file is written
 * inside the plan's root without following links (src/core/safe-fs.ts); when any write fails,
 * the files already written are restored and a PlanConflictError says so.
 */
export function applyPlan(plan: GeneratorPlan, opts: { overwrite?: boolean; hooks?: WriteAllHooks } = {}): string[] {
  const writes = [];
  for (const c of plan.changes) {
    let current: Buffer | undefined;
    try {
      current = readEditable(plan.root, c.path);
    } catch (e) {
      throw new PlanConflictError((e as Error).message);
    }
    const text = current?.toString('utf8');
    if (c.before === undefined && current !== undefined && text !== c.after && !opts.overwrite) {
      throw new PlanConflictError(`${c.path} already exists; not overwriting it`);
    }
    if (c.before !== undefined && text !== c.before) {
      throw new PlanConflictError(`${c.path} changed since the preview was made; run the generator again`);
    }
    if (current !== undefined && text === c.after) continue; // already as planned
    writes.push({ file: c.path, content: c.after, create: current === undefined, expect: current });
  }
  try {
    writeAllInsideRoot(plan.root, writes, opts.hooks);
  } catch (e) {
    if (e instanceof UnsafeWriteError) throw new PlanConflictError(e.message);
    throw e;
  }
  return writes.map((w) => w.file);
}

/**
 * Checks again, just before an editor applies a plan through its own file service (which follows
 * links), that no target became a link or left the root since the preview. GeneratorError if so.
 */
export function checkPlanTargets(plan: GeneratorPlan): void {
  for (const c of plan.changes) {
    try {
      checkWriteTarget(plan.root, c.path);
    } catch (e) {
      if (e instanceof UnsafeWriteError) throw new GeneratorError(`${e.message}. Nothing was written.`);
      throw e;
    }
  }
}

/** Collects edits of several steps to the same file into one change. */
export class PlanBuilder {
  private readonly files = new Map<string, FileChange>();
  readonly notes: string[] = [];

  constructor(
    readonly title: string,
    readonly root: string,
  ) {}

  /**
   * Current text of a file as the plan would leave it (undefined if it does not exist). A file
   * that exists but is refused (a link, a FIFO, too large) is a GeneratorError.
   */
  read(file: string): string | undefined {
    const c = this.files.get(file);
    if (c) return c.after;
    return readEditable(this.root, file)?.toString('utf8');
  }

  /** Plans a write; refused at once (GeneratorError) when it would go through a link or outside the root. */
  write(file: string, after: string): void {
    const existing = this.files.get(file);
    if (existing) {
      existing.after = after;
      return;
    }
    const before = readEditable(this.root, file)?.toString('utf8');
    if (before === after) return;
    try {
      checkWriteTarget(this.root, file);
    } catch (e) {
      if (e instanceof UnsafeWriteError) throw new GeneratorError(`${e.message}. Nothing was written.`);
      throw e;
    }
    this.files.set(file, { path: file, before, after });
  }

  /** Creates a file unless it exists (a user's file is left alone, with a note). */
  create(file: string, content: string, root: string): void {
    const existing = this.read(file);
    if (existing === undefined) return this.write(file, content);
    if (existing !== content) this.notes.push(`${path.relative(root, file)} already exists and was left as it is.`);
  }

  build(): GeneratorPlan {
    return { title: this.title, root: this.root, changes: [...this.files.values()].filter((c) => c.before !== c.after), notes: this.notes };
  }
}
