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
  /** Where a row's location links to; `vscode://file/…:line:column` (opens the file in VS Code) by default. */
  linkOf?: (f: Finding) => string;
}

/** A `vscode://file` URI for a finding's place: every path segment percent-encoded. */
export function vscodeFileLink(f: Finding): string {
  const abs = path.resolve(f.file).split(path.sep).join('/');
  const encoded = abs.split('/').map((seg) => encodeURIComponent(seg).replace(/['()*!]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)).join('/');
  return `vscode://file${encoded.startsWith('/') ? '' : '/'}${encoded}:${f.range.start.line + 1}:${f.range.start.column + 1}`;
}

/**
 * Colours from the VS Code theme inside a webview (its --vscode-* variables), from the system's
 * light or dark preference in a browser.
 */
const STYLE = [
  ':root{color-scheme:light dark;--fg:var(--vscode-editor-foreground,CanvasText);--bg:var(--vscode-editor-background,Canvas);--rule:var(--vscode-panel-border,#8886);--link:var(--vscode-textLink-foreground,LinkText);--high:var(--vscode-errorForeground,#c62828);--medium:var(--vscode-editorWarning-foreground,#b26a00);--code:var(--vscode-textCodeBlock-background,#8881)}',
  '@media (prefers-color-scheme:dark){:root{--high:var(--vscode-errorForeground,#ef9a9a);--medium:var(--vscode-editorWarning-foreground,#ffcc80)}}',
  'body{font-family:var(--vscode-font-family,system-ui,sans-serif);color:var(--fg);background:var(--bg);margin:1.5rem}',
  'a{color:var(--link)}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid var(--rule);padding:.4rem;text-align:left;vertical-align:top}',
  'tr.critical td:first-child,tr.high td:first-child{color:var(--high);font-weight:600}tr.medium td:first-child{color:var(--medium)}code{font-size:.85em;background:var(--code)}',
].join('');

/**
 * A self-contained report page: a strict Content-Security-Policy (no scripts at all, styles only
 * with the nonce, no remote resources) and every workspace-derived string escaped.
 */
export function findingsHtml(findings: readonly Finding[], o: HtmlOptions): string {
  const shown = findings.filter((f) => !f.suppression);
  const csp = `default-src 'none'; style-src 'nonce-${o.nonce}'${o.cspSource ? ` ${o.cspSource}` : ''}; img-src ${o.cspSource ?? "'none'"}; script-src 'none'`;
  const linkOf = o.linkOf ?? vscodeFileLink;
  const rows = shown
    .map((f) => `<tr class="${escapeHtml(f.severity)}"><td>${escapeHtml(f.severity)}</td><td>${escapeHtml(f.ruleId)}</td><td><a href="${escapeHtml(linkOf(f))}">${escapeHtml(path.relative(o.base, f.file))}:${f.range.start.line + 1}</a></td><td>${escapeHtml(f.message)}<br><code>${escapeHtml(f.snippet)}</code></td></tr>`)
    .join('\n');
  const summary = SEVERITY_ORDER.slice().reverse().map((s) => `${shown.filter((f) => f.severity === s).length} ${s}`).join(', ');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<title>${escapeHtml(o.title ?? 'SiteWarden report')}</title>
<meta name="color-scheme" content="light dark">
<style nonce="${o.nonce}">${STYLE}</style>
</head><body>
<h1>${escapeHtml(o.title ?? 'SiteWarden report')}</h1>
<p>${shown.length} finding(s): ${summary}.</p>
<table><thead><tr><th>Severity</th><th>Rule</th><th>Where</th><th>Message</th></tr></thead><tbody>
${rows}
</tbody></table>
</body></html>
`;
}
