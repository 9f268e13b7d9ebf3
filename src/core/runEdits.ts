// User edits made in the editor (rename, notes, tags, star) go to runs/<id>/edits.jsonl, never into the
// run's own log: that file has exactly one writer, the process that owns the run. Same line format
// as events.jsonl (docs/event-format.md); the index applies edits after the run's own events.
import { appendFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { MAX_KEY_CHARS, MAX_NOTES_CHARS } from './eventValidation';
import { EDITS_MAX_BYTES } from './runEditsReader';
import { formatBytes } from '../shared/format';

/** The event-format version this code writes (docs/event-format.md). */
const formatVersion = 1;

export const editsFileName = 'edits.jsonl';

export type RunEdit =
  | { t: 'name'; name: string }
  | { t: 'notes'; notes: string }
  | { t: 'tags'; tags: string[] }
  | { t: 'star'; starred: boolean };

function check(edit: RunEdit): void {
  const key = (k: string): void => {
    if (k.length < 1 || k.length > MAX_KEY_CHARS) throw new Error(`"${k.slice(0, 40)}" is not a valid tag: tags are 1 to ${MAX_KEY_CHARS} characters.`);
  };
  if (edit.t === 'name' && (edit.name.trim().length < 1 || edit.name.length > MAX_KEY_CHARS)) {
    throw new Error(`A run name must be 1 to ${MAX_KEY_CHARS} characters.`);
  }
  if (edit.t === 'notes' && edit.notes.length > MAX_NOTES_CHARS) throw new Error(`Notes are limited to ${MAX_NOTES_CHARS} characters.`);
  if (edit.t === 'tags') edit.tags.forEach(key);
}

/** Appends one edit to the run's edits file as a single newline-terminated line. */
export async function appendRunEdit(trialbookDir: string, runId: string, edit: RunEdit, nowMs = Date.now()): Promise<void> {
  check(edit);
  const runDir = path.join(trialbookDir, 'runs', runId);
  const info = await stat(runDir).catch(() => undefined);
  if (!info?.isDirectory()) throw new Error(`Run ${runId} no longer exists in ${trialbookDir}.`);
  const line = JSON.stringify({ v: formatVersion, ts: nowMs / 1000, ...edit }) + '\n';
  const file = path.join(runDir, editsFileName);
  // Past the limit the index no longer reads the file: an edit appended there would never show.
  const size = (await stat(file).catch(() => undefined))?.size ?? 0;
  if (size + Buffer.byteLength(line) > EDITS_MAX_BYTES) {
    throw new Error(`The edits file ${file} is ${formatBytes(size)}, more than the ${formatBytes(EDITS_MAX_BYTES)} Trialbook reads: `
      + 'move it aside (its valid lines can be copied into a new file) and edit again.');
  }
  await appendFile(file, line, 'utf8');
}
