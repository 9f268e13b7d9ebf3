// Reads a run's edits.jsonl (rename, notes, tags, star made in the editor) into overrides that win over the
// run's own events. The file is read again whole when it changes, line by line in bounded chunks (logTail): a
// huge file never becomes one string, and only its first EDITS_MAX_BYTES are read.
import { statSync } from 'node:fs';
import type { RunDetail, RunRow } from './model';
import { MAX_KEY_CHARS, MAX_NOTES_CHARS } from './eventValidation';
import { readAppendedLines } from './logTail';
import { describeFileError, entryKind } from './index/fileProblems';
import { errorMessage } from '../shared/errorMessage';
import { formatBytes } from '../shared/format';

/**
 * How much of an edits file is read. An edit is one line (a note of 1 MiB is the longest), so this holds dozens of
 * the longest edits and thousands of ordinary ones; a larger file was written by something else.
 */
export const EDITS_MAX_BYTES = 64 * 1024 * 1024;
/** Unusable lines kept with their numbers per file; the rest are only counted. */
const MAX_LISTED_PROBLEMS = 100;
/**
 * Lines that look like JSON objects but do not parse, after which the rest of a file is not read: each costs a
 * thrown exception, and 64 MiB of them would take minutes. Trialbook writes one valid line per edit.
 */
const MAX_UNPARSABLE_LINES = 10_000;
/** Unusable lines of any kind after which the rest of a file is not read (cheap to reject, but not free). */
const MAX_UNUSABLE_LINES = 1_000_000;
const NOT_AN_OBJECT = 'invalid JSON (not a JSON object)';

export interface RunOverrides {
  name?: string;
  notes?: string;
  tags?: string[];
  starred?: boolean;
}

export interface EditProblem {
  /** 1-based line number; 0 when the problem is the whole file. */
  line: number;
  reason: string;
}

export interface EditsFile {
  size: number;
  mtimeMs: number;
  overrides: RunOverrides;
  /** Lines that could not be used, with their 1-based numbers (the first MAX_LISTED_PROBLEMS of them). */
  problems: EditProblem[];
  /** How many lines could not be used, listed or not. */
  skippedLines: number;
}

function isKey(v: unknown): v is string {
  return typeof v === 'string' && v.length >= 1 && v.length <= MAX_KEY_CHARS;
}

/** Applies one line of an edits file to `overrides`; the reason it cannot be used, or undefined. */
export function applyEditLine(raw: string, overrides: RunOverrides): string | undefined {
  const text = raw.trim();
  if (text === '') return undefined;
  // Garbage is turned away without JSON.parse: a thrown SyntaxError costs 10 to 25 µs, and a file can hold millions.
  if (text.charCodeAt(0) !== 0x7b || text.charCodeAt(text.length - 1) !== 0x7d) return NOT_AN_OBJECT;
  let ev: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not a JSON object');
    ev = parsed as Record<string, unknown>;
  } catch (err) {
    return `invalid JSON (${errorMessage(err)})`;
  }
  switch (ev.t) {
    case 'name':
      if (isKey(ev.name) && ev.name.trim()) { overrides.name = ev.name; return undefined; }
      return 'name must be 1 to 250 characters';
    case 'notes':
      if (typeof ev.notes === 'string' && ev.notes.length <= MAX_NOTES_CHARS) { overrides.notes = ev.notes; return undefined; }
      return 'notes must be a string of at most 1 MiB';
    case 'tags':
      if (Array.isArray(ev.tags) && ev.tags.every(isKey)) { overrides.tags = [...new Set(ev.tags as string[])]; return undefined; }
      return 'tags must be an array of 1 to 250 character strings';
    case 'star':
      if (typeof ev.starred === 'boolean') { overrides.starred = ev.starred; return undefined; }
      return 'starred must be true or false';
    default:
      // Kinds from newer versions are ignored, as in run logs.
      return undefined;
  }
}

/** Parses edits text; a line that is not a valid edit is reported and skipped, later lines win. */
export function parseEdits(text: string): Pick<EditsFile, 'overrides' | 'problems'> {
  const overrides: RunOverrides = {};
  const problems: EditsFile['problems'] = [];
  const lines = text.split('\n');
  // A last line without its newline may still be being written.
  if (!text.endsWith('\n')) lines.pop();
  lines.forEach((raw, i) => {
    const reason = applyEditLine(raw, overrides);
    if (reason !== undefined) problems.push({ line: i + 1, reason });
  });
  return { overrides, problems };
}

/** Reads an edits file of `size` bytes, streaming and bounded (see EDITS_MAX_BYTES). Throws when it cannot be read. */
function readEdits(file: string, size: number): Omit<EditsFile, 'size' | 'mtimeMs'> {
  const overrides: RunOverrides = {};
  const problems: EditProblem[] = [];
  let skippedLines = 0;
  let unparsable = 0;
  if (size > EDITS_MAX_BYTES) {
    problems.push({ line: 0, reason: `the file is ${formatBytes(size)}: only its first ${formatBytes(EDITS_MAX_BYTES)} are read `
      + '(edits made in the editor take one short line each; something else wrote this file)' });
  }
  const stop = new Error('stop');
  try {
    readAppendedLines(file, 0, 0, (line, lineNo) => {
      const reason = 'text' in line ? applyEditLine(line.text, overrides) : line.invalid;
      if (reason === undefined) return;
      skippedLines++;
      if (problems.length < MAX_LISTED_PROBLEMS) problems.push({ line: lineNo, reason });
      if (reason.startsWith('invalid JSON') && reason !== NOT_AN_OBJECT) unparsable++;
      if (unparsable >= MAX_UNPARSABLE_LINES || skippedLines >= MAX_UNUSABLE_LINES) {
        problems.push({ line: 0, reason: `${skippedLines} unusable lines: the file is not read past line ${lineNo}` });
        throw stop;
      }
    }, { endOffset: Math.min(size, EDITS_MAX_BYTES) });
  } catch (err) {
    if (err !== stop) throw err;
  }
  return { overrides, problems, skippedLines };
}

/**
 * The edits file if it changed since `previous` (undefined when it is absent). When it cannot be read, `problem`
 * says why (naming the file) and the previous edits stay.
 */
export function readEditsIfChanged(file: string, previous: EditsFile | undefined):
  { changed: boolean; edits: EditsFile | undefined; problem?: string } {
  let st;
  try {
    // Most runs have no edits file: no exception for that (a sync with nothing new stats every run's).
    st = statSync(file, { throwIfNoEntry: false });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') return { changed: previous !== undefined, edits: undefined };
    return { changed: false, edits: previous, problem: describeFileError(err, file, 'read').cause };
  }
  if (!st) return { changed: previous !== undefined, edits: undefined };
  if (previous && previous.size === st.size && previous.mtimeMs === st.mtimeMs) return { changed: false, edits: previous };
  // A FIFO would block the read until something writes to it.
  if (!st.isFile()) return { changed: false, edits: previous, problem: `${file} is ${entryKind(st)}, not a file` };
  try {
    return { changed: true, edits: { size: st.size, mtimeMs: st.mtimeMs, ...readEdits(file, st.size) } };
  } catch (err) {
    return { changed: false, edits: previous, problem: describeFileError(err, file, 'read').cause };
  }
}

export function applyOverrides<T extends RunRow | RunDetail>(row: T, overrides: RunOverrides | undefined): T {
  if (!overrides) return row;
  if (overrides.name !== undefined) row.name = overrides.name;
  if (overrides.notes !== undefined) row.notes = overrides.notes;
  if (overrides.tags !== undefined) row.tags = [...overrides.tags];
  if (overrides.starred !== undefined) row.starred = overrides.starred;
  return row;
}
