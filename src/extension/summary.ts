/** The one-line summaries that end an audit and a dependency check (the message has a button to the view). */

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

export function auditSummary(r: { findings: number; files: number; durationMs: number; cancelled: boolean }): string {
  return `SiteWarden: ${r.cancelled ? 'audit cancelled: ' : ''}${plural(r.findings, 'finding')} in ${plural(r.files, 'file')} (${seconds(r.durationMs)}).`;
}

export function dependencySummary(r: { findings: number; packages: number; durationMs: number; incomplete: boolean }): string {
  return `SiteWarden: ${plural(r.findings, 'dependency finding')} in ${plural(r.packages, 'package')} (${seconds(r.durationMs)})${r.incomplete ? ', incomplete: see the Dependencies view' : ''}.`;
}
