/**
 * The reason typed for a suppression: required, with an optional expiry written as
 * `until=YYYY-MM-DD` at the end (the same form the core parser reads back). Free of `vscode`.
 */
import { splitExpiry, suppressionReasonText } from '../core/suppressions';

export type ReasonInput = { ok: true; reason: string; until?: string } | { ok: false; problem: string };

export function parseReasonInput(text: string | undefined, today = new Date()): ReasonInput {
  const raw = (text ?? '').trim();
  const { justification, until } = splitExpiry(raw);
  if (/(?:^|\s)until=\S*$/.test(justification)) return { ok: false, problem: 'Write the expiry as until=YYYY-MM-DD (a real date).' };
  const reason = suppressionReasonText(justification);
  if (!reason) return { ok: false, problem: 'A reason is required: why is this finding acceptable here?' };
  if (until && until < today.toISOString().slice(0, 10)) return { ok: false, problem: `until=${until} is in the past.` };
  return until ? { ok: true, reason, until } : { ok: true, reason };
}

/** The text after `sitewarden-ignore[ID]: ` in the comment written. */
export function commentReason(r: { reason: string; until?: string }): string {
  return suppressionReasonText(r.reason, r.until);
}
