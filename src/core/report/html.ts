import * as path from 'node:path';
import { SEVERITY_ORDER, type Finding } from '../types';

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface HtmlOptions {
  base: string;
  /** Nonce for the inline style (webviews); a standalone file gets its own. */
  nonce: string;
  /** Extra CSP sources for a webview (its cspSource). */
  cspSource?: string;
  title?: string;
}

/**
 * A self-contained report page: a strict Content-Security-Policy (no scripts at all, styles only
 * with the nonce, no remote resources) and every workspace-derived string escaped.
 */
export function findingsHtml(findings: readonly Finding[], o: HtmlOptions): string {
  const shown = findings.filter((f) => !f.suppression);
  const csp = `default-src 'none'; style-src 'nonce-${o.nonce}'${o.cspSource ? ` ${o.cspSource}` : ''}; img-src ${o.cspSource ?? "'none'"}; script-src 'none'`;
  const rows = shown
    .map((f) => `<tr class="${f.severity}"><td>${escapeHtml(f.severity)}</td><td>${escapeHtml(f.ruleId)}</td><td>${escapeHtml(path.relative(o.base, f.file))}:${f.range.start.line + 1}</td><td>${escapeHtml(f.message)}<br><code>${escapeHtml(f.snippet)}</code></td></tr>`)
    .join('\n');
  const summary = SEVERITY_ORDER.slice().reverse().map((s) => `${shown.filter((f) => f.severity === s).length} ${s}`).join(', ');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<title>${escapeHtml(o.title ?? 'SiteWarden report')}</title>
<style nonce="${o.nonce}">body{font-family:system-ui,sans-serif;margin:1.5rem}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ccc;padding:.4rem;text-align:left;vertical-align:top}tr.critical td:first-child,tr.high td:first-child{color:#c62828;font-weight:600}tr.medium td:first-child{color:#b26a00}code{font-size:.85em}</style>
</head><body>
<h1>${escapeHtml(o.title ?? 'SiteWarden report')}</h1>
<p>${shown.length} finding(s): ${summary}.</p>
<table><thead><tr><th>Severity</th><th>Rule</th><th>Where</th><th>Message</th></tr></thead><tbody>
${rows}
</tbody></table>
</body></html>
`;
}
