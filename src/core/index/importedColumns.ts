// Imported runs handed to the index as columns: the source mirror (src/core/sources/sourceMirror.ts) appends an
// imported run's lines to its events.jsonl and hands the index what reading those lines would give (typed columns
// for the points, events for the rest) with the byte range it wrote. When the index's cursor for the run ends
// exactly where that range starts and the file ends exactly where it ends, the index applies the columns and moves
// its cursor past the range: it never reads and parses again what the import just handed it. Anything else (a
// cursor elsewhere, another writer, a log replaced) is left to the next sync, which reads the file as always. The
// log stays the durable record: a rebuild reads it and gives the same index (test/unit/sources/importedColumns.test.ts).
import { statSync } from 'node:fs';
import type { Database } from 'sql.js';
import { join } from 'node:path';
import type { LogBatch } from '../logBatches';
import { hashOf, headHash, HEAD_BYTES } from '../logTail';
import { applyBatch, newRunState, type RunState } from '../runState';
import { refreshExperiments, RunWriter } from '../store';
import { isDamage } from './damage';
import type { DatabaseFile } from './databaseFile';
import type { RunCatalog } from './runCatalog';

/** Lines just appended to an imported run's log, as the index would read them. */
export interface ImportedAppend {
  /** The run folder's name under .trialbook/runs. */
  runId: string;
  /** The log's size before the append, and after it. */
  fromOffset: number;
  toOffset: number;
  /** Lines appended (each ends with a newline). */
  lines: number;
  /** What reading those lines gives: the same items, in log order, with no problems (every line was valid). */
  batch: LogBatch;
  /**
   * For an append at offset 0: the log's first bytes as written (up to HEAD_BYTES), hashed for the cursor instead
   * of reading them back from the file.
   */
  head?: Uint8Array;
}

/** Where the index takes imported columns (an index that cannot answers false and reads the log at its next sync). */
export type ImportedSink = (append: ImportedAppend) => Promise<boolean>;

export class ImportedColumns {
  /**
   * Statements kept across appends while the database stays the same one: a first import hands one append per run,
   * and preparing a writer's dozen statements for each was about a tenth of the index's part (a database replaced
   * since, by a reload or a rebuild, closed them with it: a new writer is made).
   */
  private writer: { db: Database; writer: RunWriter } | undefined;

  constructor(private readonly file: DatabaseFile, private readonly catalog: RunCatalog, private readonly runsDir: string) {}

  private writerFor(db: Database): RunWriter {
    if (this.writer?.db === db) return this.writer.writer;
    const writer = new RunWriter(db);
    this.writer = { db, writer };
    return writer;
  }

  /** Frees the kept statements (the index closing; a later append prepares them again). */
  close(): void {
    const w = this.writer;
    this.writer = undefined;
    if (w && w.db === this.file.db) w.writer.close();
  }

  /**
   * Applies an append when the index's cursor ends where it starts and the log ends where it ends; false (nothing
   * changed) otherwise. Throws what the database throws (the caller repairs damage, as for a sync).
   */
  apply(append: ImportedAppend): boolean {
    const { runId, fromOffset, toOffset } = append;
    if (append.batch.problems.length > 0 || toOffset <= fromOffset) return false;
    const file = join(this.runsDir, runId, 'events.jsonl');
    let st;
    try { st = statSync(file); } catch { return false; }
    if (st.size !== toOffset) return false; // written again since: the sync reads it
    const old = this.catalog.runs.get(runId);
    if (old) {
      const c = old.cursor;
      if (c.offset !== fromOffset || c.size !== fromOffset || c.ino !== st.ino) return false;
    } else if (fromOffset !== 0) {
      return false;
    }
    const state: RunState = old ?? newRunState(runId, join(this.runsDir, runId));
    const experimentBefore = old?.experiment;
    const c = state.cursor;
    const head = c.headLength < HEAD_BYTES && toOffset > c.headLength ? { length: Math.min(HEAD_BYTES, toOffset), hash: '' } : undefined;
    if (head) head.hash = fromOffset === 0 && append.head && append.head.length >= head.length ? hashOf(append.head.subarray(0, head.length)) : headHash(file, head.length);
    const db = this.file.db;
    const writer = this.writerFor(db);
    db.exec('BEGIN');
    try {
      applyBatch(state, append.batch);
      c.offset = toOffset;
      c.line += append.lines;
      c.size = st.size;
      c.mtimeMs = st.mtimeMs;
      c.ino = st.ino;
      if (head) { c.headLength = head.length; c.headHash = head.hash; }
      writer.flushSeries(state, this.catalog.allocateSeriesId);
      writer.writeRun(state);
      if (experimentBefore !== undefined && experimentBefore !== state.experiment) refreshExperiments(db);
      db.exec('COMMIT');
    } catch (err) {
      try { db.exec('ROLLBACK'); } catch { /* the file is set aside or reloaded below */ }
      // Memory and database no longer agree: back to the saved state (a damaged database is the caller's to set aside).
      if (!isDamage(err)) this.file.loadFromDisk(false);
      throw err;
    }
    this.catalog.runs.set(runId, state);
    this.file.markDirty();
    return true;
  }
}
