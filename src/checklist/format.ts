import { markdownCell } from '../core/report/markdown';
import { printable, relativeTo } from '../core/report/text';
import type { ChecklistResult, ItemResult, ItemStatus } from './evaluate';

const MARK: Record<ItemStatus, string> = { pass: '[x]', fail: '[!]', unknown: '[?]', manual: '[ ]', 'not-applicable': '[-]' };
const WORD: Record<ItemStatus, string> = { pass: 'pass', fail: 'FAIL', unknown: 'unknown', manual: 'to confirm', 'not-applicable': 'n/a' };

function where(base: string, i: ItemResult): string[] {
  const out: string[] = [];
  for (const e of i.evidence.slice(0, 3)) out.push(`${e.file ? relativeTo(base, e.file) : ''}${e.range ? `:${e.range.start.line + 1}` : ''} ${e.message}`.trim());
  for (const f of i.failing.slice(0, 5)) out.push(`${relativeTo(base, f.file)}:${f.range.start.line + 1} ${f.ruleId}: ${f.message}`);
  if (i.failing.length > 5) out.push(`… and ${i.failing.length - 5} more`);
  return out;
}

/**
 * The checklist for a terminal. Reasons quote `.sitewarden/checklist.json` (who, notes) and
 * evidence names files, all from the repository: every line goes through printable(), so an ESC
 * in a note cannot clear the screen, set the window title or draw a disguised OSC 8 link, and a
 * newline cannot forge a line.
 */
export function checklistText(r: ChecklistResult, base: string): string {
  const lines: string[] = [];
  for (const a of r.areas) {
    lines.push(`${a.area.title} (${a.passed}/${a.total})`);
    for (const i of a.items) {
      lines.push(`  ${MARK[i.status]} ${i.item.title} — ${WORD[i.status]}`);
      lines.push(`      ${i.reason}`);
      for (const w of where(base, i)) lines.push(`      ${w}`);
      if ((i.status === 'fail' || i.status === 'unknown') && i.item.action) lines.push(`      → ${i.item.action.title}`);
    }
    lines.push('');
  }
  lines.push(`Checklist: ${r.passed}/${r.total} items pass`);
  return lines.map(printable).join('\n') + '\n';
}

export function checklistMarkdown(r: ChecklistResult, base: string): string {
  const esc = markdownCell;
  const lines: string[] = ['# Security checklist', '', `${r.passed} of ${r.total} items pass.`, ''];
  for (const a of r.areas) {
    lines.push(`## ${a.area.title} (${a.passed}/${a.total})`, '', a.area.summary, '', '| Status | Item | Why this status |', '|---|---|---|');
    for (const i of a.items) lines.push(`| ${WORD[i.status]} | ${esc(i.item.title)} | ${esc(i.reason)}${where(base, i).map((w) => `<br>${esc(w)}`).join('')} |`);
    lines.push('');
  }
  return lines.join('\n');
}

export function checklistJson(r: ChecklistResult, base: string): object {
  return {
    passed: r.passed,
    total: r.total,
    areas: r.areas.map((a) => ({
      id: a.area.id,
      title: a.area.title,
      passed: a.passed,
      total: a.total,
      items: a.items.map((i) => ({
        id: i.item.id,
        title: i.item.title,
        kind: i.item.kind,
        status: i.status,
        reason: i.reason,
        evidence: i.evidence.map((e) => ({ message: e.message, ...(e.file ? { file: relativeTo(base, e.file) } : {}), ...(e.range ? { line: e.range.start.line + 1 } : {}) })),
        failing: i.failing.map((f) => ({ ruleId: f.ruleId, file: relativeTo(base, f.file), line: f.range.start.line + 1, message: f.message })),
        ...(i.manual ? { manual: i.manual } : {}),
        ...(i.item.action ? { action: i.item.action } : {}),
      })),
    })),
  };
}
