import type {
  CellLink, DatasetGroup, Logger, ParamComparison, PushRecord, RunDetail, RunQuery, RunRow, SeriesLine, SeriesRequest, SyncReport, EnvelopeRequest, TypedSeriesLine,
} from './model';
import type { ImportedAppend } from './index/importedColumns';

/**
 * What trees, panels and CLI queries read. Answers come from memory, series from the database; nothing here writes.
 * A series query that meets a damaged database throws `DamagedDatabaseError` (the next sync rebuilds it).
 */
export interface RunReader {
  listRuns(query?: RunQuery): RunRow[];
  getRun(id: string): RunDetail | undefined;
  experiments(): string[];
  series(request: SeriesRequest): SeriesLine[];
  /** Lines as a chart of `columns` pixels shows them, as typed arrays shared with the reader's cache (not copied). */
  seriesEnvelopes(request: EnvelopeRequest): TypedSeriesLine[];
  compareParams(runIds: string[], onlyDifferent: boolean): ParamComparison;
  /** Cells of one notebook (absolute path) that logged to any run. */
  cellLinks(notebookPath: string): CellLink[];
  /** Ids of runs that logged an artifact of this type (all types when omitted), newest first. */
  runsWithArtifacts(type?: string): string[];
  /** Every dataset the runs used (`dataset` events): name → versions (by content hash) → runs and their models. */
  datasets(): DatasetGroup[];
  /** Names of the metrics logged by the given runs (all runs when omitted), sorted. */
  metricKeys(runIds?: string[]): string[];
}

/** The push ledger's write: appends to `.trialbook/pushes.jsonl` (the durable record) and indexes the push. */
export interface PushRecorder {
  recordPush(push: PushRecord): void;
}

/** Following the logs, saving and closing: what the owner of the index (the editor, a CLI command) drives. */
export interface IndexLifecycle {
  /**
   * Ingest what was appended to the logs since the last sync; new, changed and deleted runs. Runs new to the index
   * are listed from their start events (no metrics yet) before their logs are read; `onProgress` says when
   * (done = 0) and how far the reading got.
   */
  sync(onProgress?: (done: number, total: number, changed: readonly string[]) => void): Promise<SyncReport>;
  /**
   * Lines the source mirror just appended to an imported run's log, handed over as columns so they are not read
   * and parsed again (index/importedColumns.ts): true when applied (the next sync reports the run as changed),
   * false when the next sync reads them from the log as usual.
   */
  ingestImported(append: ImportedAppend): Promise<boolean>;
  /** Drop the database and ingest every log again. */
  rebuild(onProgress?: (done: number, total: number, changed: readonly string[]) => void): Promise<SyncReport>;
  /** Runs listed but not read yet by the sync in progress (0 when none is, or it has read them all). */
  pendingRuns(): number;
  /** Whether this run is listed from its start events only: its log has not been read yet. */
  isPending(runId: string): boolean;
  /** Write the database to disk now (atomic). Writes are otherwise debounced. */
  save(): Promise<void>;
  close(): Promise<void>;
  /** False when this index does not write the database: `readOnlyReason` says why. */
  readonly isWriter: boolean;
  /** Why this index only reads (another process holds the writer lock, the folder is read-only, …); undefined while it writes. */
  readonly readOnlyReason?: string;
  /** Set when opening had to recover (e.g. a corrupt database moved aside and rebuilt): tell the user once. */
  readonly openNotice?: string;
  /** Seconds without any event before a run without `run_end` counts as crashed, from now on (a setting changed). */
  setCrashAfterSeconds(seconds: number): void;
}

/**
 * The workspace's index over every run's event log (.trialbook/trialbook.db through sql.js).
 * Everything in it can be rebuilt from the logs, the edits files and pushes.jsonl.
 */
export interface RunIndex extends RunReader, PushRecorder, IndexLifecycle {}

export interface OpenIndexOptions {
  /** The workspace's `.trialbook` folder. */
  trialbookDir: string;
  /** Path of sql-wasm.wasm (the extension ships it in dist/). */
  wasmPath: string;
  log: Logger;
  /** Seconds without any event before a run without `run_end` counts as crashed (default 30). */
  crashAfterSeconds?: number;
  /** Debounce of database saves in milliseconds (default 2000). */
  saveDelayMs?: number;
  /** Never write the database nor take the writer lock (e.g. a CLI query that must not interfere). */
  readOnly?: boolean;
  /**
   * The log reader worker thread: its script (default: logReaderWorker.js beside this module, as bundled) and the
   * unread bytes from which a sync uses it (default 8 MiB); `false` always reads on the calling thread.
   */
  readerWorker?: { path?: string; minBytes?: number } | false;
  /**
   * Awaited before each run's log is read in a sync, with the run and how many logs were done before it: lets
   * tests hold an ingest at a chosen point (runs are already listed then). Not for production use.
   */
  beforeRun?: (runId: string, done: number) => Promise<void> | void;
  /** Awaited before the database file is read when the index opens: tests hold the load there. Not for production use. */
  beforeLoad?: () => Promise<void>;
  /** Current time in epoch ms, for crashed-status derivation (tests). Defaults to Date.now. */
  now?: () => number;
}
