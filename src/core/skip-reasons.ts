/**
 * The one table of why a path was not analysed, and what that means for the run.
 *
 * A scan that quietly drops a file it could not read is a CI gate an attacker can walk through:
 * pad the vulnerable file past the size cap, make the parser crash on it, or swap it for a FIFO,
 * and the run looked as clean as a clean project. So every reason belongs to one of three kinds:
 *
 * - `incomplete`: SiteWarden wanted to analyse the file and could not. The run is incomplete
 *   (exit 3 when findings do not already give 1; SARIF `executionSuccessful: false`).
 * - `user`: the person running the scan asked for it (--exclude, their own settings,
 *   --test-paths ignore).
 * - `repository`: the scanned repository's own files or layout decided it (.gitignore, committed
 *   configuration, dependency / build / virtualenv folders, symlinks in the tree). A repository
 *   under review is not trusted to decide what gets reviewed, so `--strict` makes these
 *   incomplete too — except where `strict: false` says the path is never code (VCS metadata).
 */

import type { GuardedReadError, GuardedReadReason } from './safe-fs';

export type SkipKind = 'incomplete' | 'user' | 'repository';

interface ReasonInfo {
  kind: SkipKind;
  /** With --strict, a repository exclusion makes the run incomplete unless this is false. */
  strict?: boolean;
  /** What the reason means, for help text and documentation. */
  means: string;
}

export const SKIP_REASONS = {
  // The file should have been analysed and was not.
  'too-large': { kind: 'incomplete', means: 'over the size cap (1 MiB by default)' },
  binary: { kind: 'incomplete', means: 'a source file whose content is not text (known binary signature, many NUL bytes or mostly invalid UTF-8)' },
  unreadable: { kind: 'incomplete', means: 'could not be opened or read (permissions, I/O error)' },
  'not-regular': { kind: 'incomplete', means: 'a FIFO, socket or device where a file was expected' },
  vanished: { kind: 'incomplete', means: 'listed, then gone when it was read' },
  'refused-symlink': { kind: 'incomplete', means: 'a file that became a symbolic link after it was listed' },
  'outside-root': { kind: 'incomplete', means: 'the file opened lies outside the scanned folder' },
  'parser-crash': { kind: 'incomplete', means: 'the parser crashed on the file' },
  'analysis-error': { kind: 'incomplete', means: 'analysis failed on the file' },
  'rule-error': { kind: 'incomplete', means: 'a rule failed on the file, so it was only partly analysed' },
  // The user asked for it.
  excluded: { kind: 'user', means: '--exclude or the user’s own exclude setting' },
  'test-path': { kind: 'user', means: 'test, fixture or example code with --test-paths ignore' },
  // The repository decided it.
  gitignored: { kind: 'repository', means: 'matched by a .gitignore in the repository' },
  'excluded-by-config': { kind: 'repository', means: 'excluded by configuration committed to the repository' },
  'dependency-dir': { kind: 'repository', means: 'a dependency folder (node_modules, site-packages, …)' },
  virtualenv: { kind: 'repository', means: 'a Python virtual environment' },
  'build-output': { kind: 'repository', means: 'a build or cache folder (dist, build, out, __pycache__, …)' },
  symlink: { kind: 'repository', means: 'a symbolic link in the tree (never followed)' },
  // Large JSON/YAML/XML data is common in ordinary repositories (fixtures, translations, exports)
  // and is read only by the secret rule: counting it as incomplete would fail every such CI run.
  'data-too-large': { kind: 'repository', means: 'a configuration or data file (read only for secrets) over the size cap' },
  vcs: { kind: 'repository', strict: false, means: 'version-control metadata (.git, .hg, .svn): never code' },
} as const satisfies Record<string, ReasonInfo>;

export type SkipReason = keyof typeof SKIP_REASONS;

export interface SkippedEntry {
  path: string;
  reason: SkipReason;
  detail?: string;
}

export function skipKind(reason: SkipReason): SkipKind {
  return SKIP_REASONS[reason].kind;
}

/** Whether this skip makes the run incomplete; `strict` counts repository exclusions too. */
export function makesIncomplete(reason: SkipReason, strict = false): boolean {
  const info: ReasonInfo = SKIP_REASONS[reason];
  return info.kind === 'incomplete' || (strict && info.kind === 'repository' && info.strict !== false);
}

export interface Coverage {
  incomplete: SkippedEntry[];
  excludedByUser: SkippedEntry[];
  excludedByRepository: SkippedEntry[];
}

/** Sorts skips by what they mean for the run (under --strict, repository exclusions count as incomplete). */
export function assessCoverage(skipped: readonly SkippedEntry[], strict = false): Coverage {
  const c: Coverage = { incomplete: [], excludedByUser: [], excludedByRepository: [] };
  for (const s of skipped) {
    if (makesIncomplete(s.reason, strict)) c.incomplete.push(s);
    else if (skipKind(s.reason) === 'user') c.excludedByUser.push(s);
    else c.excludedByRepository.push(s);
  }
  return c;
}

/** "3 too-large, 1 binary": counts per reason, in table order. */
export function countByReason(entries: readonly SkippedEntry[]): string {
  const counts = new Map<SkipReason, number>();
  for (const e of entries) counts.set(e.reason, (counts.get(e.reason) ?? 0) + 1);
  return (Object.keys(SKIP_REASONS) as SkipReason[])
    .filter((r) => counts.has(r))
    .map((r) => `${counts.get(r)} ${r}`)
    .join(', ');
}

/** One line for a skip: "skipped (too-large: 3 MB > 1 MiB)". */
export function describeSkip(s: SkippedEntry): string {
  return `skipped (${s.reason}${s.detail ? `: ${s.detail}` : ''})`;
}

const REFUSAL: Record<GuardedReadReason, SkipReason> = {
  missing: 'vanished',
  symlink: 'refused-symlink',
  'not-regular': 'not-regular',
  'too-large': 'too-large',
  'outside-root': 'outside-root',
  unreadable: 'unreadable',
};

/** The skip for a read that src/core/safe-fs.ts refused. */
export function skipForRefusal(e: GuardedReadError): SkippedEntry {
  const detail =
    e.reason === 'missing' ? 'gone when read'
    : e.reason === 'symlink' ? 'became a symbolic link after it was listed (not followed)'
    : e.reason === 'outside-root' ? 'the file opened lies outside the scanned folder'
    : withoutFile(e.message, e.file);
  return { path: e.file, reason: REFUSAL[e.reason], detail };
}

/**
 * The refusal's message without the (absolute) file name, which the entry already names relative to
 * where the report is read: "cannot open F: EACCES" → "cannot open: EACCES", "too large (N > M): F"
 * → "N > M". String operations only: the message holds a name the repository chose.
 */
function withoutFile(message: string, file: string): string {
  let out = message
    .split(file)
    .map((p) => p.trim())
    .filter(Boolean)
    .join(' ')
    .split(' :')
    .join(':');
  if (out.endsWith(':')) out = out.slice(0, -1);
  if (out.startsWith('too large (') && out.endsWith(')')) out = out.slice('too large ('.length, -1);
  return out;
}
