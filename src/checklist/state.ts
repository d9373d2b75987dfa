import * as path from 'node:path';
import { readGuardedTextIfExists, writeInsideRoot } from '../core/safe-fs';

/**
 * What people decided, shared through a committed file: `.sitewarden/checklist.json`. One key per
 * item, keys sorted and one field per line, so two people ticking different items merge cleanly.
 * Evaluated results are never stored here: they are recomputed from the code every time.
 */
export interface ManualEntry {
  status: 'done' | 'not-applicable';
  by: string;
  /** ISO date (YYYY-MM-DD). */
  date: string;
  note?: string;
}

export interface ChecklistState {
  version: 1;
  items: Record<string, ManualEntry>;
}

export const STATE_FILE = path.join('.sitewarden', 'checklist.json');

export class ChecklistStateError extends Error {}

/** Far above any real state file (one short entry per checklist item). */
export const MAX_STATE_BYTES = 1024 * 1024;

export function emptyState(): ChecklistState {
  return { version: 1, items: {} };
}

function validEntry(id: string, e: unknown): ManualEntry {
  const o = e as Partial<ManualEntry>;
  if (!o || typeof o !== 'object') throw new ChecklistStateError(`item "${id}" is not an object`);
  if (o.status !== 'done' && o.status !== 'not-applicable') throw new ChecklistStateError(`item "${id}": status must be "done" or "not-applicable"`);
  if (typeof o.by !== 'string' || !o.by.trim()) throw new ChecklistStateError(`item "${id}": "by" (who) is required`);
  if (typeof o.date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(o.date)) throw new ChecklistStateError(`item "${id}": "date" must be YYYY-MM-DD`);
  if (o.status === 'not-applicable' && !o.note?.trim()) throw new ChecklistStateError(`item "${id}": marking not applicable needs a reason in "note"`);
  return { status: o.status, by: o.by, date: o.date, ...(o.note ? { note: o.note } : {}) };
}

/**
 * Reads the state of a workspace root; a missing file is an empty state, a broken one a clear
 * error. The file is committed by whoever controls the repository and, in the editor, read on the
 * extension host thread: a FIFO, a device, a link or a huge file there is refused (guarded read),
 * never waited on or read without end.
 */
export function readState(root: string): ChecklistState {
  const file = path.join(root, STATE_FILE);
  let text: string | undefined;
  try {
    text = readGuardedTextIfExists(file, { maxBytes: MAX_STATE_BYTES, root });
  } catch (e) {
    throw new ChecklistStateError(`${STATE_FILE} cannot be read: ${(e as Error).message}`);
  }
  if (text === undefined) return emptyState();
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new ChecklistStateError(`${STATE_FILE} is not valid JSON: ${(e as Error).message}`);
  }
  const d = data as Partial<ChecklistState>;
  if (d?.version !== 1 || typeof d.items !== 'object' || d.items === null) throw new ChecklistStateError(`${STATE_FILE} must be {"version": 1, "items": {...}}`);
  // fromEntries defines own properties: an id such as "__proto__" stays an entry, not a prototype.
  const items: Record<string, ManualEntry> = Object.fromEntries(Object.entries(d.items).map(([id, e]) => [id, validEntry(id, e)]));
  return { version: 1, items };
}

export function serializeState(state: ChecklistState): string {
  const items: Record<string, ManualEntry> = {};
  for (const id of Object.keys(state.items).sort()) {
    const e = state.items[id];
    items[id] = { status: e.status, by: e.by, date: e.date, ...(e.note ? { note: e.note } : {}) };
  }
  return JSON.stringify({ version: 1, items }, null, 2) + '\n';
}

/**
 * Writes the state file inside the root: never through a link (at the file or at .sitewarden),
 * through an exclusive temp file renamed over the old one, so no half-written file is left and a
 * name planted in advance cannot redirect the write. Throws UnsafeWriteError when refused.
 */
export function writeState(root: string, state: ChecklistState): void {
  writeInsideRoot(root, path.join(root, STATE_FILE), serializeState(state));
}

/** Ticks or marks an item, returning the new state (the input is not changed). */
export function setManual(state: ChecklistState, id: string, entry: ManualEntry | undefined): ChecklistState {
  const items = { ...state.items };
  if (entry) items[id] = validEntry(id, entry);
  else delete items[id];
  return { version: 1, items };
}
