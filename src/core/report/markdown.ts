import { SEVERITY_ORDER, type Finding } from '../types';
import { printable, relativeTo } from './text';

/**
 * Workspace text made safe for one Markdown table cell, for every Markdown writer (reports,
 * checklist). Line breaks (CR, LF and the Unicode line/paragraph separators) become spaces: a
 * newline in a file name or a checklist note ended the row and let the text write headings and
 * links. Markup characters are escaped, and control characters shown as printable() does.
 */
export function markdownCell(s: string): string {
  return printable(s.replace(/[\r\n\u2028\u2029\x0b\x0c\x85]+/g, ' ')).replace(/[|\\`*_[\]<>#!&~]/g, (c) => `\\${c}`);
}

const esc = markdownCell;

export function findingsMarkdown(findings: readonly Finding[], base: string, title = 'SiteWarden report'): string {
  const shown = findings.filter((f) => !f.suppression);
  const lines = [`# ${title}`, '', `${shown.length} finding(s): ${SEVERITY_ORDER.slice().reverse().map((s) => `${shown.filter((f) => f.severity === s).length} ${s}`).join(', ')}.`, ''];
  if (shown.length) lines.push('| Severity | Rule | Where | Message |', '|---|---|---|---|');
  for (const f of shown) lines.push(`| ${f.severity} | ${esc(f.ruleId)} | ${esc(relativeTo(base, f.file))}:${f.range.start.line + 1} | ${esc(f.message)} |`);
  return lines.join('\n') + '\n';
}
