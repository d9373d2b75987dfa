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

/** A free-text note on an item (any item, evaluated or manual), kept apart from the decisions. */
export interface ItemNote {
  text: string;
  by: string;
  /** ISO date (YYYY-MM-DD). */
  date: string;
}

export interface ChecklistState {
  version: 1;
  items: Record<string, ManualEntry>;
  /** Per-item notes; absent when there are none (older files have none). */
  notes?: Record<string, ItemNote>;
}

/** A note is a sentence or a paragraph, not a document. */
export const MAX_NOTE_CHARS = 2000;

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

function validNote(id: string, n: unknown): ItemNote {
  const o = n as Partial<ItemNote>;
  if (!o || typeof o !== 'object') throw new ChecklistStateError(`note "${id}" is not an object`);
  if (typeof o.text !== 'string' || !o.text.trim()) throw new ChecklistStateError(`note "${id}": "text" is required`);
  if (o.text.length > MAX_NOTE_CHARS) throw new ChecklistStateError(`note "${id}": longer than ${MAX_NOTE_CHARS} characters`);
  if (typeof o.by !== 'string' || !o.by.trim()) throw new ChecklistStateError(`note "${id}": "by" (who) is required`);
  if (typeof o.date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(o.date)) throw new ChecklistStateError(`note "${id}": "date" must be YYYY-MM-DD`);
  return { text: o.text, by: o.by, date: o.date };
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
  if (d.notes === undefined) return { version: 1, items };
  if (typeof d.notes !== 'object' || d.notes === null) throw new ChecklistStateError(`${STATE_FILE}: "notes" must be an object`);
  const notes: Record<string, ItemNote> = Object.fromEntries(Object.entries(d.notes).map(([id, n]) => [id, validNote(id, n)]));
  return { version: 1, items, notes };
}

export function serializeState(state: ChecklistState): string {
  const items: Record<string, ManualEntry> = {};
  for (const id of Object.keys(state.items).sort()) {
    const e = state.items[id];
    items[id] = { status: e.status, by: e.by, date: e.date, ...(e.note ? { note: e.note } : {}) };
  }
  const notes: Record<string, ItemNote> = {};
  for (const id of Object.keys(state.notes ?? {}).sort()) {
    const n = state.notes![id];
    notes[id] = { text: n.text, by: n.by, date: n.date };
  }
  return JSON.stringify(Object.keys(notes).length ? { version: 1, items, notes } : { version: 1, items }, null, 2) + '\n';
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
  return { ...state, version: 1, items };
}

/** Sets or (undefined) removes an item's note, returning the new state. */
export function setNote(state: ChecklistState, id: string, note: ItemNote | undefined): ChecklistState {
  const notes = { ...(state.notes ?? {}) };
  if (note) notes[id] = validNote(id, note);
  else delete notes[id];
  const { notes: _old, ...rest } = state;
  void _old;
  return Object.keys(notes).length ? { ...rest, notes } : rest;
}
