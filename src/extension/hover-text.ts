/**
 * What the hover over a finding says: title, severity, confidence, CWE/OWASP, the data-flow path
 * (the finding's related locations), the fix and a link to the bundled rule page. Free of
 * `vscode`. Text from the workspace (messages, the path's steps) goes through markdownCell, so a
 * file cannot write links or markup into the hover; the only link is the command SiteWarden adds.
 */
import { flowHasHops, relatedWithFlow } from '../core/finding';
import { markdownCell } from '../core/report/markdown';
import type { Finding } from '../core/types';

export interface HoverExtras {
  /** The rule's "use instead" example (the rule's own text, not the workspace's). */
  useInstead?: string;
  /** Fence language of the example. */
  fence?: string;
}

/** The command link that opens a rule's page; only well-formed rule ids get one. */
export function showDocsCommandLink(ruleId: string): string | undefined {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(ruleId)) return undefined;
  return `command:sitewarden.showRuleDocs?${encodeURIComponent(JSON.stringify([ruleId]))}`;
}

export function hoverMarkdown(f: Finding, x: HoverExtras = {}): string {
  const out = [`**${markdownCell(f.title)}** · \`${markdownCell(f.ruleId)}\``, ''];
  out.push(`Severity **${markdownCell(f.severity)}** · confidence ${markdownCell(f.confidence)}${f.inTestCode ? ' · test code' : ''}`, '');
  const tags = [...f.cwe, ...f.owasp].map(markdownCell);
  if (tags.length) out.push(tags.join(' · '), '');
  out.push(markdownCell(f.message), '');
  // The path from source through each hop to the sink (Finding.flow), then other related places.
  const related = relatedWithFlow(f);
  if (related.length) {
    out.push('**Data flow**', '');
    for (const r of related) out.push(`1. ${r.file !== undefined ? `${markdownCell(r.file.split(/[\\/]/).pop() ?? '')}:` : 'line '}${r.range.start.line + 1}: ${markdownCell(r.message)}`);
    // A flow with hops ends at the sink already.
    if (!flowHasHops(f.flow)) out.push(`1. line ${f.range.start.line + 1}: ${markdownCell(f.title)}`);
    out.push('');
  }
  if (f.fix) out.push(`**Quick fix:** ${markdownCell(f.fix.title)}${f.fix.safe ? ' (safe)' : ''}`, '');
  if (x.useInstead) out.push('**Use instead**', '', '```' + (x.fence ?? ''), x.useInstead.replace(/```/g, '` ` `').trimEnd(), '```', '');
  if (f.suppression) out.push(`Suppressed: ${markdownCell(f.suppression.justification || 'no reason given')}${f.suppression.until ? ` (until ${markdownCell(f.suppression.until)})` : ''}`, '');
  const link = showDocsCommandLink(f.ruleId);
  if (link) out.push(`[Show documentation](${link})`);
  return out.join('\n');
}
