import * as path from 'node:path';
import { SEVERITY_ORDER, type Finding } from '../types';

// Line breaks too: a newline in a file name ended the table row and let the name write Markdown.
const esc = (s: string) => s.replace(/[\r\n]+/g, ' ').replace(/[|\\`*_[\]<>]/g, (c) => `\\${c}`);

export function findingsMarkdown(findings: readonly Finding[], base: string, title = 'SiteWarden report'): string {
  const shown = findings.filter((f) => !f.suppression);
  const lines = [`# ${title}`, '', `${shown.length} finding(s): ${SEVERITY_ORDER.slice().reverse().map((s) => `${shown.filter((f) => f.severity === s).length} ${s}`).join(', ')}.`, ''];
  if (shown.length) lines.push('| Severity | Rule | Where | Message |', '|---|---|---|---|');
  for (const f of shown) lines.push(`| ${f.severity} | [${f.ruleId}](${f.docsUrl}) | ${esc(path.relative(base, f.file))}:${f.range.start.line + 1} | ${esc(f.message)} |`);
  return lines.join('\n') + '\n';
}
