import * as fs from 'node:fs';
import * as path from 'node:path';

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

/** Reads the state of a workspace root; a missing file is an empty state, a broken one a clear error. */
export function readState(root: string): ChecklistState {
  const file = path.join(root, STATE_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return emptyState();
  }
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

export function writeState(root: string, state: ChecklistState): void {
  const file = path.join(root, STATE_FILE);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, serializeState(state));
  fs.renameSync(tmp, file); // never leave a half-written file behind
}

/** Ticks or marks an item, returning the new state (the input is not changed). */
export function setManual(state: ChecklistState, id: string, entry: ManualEntry | undefined): ChecklistState {
  const items = { ...state.items };
  if (entry) items[id] = validEntry(id, entry);
  else delete items[id];
  return { version: 1, items };
}
