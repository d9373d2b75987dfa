import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * `--diff-base REF`: which lines of which files changed since the merge base of REF and HEAD
 * (committed, staged and unstaged changes, and untracked files that are not ignored). The whole
 * project is still analysed (flows cross files); only the findings are filtered.
 */
export class DiffBaseError extends Error {}

/** Changed 1-based line numbers per file, keyed by real absolute path; 'all' for untracked files. */
export type ChangedLines = Map<string, Set<number> | 'all'>;

/** A diff this large is not a pull request; refusing beats holding it all in memory. */
const MAX_GIT_OUTPUT = 256 * 1024 * 1024;

/**
 * Git reads its configuration from the checkout and the user; nothing committed to a repository
 * can make these commands run a program: external diff drivers and textconv are off, and so is
 * the file-system monitor hook (core.fsmonitor may name a command in .git/config).
 */
function git(cwd: string, args: string[]): { ok: boolean; stdout: string; stderr: string } {
  const r = spawnSync('git', ['-c', 'core.fsmonitor=false', '-c', 'core.quotePath=true', '--no-pager', ...args], { cwd, encoding: 'utf8', maxBuffer: MAX_GIT_OUTPUT, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DiffBaseError('--diff-base needs git, which is not on PATH');
    if (code === 'ENOBUFS') throw new DiffBaseError(`--diff-base: git's output is over ${MAX_GIT_OUTPUT / 1024 / 1024} MiB; scan without --diff-base`);
    throw new DiffBaseError(`--diff-base: git failed: ${r.error.message}`);
  }
  return { ok: r.status === 0, stdout: r.stdout, stderr: r.stderr };
}

const SHALLOW_HINT = 'fetch the history it needs (actions/checkout: fetch-depth: 0, or git fetch --deepen=N / git fetch origin REF)';

export function changedLinesSince(cwd: string, ref: string): ChangedLines {
  // A ref is passed after --end-of-options, but one that looks like an option is never a
  // branch anyone meant: say so instead of letting git read it as one.
  if (!ref || ref.startsWith('-')) throw new DiffBaseError(`--diff-base: "${ref}" is not a git revision`);
  const top = git(cwd, ['rev-parse', '--show-toplevel']);
  if (!top.ok) throw new DiffBaseError(`--diff-base: ${cwd} is not inside a git checkout`);
  const root = realPath(top.stdout.trim());
  const shallow = git(cwd, ['rev-parse', '--is-shallow-repository']).stdout.trim() === 'true';
  const base = git(cwd, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
  if (!base.ok) {
    throw new DiffBaseError(
      shallow
        ? `--diff-base: ${ref} is not in this checkout, which is shallow: ${SHALLOW_HINT.replace('REF', ref)}`
        : `--diff-base: no commit "${ref}" in this repository (fetch it first?)`,
    );
  }
  const head = git(cwd, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']);
  if (!head.ok) throw new DiffBaseError('--diff-base: this repository has no commit yet (HEAD)');
  const mb = git(cwd, ['merge-base', base.stdout.trim(), head.stdout.trim()]);
  if (!mb.ok) {
    throw new DiffBaseError(
      shallow
        ? `--diff-base: the common ancestor of ${ref} and HEAD is not in this checkout, which is shallow: ${SHALLOW_HINT.replace('REF', ref)}`
        : `--diff-base: ${ref} and HEAD have no common ancestor`,
    );
  }
  const diff = git(cwd, ['diff', '-U0', '--no-color', '--no-ext-diff', '--no-textconv', '-M', '--src-prefix=a/', '--dst-prefix=b/', mb.stdout.trim(), '--']);
  if (!diff.ok) throw new DiffBaseError(`--diff-base: git diff failed: ${diff.stderr.trim().split('\n')[0]}`);
  const changed = parseZeroContextDiff(diff.stdout, root);
  const untracked = git(cwd, ['ls-files', '-z', '--others', '--exclude-standard', '--full-name']);
  if (untracked.ok) for (const f of untracked.stdout.split('\0')) if (f) changed.set(path.join(root, f), 'all');
  return changed;
}

/** Git's C-style quoting of unusual path names ("a\tb", octal escapes for non-ASCII bytes). */
export function unquoteGitPath(s: string): string {
  if (!s.startsWith('"')) return s;
  const bytes: number[] = [];
  const simple: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, '\\': 92 };
  for (let i = 1; i < s.length - 1; i++) {
    const c = s[i];
    if (c !== '\\') {
      bytes.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const next = s[++i];
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(s.slice(i, i + 3), 8));
      i += 2;
    } else {
      bytes.push(simple[next] ?? next.charCodeAt(0));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Added and modified lines (new-file side) of `git diff -U0` output; deletions mark nothing. */
export function parseZeroContextDiff(text: string, root: string): ChangedLines {
  const out: ChangedLines = new Map();
  let current: Set<number> | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('+++ ')) {
      const name = unquoteGitPath(line.slice(4));
      current = undefined;
      if (name.startsWith('b/')) {
        current = new Set();
        out.set(path.join(root, name.slice(2)), current);
      }
      continue;
    }
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (hunk && current) {
      const start = Number(hunk[1]);
      const count = hunk[2] === undefined ? 1 : Number(hunk[2]);
      for (let n = start; n < start + count; n++) current.add(n);
    }
  }
  return out;
}

function realPath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    // A finding on a file deleted since: its folder may still resolve.
    try {
      return path.join(fs.realpathSync(path.dirname(p)), path.basename(p));
    } catch {
      return p;
    }
  }
}

/** True when `file` (a path, or a URI relative to `base` as SARIF writes them) has changes. */
export function fileChanged(changed: ChangedLines, file: string): boolean {
  return changed.has(realPath(path.resolve(file)));
}

/** True when any line of the 0-based range [startLine, endLine] of `file` changed. */
export function touchesChangedLines(changed: ChangedLines, file: string, startLine: number, endLine: number): boolean {
  const lines = changed.get(realPath(path.resolve(file)));
  if (!lines) return false;
  if (lines === 'all') return true;
  for (let n = startLine + 1; n <= endLine + 1; n++) if (lines.has(n)) return true;
  return false;
}
