import * as path from 'node:path';
import type { ScanResult } from '../scanner';
import { SEVERITY_ORDER, type Finding } from '../types';

export function relativeTo(base: string, file: string): string {
  const r = path.relative(base, path.resolve(file));
  return r === '' ? path.basename(file) : r;
}

export function summaryLine(r: ScanResult, shown: readonly Finding[]): string {
  const counts = SEVERITY_ORDER.slice().reverse().map((s) => `${shown.filter((f) => f.severity === s).length} ${s}`);
  const suppressed = r.findings.filter((f) => f.suppression).length;
  return (
    `${shown.length} finding${shown.length === 1 ? '' : 's'} (${counts.join(', ')})` +
    `${suppressed ? `, ${suppressed} suppressed` : ''} in ${r.filesScanned} file${r.filesScanned === 1 ? '' : 's'}` +
    ` (${r.linesScanned} lines) in ${(r.durationMs / 1000).toFixed(2)} s` +
    `${r.skipped.length ? `; ${r.skipped.length} skipped` : ''}${r.errors.length ? `; ${r.errors.length} could not be read` : ''}`
  );
}

/** Human-readable report: one block per finding, then the summary line. */
export function formatText(r: ScanResult, shown: readonly Finding[], base: string, color: boolean): string {
  const c = (code: string, s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const sevColor: Record<string, string> = { critical: '1;31', high: '31', medium: '33', low: '36' };
  const out: string[] = [];
  for (const f of shown) {
    out.push(
      `${c('1', `${relativeTo(base, f.file)}:${f.range.start.line + 1}:${f.range.start.column + 1}`)}  ${c(sevColor[f.severity], f.severity.toUpperCase())}  ${f.ruleId}${f.inTestCode ? ' (test code)' : ''}`,
      `    ${f.message}`,
      `    ${c('2', f.snippet)}`,
      `    ${c('2', `${f.cwe.join(', ')} · confidence ${f.confidence} · ${f.docsUrl}`)}`,
      '',
    );
  }
  const skippedByReason = new Map<string, number>();
  for (const s of r.skipped) skippedByReason.set(s.reason, (skippedByReason.get(s.reason) ?? 0) + 1);
  if (skippedByReason.size) out.push(`Skipped: ${[...skippedByReason].map(([k, v]) => `${v} ${k}`).join(', ')}`);
  for (const e of r.errors) out.push(`Could not read ${relativeTo(base, e.path)}: ${e.message}`);
  out.push(summaryLine(r, shown));
  return out.join('\n') + '\n';
}

export function toJsonFindings(shown: readonly Finding[], base: string): object[] {
  return shown.map((f) => ({ ...f, file: relativeTo(base, f.file) }));
}
