// Reads a run's edits.jsonl (rename, notes, tags, star made in the editor) into overrides that win over the
// run's own events. The file is small and rewritten rarely, so it is read whole when it changes.
import { readFileSync, statSync } from 'node:fs';
import type { RunDetail, RunRow } from './model';
import { MAX_KEY_CHARS, MAX_NOTES_CHARS } from './eventValidation';

export interface RunOverrides {
  name?: string;
  notes?: string;
  tags?: string[];
  starred?: boolean;
}

export interface EditsFile {
  size: number;
  mtimeMs: number;
  overrides: RunOverrides;
  /** Lines that could not be used, with their 1-based numbers. */
  problems: Array<{ line: number; reason: string }>;
}

function isKey(v: unknown): v is string {
  return typeof v === 'string' && v.length >= 1 && v.length <= MAX_KEY_CHARS;
}

/** Parses edits text; a line that is not a valid edit is reported and skipped, later lines win. */
export function parseEdits(text: string): Pick<EditsFile, 'overrides' | 'problems'> {
  const overrides: RunOverrides = {};
  const problems: EditsFile['problems'] = [];
  const lines = text.split('\n');
  // A last line without its newline may still be being written.
  if (!text.endsWith('\n')) lines.pop();
  lines.forEach((raw, i) => {
    if (raw.trim() === '') return;
    let ev: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(raw);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not a JSON object');
      ev = parsed as Record<string, unknown>;
    } catch (err) {
      problems.push({ line: i + 1, reason: `invalid JSON (${err instanceof Error ? err.message : String(err)})` });
      return;
    }
    switch (ev.t) {
      case 'name':
        if (isKey(ev.name) && ev.name.trim()) overrides.name = ev.name;
        else problems.push({ line: i + 1, reason: 'name must be 1 to 250 characters' });
        return;
      case 'notes':
        if (typeof ev.notes === 'string' && ev.notes.length <= MAX_NOTES_CHARS) overrides.notes = ev.notes;
        else problems.push({ line: i + 1, reason: 'notes must be a string of at most 1 MiB' });
        return;
      case 'tags':
        if (Array.isArray(ev.tags) && ev.tags.every(isKey)) overrides.tags = [...new Set(ev.tags as string[])];
        else problems.push({ line: i + 1, reason: 'tags must be an array of 1 to 250 character strings' });
        return;
      case 'star':
        if (typeof ev.starred === 'boolean') overrides.starred = ev.starred;
        else problems.push({ line: i + 1, reason: 'starred must be true or false' });
        return;
      default:
        // Kinds from newer versions are ignored, as in run logs.
        return;
    }
  });
  return { overrides, problems };
}

/** The edits file if it changed since `previous` (undefined when it is absent). */
export function readEditsIfChanged(file: string, previous: EditsFile | undefined): { changed: boolean; edits: EditsFile | undefined } {
  let st;
  try {
    st = statSync(file);
  } catch {
    return { changed: previous !== undefined, edits: undefined };
  }
  if (previous && previous.size === st.size && previous.mtimeMs === st.mtimeMs) return { changed: false, edits: previous };
  const parsed = parseEdits(readFileSync(file, 'utf8'));
  return { changed: true, edits: { size: st.size, mtimeMs: st.mtimeMs, ...parsed } };
}

export function applyOverrides<T extends RunRow | RunDetail>(row: T, overrides: RunOverrides | undefined): T {
  if (!overrides) return row;
  if (overrides.name !== undefined) row.name = overrides.name;
  if (overrides.notes !== undefined) row.notes = overrides.notes;
  if (overrides.tags !== undefined) row.tags = [...overrides.tags];
  if (overrides.starred !== undefined) row.starred = overrides.starred;
  return row;
}
