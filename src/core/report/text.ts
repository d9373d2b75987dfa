import * as path from 'node:path';
import { scanCoverage, type ScanResult } from '../scanner';
import { countByReason, describeSkip, type Coverage } from '../skip-reasons';
import { flowHasHops } from '../finding';
import { SEVERITY_ORDER, type Finding } from '../types';

/**
 * Workspace-derived text (file names, source lines, messages quoting them) made safe to print on a
 * terminal: control characters other than tab, and bidi overrides, are shown as \xNN / \uNNNN.
 * A file named `a\x1b[2J.py`, or a source line with a raw ESC, could otherwise clear the screen,
 * recolour or hide findings, and a newline in a file name forged extra report lines.
 */
export function printable(s: string): string {
  return s.replace(/[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g, (c) => {
    const n = c.charCodeAt(0);
    return n < 0x100 ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
  });
}

export function relativeTo(base: string, file: string): string {
  const r = path.relative(base, path.resolve(file));
  return r === '' ? path.basename(file) : r;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function summaryLine(r: ScanResult, shown: readonly Finding[], coverage: Coverage = scanCoverage(r)): string {
  const counts = SEVERITY_ORDER.slice().reverse().map((s) => `${shown.filter((f) => f.severity === s).length} ${s}`);
  const suppressed = r.findings.filter((f) => f.suppression).length;
  const excluded = [
    coverage.excludedByUser.length ? `${coverage.excludedByUser.length} by you` : '',
    coverage.excludedByRepository.length ? `${coverage.excludedByRepository.length} by the repository` : '',
  ].filter(Boolean);
  return (
    `${plural(shown.length, 'finding')} (${counts.join(', ')})` +
    `${suppressed ? `, ${suppressed} suppressed` : ''} in ${plural(r.filesScanned, 'file')}` +
    ` (${r.linesScanned} lines) in ${(r.durationMs / 1000).toFixed(2)} s` +
    `${excluded.length ? `; ${plural(coverage.excludedByUser.length + coverage.excludedByRepository.length, 'path')} excluded (${excluded.join(', ')})` : ''}` +
    `${coverage.incomplete.length ? `; INCOMPLETE: ${plural(coverage.incomplete.length, 'path')} not analysed` : ''}`
  );
}

/** Human-readable report: one block per finding, what was left out and why, then the summary line. */
export function formatText(r: ScanResult, shown: readonly Finding[], base: string, color: boolean, coverage: Coverage = scanCoverage(r)): string {
  const c = (code: string, s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const sevColor: Record<string, string> = { critical: '1;31', high: '31', medium: '33', low: '36' };
  const out: string[] = [];
  for (const f of shown) {
    out.push(
      `${c('1', `${printable(relativeTo(base, f.file))}:${f.range.start.line + 1}:${f.range.start.column + 1}`)}  ${c(sevColor[f.severity], f.severity.toUpperCase())}  ${f.ruleId}${f.inTestCode ? ' (test code)' : ''}`,
      `    ${printable(f.message)}`,
      ...viaLines(f, base).map((v) => `    ${v}`),
      `    ${c('2', printable(f.snippet))}`,
      `    ${c('2', `${f.cwe.join(', ')} · confidence ${f.confidence} · ${f.docsUrl}`)}`,
      '',
    );
  }
  if (coverage.excludedByRepository.length) out.push(`Excluded by the repository: ${countByReason(coverage.excludedByRepository)}`);
  if (coverage.excludedByUser.length) out.push(`Excluded by you: ${countByReason(coverage.excludedByUser)}`);
  for (const n of r.notices) out.push(`Note: ${printable(relativeTo(base, n.path))}: ${printable(n.message)}`);
  if (coverage.incomplete.length) {
    out.push(c('1;31', `Not analysed, so the scan is incomplete: ${countByReason(coverage.incomplete)}`));
    for (const s of coverage.incomplete) out.push(`  ${printable(relativeTo(base, s.path))}: ${printable(describeSkip(s))}`);
  }
  out.push(summaryLine(r, shown, coverage));
  return out.join('\n') + '\n';
}

/**
 * The path request data took, as one line: `via request.args (app.py:3) → u (app.py:3)`, the
 * source and each step (the sink is the finding itself), for a finding whose path has hops.
 * Empty or one line; every name and path escaped.
 */
export function viaLines(f: Finding, base: string): string[] {
  if (!flowHasHops(f.flow)) return [];
  const hops = f.flow.filter((l) => l.kind !== 'sink').map((l) => `${printable(l.label)} (${printable(relativeTo(base, l.file ?? f.file))}:${l.range.start.line + 1})`);
  return [`via ${hops.join(' → ')}`];
}

/** `fingerprintOf`: the SARIF partialFingerprints value, so a JSON report can serve as a --baseline. */
export function toJsonFindings(shown: readonly Finding[], base: string, fingerprintOf?: (f: Finding) => string): object[] {
  return shown.map((f) => ({
    ...f,
    file: relativeTo(base, f.file),
    // A hop in another file names it the way the finding's own file is named.
    ...(f.flow ? { flow: f.flow.map((l) => (l.file === undefined ? l : { ...l, file: relativeTo(base, l.file) })) } : {}),
    ...(fingerprintOf ? { fingerprint: fingerprintOf(f) } : {}),
  }));
}
