import { parseArgs } from 'node:util';
import { checkDependencies, type DependencyReport, type Notice, type WorkspaceConfigMode } from '../deps/check';
import { printable, relativeTo } from '../core/report/text';
import { coverageLine } from '../deps/tree-coverage';

/** `--trust-workspace-config` gives the workspace .npmrc npm's full meaning; otherwise it is data. */
export function workspaceConfigMode(trust: boolean | undefined): WorkspaceConfigMode {
  return trust ? 'trusted' : 'data';
}

/** `--omit dev` (npm's spelling); other kinds are refused rather than silently checked. */
export function omitKinds(values: string[] | undefined, usage: (msg: string) => Error): 'dev'[] | undefined {
  if (!values?.length) return undefined;
  for (const v of values) if (v !== 'dev') throw usage(`--omit takes dev (got "${v}")`);
  return ['dev'];
}

/** `--cache-ttl SECONDS`: how long cached registry answers are used without asking (default 3600). */
export function cacheTtlMs(value: string | undefined, usage: (msg: string) => Error): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw usage(`--cache-ttl takes a number of seconds (got "${value}")`);
  return n * 1000;
}

/** The stderr line that tells the user where the check sent requests (empty when nowhere). */
export function contactedLine(r: DependencyReport): string {
  return r.hostsContacted.length ? `sitewarden: dependency check contacted ${printable(r.hostsContacted.join(', '))}\n` : '';
}

/** The same as a SARIF notification (a note, not a failure). */
export function contactedNotice(r: DependencyReport): Notice[] {
  return r.hostsContacted.length ? [{ host: '', stale: false, note: true, message: `dependency check contacted ${r.hostsContacted.join(', ')}` }] : [];
}

export function depsTable(r: DependencyReport, base: string): string {
  // Every cell comes from the workspace or a registry: escaped like every other terminal line.
  const rows = r.packages.map((p) => [p.name, p.declared || '*', p.installed ?? '', p.latest ?? '', p.accepted ? `${p.status} (accepted)` : p.status, p.advisories.join(' '), `${relativeTo(base, p.file)}:${p.line}`].map(printable));
  const head = ['package', 'declared', 'installed', 'latest', 'status', 'advisories', 'where'];
  const widths = head.map((h, i) => Math.min(48, Math.max(h.length, ...rows.map((r) => r[i].length))));
  const fmt = (cells: string[]) => cells.map((c, i) => c.slice(0, widths[i]).padEnd(widths[i])).join('  ').trimEnd();
  const lines = [fmt(head), fmt(widths.map((w) => '-'.repeat(w))), ...rows.map(fmt)];
  // The table says what is wrong; these say what to do, and that a bump alone leaves the lockfile behind.
  for (const p of r.packages) if (p.fixedIn && !p.accepted) lines.push(printable(`fix: ${p.name} ${p.installed ?? p.declared} -> ${p.fixedIn}${p.refresh ? `, then run ${p.refresh}` : ''}${p.viaFix ? ` (${p.note}): ${p.viaFix}` : ''}`));
  for (const n of r.notices) lines.push(`${n.note ? 'note' : 'INCOMPLETE'}: ${printable(n.message)}`);
  for (const p of r.problems) lines.push(`problem: ${printable(relativeTo(base, p.file))}: ${printable(p.message)}`);
  const vulnerable = r.packages.filter((p) => p.status === 'vulnerable').length;
  if (r.coverage) for (const l of coverageLine(r.coverage, (f) => relativeTo(base, f))) lines.push(printable(l));
  lines.push(`${r.packages.length} dependencies, ${vulnerable} vulnerable, ${r.packages.filter((p) => p.status === 'outdated').length} outdated${r.incomplete ? ', check INCOMPLETE' : ''}`);
  return lines.join('\n') + '\n';
}

/** The report with every file path relative to `base` (findings, packages and problems alike). */
export function relativeReport(r: DependencyReport, base: string): DependencyReport {
  return {
    ...r,
    findings: r.findings.map((f) => ({ ...f, file: relativeTo(base, f.file) })),
    packages: r.packages.map((p) => ({ ...p, file: relativeTo(base, p.file) })),
    problems: r.problems.map((p) => ({ ...p, file: relativeTo(base, p.file) })),
    ...(r.coverage ? { coverage: { ...r.coverage, lockfiles: r.coverage.lockfiles.map((l) => ({ ...l, file: relativeTo(base, l.file) })), unlocked: r.coverage.unlocked.map((f) => relativeTo(base, f)) } } : {}),
  };
}

/** `sitewarden deps [PATH]`: exit 0 clean, 1 vulnerable, 3 when a registry could not be checked. */
export async function depsCommand(argv: string[], usage: (msg: string) => Error): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      format: { type: 'string', default: 'text' },
      'npm-registry': { type: 'string' },
      'pypi-index': { type: 'string' },
      offline: { type: 'boolean', default: false },
      'trust-workspace-config': { type: 'boolean', default: false },
      omit: { type: 'string', multiple: true },
      'cache-ttl': { type: 'string' },
    },
  });
  if (!['text', 'json'].includes(values.format!)) throw usage('--format must be text or json');
  const roots = positionals.length ? positionals : ['.'];
  const r = await checkDependencies(roots, { npmRegistry: values['npm-registry'], pypiIndex: values['pypi-index'], offline: values.offline, env: process.env, workspaceConfig: workspaceConfigMode(values['trust-workspace-config']), omit: omitKinds(values.omit, usage), ttlMs: cacheTtlMs(values['cache-ttl'], usage) });
  process.stderr.write(contactedLine(r));
  const base = process.cwd();
  process.stdout.write(values.format === 'json' ? JSON.stringify(relativeReport(r, base), null, 2) + '\n' : depsTable(r, base));
  // An accepted risk (ignore list, line comment) is reported but does not fail the run.
  if (r.packages.some((p) => p.status === 'vulnerable' && !p.accepted)) return 1;
  return r.incomplete ? 3 : 0;
}
