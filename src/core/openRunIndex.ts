// The workspace index: ingests run logs into sql.js, answers queries, persists atomically, one writer per database.
import { existsSync, appendFileSync, readdirSync, readFileSync, renameSync, rmSync, statSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Database, SqlJsStatic, Statement } from 'sql.js';
import { checkDatabaseBytes, corruptName, writeFileAtomic } from './dbFile';
import { downsampleMinMax } from './downsample';
import { compileFilter } from './filterLanguage';
import { BatchBuilder, readLogBatches, type LogBatch, type LogReadJob } from './logBatches';
import { LogReaderThread, ReaderThreadError } from './logReaderThread';
import { HEAD_BYTES, headHash } from './logTail';
import type {
  CellLink, ParamComparison, PushRecord, RunDetail, RunQuery, RunRow, SeriesLine, SeriesRequest, SyncReport,
} from './model';
import type { OpenIndexOptions, RunIndex } from './runIndex';
import { compareParamValues, sortRuns } from './runQueries';
import { applyBatch, newRunState, toRunDetail, toRunRow, type RunState } from './runState';
import { loadSqlJs, type SqlEngine } from './sqlEngine';
import { deleteRun, insertPush, loadPushes, loadRuns, readSeries, refreshExperiments, RunWriter, SERIES_CHUNKS_SQL } from './store';
import { CHUNK_POINTS } from './seriesCodec';
import { migrate, NewerSchemaError } from './storeSchema';
import { WriterLock } from './writerLock';
import { applyOverrides, readEditsIfChanged, type EditsFile } from './runEditsReader';

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** Points buffered per run before they are packed into chunks, to bound memory on huge logs. */
const FLUSH_POINTS = 1_000_000;
const MAX_PROBLEMS_PER_SYNC = 10_000;
const MAX_WARNINGS_PER_RUN = 20;
const PUSHES_CURSOR = '.pushes';
/** Downsampled lines kept for repeated queries (a panel asks again on every axis or selection change). */
const LINE_CACHE_ENTRIES = 4096;
/** Longer lines (full-resolution reads, e.g. a push's metric history) are not cached: they are big and rarely asked again. */
const LINE_CACHE_MAX_POINTS = 20_000;

/** Below this many unread log bytes in one sync, starting the reader thread costs more than it saves. */
const WORKER_MIN_BYTES = 8 * 1024 * 1024;

interface FileIdentity { mtimeMs: number; size: number; ino: number }

/** One run's log to read in a sync: from where, and whether the run is read again from the start. */
interface IngestPlan { id: string; file: string; st: FileIdentity; reset: boolean; job: LogReadJob; jobIndex: number }

/** The database lives in sql.js's in-memory file system: a rollback journal there only costs copies. */
function tune(db: Database): void {
  db.exec('PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF');
}

/** Database bytes added per log byte read, generously (metric points pack to about a quarter of their JSON). */
const DB_BYTES_PER_LOG_BYTE = 0.35;
const MIN_ROOM = 16 * 1024 * 1024;
const MAX_ROOM = 512 * 1024 * 1024;

function databaseSize(db: Database): number {
  const pragma = (name: string): number => Number(db.exec(`PRAGMA ${name}`)[0]?.values[0]?.[0] ?? 0);
  return pragma('page_count') * pragma('page_size');
}

/** A sync stopped because the index is being closed. */
export class IndexClosingError extends Error {
  constructor() {
    super('the index is closing; the sync stopped and will resume from the logs next time');
  }
}

class WorkspaceIndex implements RunIndex {
  openNotice?: string;
  private db!: Database;
  private runs = new Map<string, RunState>();
  /** User edits per run (runs/<id>/edits.jsonl), applied over the run's own events when rows are read. */
  private edits = new Map<string, EditsFile>();
  private lineCache = new Map<string, { version: string; line: SeriesLine }>();
  /** Reused decode buffers: a query decodes one series at a time, so cold queries allocate nothing per series. */
  private scratch: { xs: Float64Array; ys: Float64Array; rel: Float64Array } = { xs: new Float64Array(0), ys: new Float64Array(0), rel: new Float64Array(0) };
  private pushes: PushRecord[] = [];
  private pushOffset = 0;
  private nextSeriesId = 1;
  private dirty = false;
  private saveTimer: NodeJS.Timeout | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;
  private closing = false;
  /** Set when the database on disk is from a newer Trialbook: never write it. */
  private frozen = false;
  private loadedFrom: FileIdentity | undefined;
  private readonly lock: WriterLock;
  readonly dbPath: string;
  private readonly runsDir: string;
  private readonly pushesPath: string;
  private crashAfter: number;
  private readonly saveDelay: number;
  private readonly now: () => number;

  private readonly sql: SqlJsStatic;

  constructor(private readonly engine: SqlEngine, private readonly options: OpenIndexOptions) {
    this.sql = engine.sql;
    this.dbPath = join(options.trialbookDir, 'trialbook.db');
    this.runsDir = join(options.trialbookDir, 'runs');
    this.pushesPath = join(options.trialbookDir, 'pushes.jsonl');
    this.crashAfter = options.crashAfterSeconds ?? 30;
    this.saveDelay = options.saveDelayMs ?? 2000;
    this.now = options.now ?? Date.now;
    this.lock = new WriterLock(`${this.dbPath}.lock`, () => {
      options.log.warn('Trialbook: another window took over the database writer lock; this window now only reads.');
    });
  }

  /** Statuses are derived when read, so the next query already uses the new threshold. */
  setCrashAfterSeconds(seconds: number): void {
    this.crashAfter = seconds;
  }

  get isWriter(): boolean {
    return this.lock.isHeld;
  }

  /** Opening: take the lock if allowed, load the database (or recover). */
  open(): void {
    if (this.tryBecomeWriter()) this.removeStaleTempFiles();
    this.loadFromDisk(true);
  }

  /** A writer killed mid-save leaves its temporary file; only the lock holder may clean it up. */
  private removeStaleTempFiles(): void {
    try {
      for (const f of readdirSync(this.options.trialbookDir)) {
        if (f.startsWith('.trialbook.db.tmp-')) rmSync(join(this.options.trialbookDir, f), { force: true });
      }
    } catch { /* the folder may not exist yet */ }
  }

  private tryBecomeWriter(): boolean {
    if (this.options.readOnly || this.frozen || this.lock.isHeld || !existsSync(this.options.trialbookDir)) return this.lock.isHeld;
    try {
      return this.lock.tryAcquire();
    } catch (err) {
      this.options.log.warn(`Trialbook: cannot create the writer lock (${String(err)}); reading only.`);
      return false;
    }
  }

  private freshDb(): void {
    this.lineCache.clear();
    this.db?.close();
    this.db = new this.sql.Database();
    tune(this.db);
    migrate(this.db);
    this.runs = new Map();
    this.pushes = [];
    this.pushOffset = 0;
    this.nextSeriesId = 1;
  }

  private identity(): FileIdentity | undefined {
    try {
      const s = statSync(this.dbPath);
      return { mtimeMs: s.mtimeMs, size: s.size, ino: s.ino };
    } catch {
      return undefined;
    }
  }

  /** Replaces the in-memory database with the file's content; recovers from a corrupt or newer file. */
  private loadFromDisk(first: boolean): void {
    const identity = this.identity();
    if (!identity) { this.freshDb(); this.loadedFrom = undefined; return; }
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(this.dbPath);
    } catch (err) {
      this.options.log.warn(`Trialbook: cannot read ${this.dbPath} (${String(err)}); indexing in memory.`);
      this.freshDb();
      return;
    }
    let db: Database | undefined;
    try {
      const problem = checkDatabaseBytes(bytes);
      if (problem) throw new Error(problem);
      db = new this.sql.Database(bytes);
      tune(db);
      const versionBefore = db.exec("SELECT 1 FROM sqlite_master WHERE name = 'meta'").length;
      migrate(db);
      const loaded = loadRuns(db);
      this.db?.close();
      this.db = db;
      this.lineCache.clear();
      this.runs = loaded.runs;
      this.nextSeriesId = loaded.nextSeriesId;
      this.pushes = loadPushes(db);
      const cursor = db.exec(`SELECT byte_offset FROM log_files WHERE name = '${PUSHES_CURSOR}'`)[0]?.values[0]?.[0];
      this.pushOffset = typeof cursor === 'number' ? cursor : 0;
      this.loadedFrom = identity;
      if (versionBefore === 0) this.markDirty();
    } catch (err) {
      db?.close();
      if (err instanceof NewerSchemaError) {
        this.frozen = true;
        this.lock.release();
        this.openNotice = `Trialbook: ${err.message}. It is left untouched; this window indexes the logs in memory only. Update Trialbook to use it.`;
        this.options.log.warn(this.openNotice);
        this.freshDb();
        return;
      }
      const reason = err instanceof Error ? err.message : String(err);
      if (this.isWriter) {
        const aside = corruptName(this.dbPath, new Date(this.now()));
        try {
          renameSync(this.dbPath, aside);
        } catch { /* it may already be gone */ }
        this.openNotice = `Trialbook: the database could not be opened (${reason}). It was moved to ${aside} and is being rebuilt from the run logs; nothing is lost.`;
      } else {
        this.openNotice = `Trialbook: the database could not be opened (${reason}); this window indexes the logs in memory until the writing window rebuilds it.`;
      }
      if (first || this.isWriter) this.options.log.warn(this.openNotice);
      this.freshDb();
      this.loadedFrom = undefined;
      if (this.isWriter) this.markDirty();
    }
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private markDirty(): void {
    this.dirty = true;
    if (!this.isWriter || this.frozen || this.closed) return;
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.save().catch((err: unknown) => this.options.log.error(`Trialbook: saving the database failed: ${String(err)}`));
    }, this.saveDelay);
    this.saveTimer.unref();
  }

  sync(): Promise<SyncReport> {
    return this.serial(() => this.syncNow());
  }

  /** One sync; `fresh` starts from an empty database (a rebuild). A failed reader thread is retried inline. */
  private async syncNow(onProgress?: (done: number, total: number) => void, fresh = false): Promise<SyncReport> {
    try {
      return await this.syncOnce(onProgress, fresh);
    } catch (err) {
      if (!(err instanceof ReaderThreadError)) throw err;
      this.readerBroken = true;
      this.options.log.warn(`Trialbook: ${err.message}; reading the logs on the main thread from now on.`);
      return this.syncOnce(onProgress, fresh);
    }
  }

  private async syncOnce(onProgress: ((done: number, total: number) => void) | undefined, fresh: boolean): Promise<SyncReport> {
    if (this.closed) throw new Error('the index is closed');
    if (fresh) this.freshDb();
    const report: SyncReport = { changed: [], removed: [], problems: [] };
    if (!this.isWriter) {
      const wasReader = !this.isWriter;
      if (this.tryBecomeWriter() && wasReader) {
        this.removeStaleTempFiles();
        this.loadFromDisk(false);
      } else {
        const id = this.identity();
        const changed = id && (!this.loadedFrom || id.mtimeMs !== this.loadedFrom.mtimeMs || id.size !== this.loadedFrom.size || id.ino !== this.loadedFrom.ino);
        if (changed && !this.frozen) this.loadFromDisk(false);
      }
    }
    let names: string[] = [];
    try {
      names = readdirSync(this.runsDir, { withFileTypes: true }).filter((d) => d.isDirectory() && RUN_ID.test(d.name)).map((d) => d.name);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const present = new Set<string>();
    const plans = new Map<string, IngestPlan>();
    let unreadBytes = 0;
    for (const name of names) {
      const file = join(this.runsDir, name, 'events.jsonl');
      let st;
      try {
        st = statSync(file);
      } catch {
        continue;
      }
      present.add(name);
      const plan = this.planIngest(name, file, { mtimeMs: st.mtimeMs, size: st.size, ino: st.ino }, plans.size);
      if (plan) { plans.set(name, plan); unreadBytes += st.size - plan.job.offset; }
    }
    this.makeRoom(unreadBytes);
    const reader = this.startReader([...plans.values()], unreadBytes);
    if (plans.size > 0) report.reader = reader ? 'worker' : 'inline';
    const builder = new BatchBuilder();
    let done = 0;
    this.lastYield = performance.now();
    try {
      for (const name of names) {
        // Ingest of one log is synchronous when read inline; give the event loop (the extension host's UI work) a
        // turn regularly. Runs between two turns share one transaction (far fewer page writes than one per run).
        if (performance.now() - this.lastYield > 30) { this.commitBatch(); await this.yieldTurn(); }
        if (this.closed || this.closing) throw new IndexClosingError();
        const plan = plans.get(name);
        const logChanged = plan ? await this.ingestRun(plan, reader, builder, report) : false;
        if (logChanged === 'vanished') present.delete(name);
        else if (present.has(name) && (this.ingestEdits(name, report) || logChanged)) report.changed.push(name);
        onProgress?.(++done, names.length);
      }
      this.commitBatch();
    } catch (err) {
      // Memory and database no longer agree: go back to the saved state; the next sync reads the logs again.
      if (this.batchOpen) { this.db.exec('ROLLBACK'); this.batchOpen = false; }
      this.loadFromDisk(false);
      throw err;
    } finally {
      await reader?.close();
    }
    const gone = [...this.runs.keys()].filter((id) => !present.has(id));
    if (gone.length > 0) {
      this.db.exec('BEGIN');
      for (const id of gone) {
        deleteRun(this.db, this.runs.get(id) as RunState);
        this.runs.delete(id);
        this.edits.delete(id);
        report.removed.push(id);
      }
      this.db.exec('COMMIT');
    }
    if (this.ingestPushes()) this.markDirty();
    if (report.changed.length > 0 || report.removed.length > 0) {
      this.db.exec('BEGIN');
      refreshExperiments(this.db);
      this.db.exec('COMMIT');
      this.markDirty();
    }
    return report;
  }

  private batchOpen = false;

  private beginBatch(): void {
    if (!this.batchOpen) { this.db.exec('BEGIN'); this.batchOpen = true; }
  }

  private commitBatch(): void {
    if (this.batchOpen) { this.db.exec('COMMIT'); this.batchOpen = false; }
  }

  private lastYield = 0;

  /**
   * sql.js keeps the database in an in-memory file that grows by an eighth at a time, copying itself whole each
   * time: building a 90 MB database made ≈ 40 such copies and was a sixth of ingest. Before a large ingest the
   * database is reopened over a buffer with room for what the logs will add. The room costs no memory until pages
   * are written into it (a fresh zeroed allocation), and saves stay exact: an export copies only the pages in use.
   */
  private makeRoom(unreadBytes: number): void {
    const room = Math.min(MAX_ROOM, Math.round(unreadBytes * DB_BYTES_PER_LOG_BYTE));
    if (room < MIN_ROOM || this.batchOpen) return;
    try {
      const size = databaseSize(this.db);
      // The file's own next growth step covers a small addition; and reopening a large database would briefly hold
      // it three times over (file, export, new buffer), more than the copies it saves.
      if (room < size / 8 || size > MAX_ROOM) return;
      const image = this.db.export();
      const roomy = new Uint8Array(image.length + room);
      roomy.set(image);
      const db = new this.sql.Database(roomy);
      tune(db);
      this.db.close();
      this.db = db;
      this.options.log.info(`Trialbook: made room for ${Math.round(room / 1048576)} MiB in the database before reading ${Math.round(unreadBytes / 1048576)} MiB of logs.`);
    } catch (err) {
      // Only an optimisation: without the room, ingest is slower, not wrong.
      this.options.log.info(`Trialbook: could not reserve ${room} bytes for the database (${String(err)}).`);
    }
  }

  private async yieldTurn(): Promise<void> {
    await new Promise((r) => setImmediate(r));
    this.lastYield = performance.now();
  }

  /** What to read of one run's log, or nothing when it is unchanged since the last sync. */
  private planIngest(id: string, file: string, st: FileIdentity, jobIndex: number): IngestPlan | undefined {
    const run = this.runs.get(id);
    const c = run?.cursor;
    if (run && c && c.size === st.size && c.mtimeMs === st.mtimeMs && c.ino === st.ino) return undefined;
    let reset = !run || !c || c.ino !== st.ino || st.size < c.offset;
    if (!reset && c && c.headLength > 0 && headHash(file, c.headLength) !== c.headHash) reset = true;
    const job = reset || !c ? { file, offset: 0, line: 0 } : { file, offset: c.offset, line: c.line };
    return { id, file, st, reset, job, jobIndex };
  }

  /** A worker thread reads and parses the logs when there is enough to read to pay for starting it. */
  private startReader(plans: IngestPlan[], unreadBytes: number): LogReaderThread | undefined {
    const choice = this.options.readerWorker;
    if (choice === false) return undefined;
    const workerPath = choice?.path ?? join(__dirname, 'logReaderWorker.js');
    const minBytes = choice?.minBytes ?? WORKER_MIN_BYTES;
    if (this.readerBroken || plans.length === 0 || unreadBytes < minBytes || !existsSync(workerPath)) return undefined;
    try {
      return new LogReaderThread(workerPath, plans.map((p) => p.job));
    } catch (err) {
      this.readerBroken = true;
      this.options.log.warn(`Trialbook: cannot start the log reader thread (${String(err)}); reading logs on the main thread.`);
      return undefined;
    }
  }

  private readerBroken = false;

  /**
   * Ingests what is new in one run's log (inside the sync's open batch transaction): whether the run changed, or
   * 'vanished' when its log was deleted before it could be read (a run still indexed is then left to be removed).
   */
  private async ingestRun(plan: IngestPlan, reader: LogReaderThread | undefined, builder: BatchBuilder, report: SyncReport): Promise<boolean | 'vanished'> {
    const { id, file, st } = plan;
    let run = this.runs.get(id);
    this.beginBatch();
    const removed = plan.reset && run !== undefined;
    if (run && plan.reset) {
      deleteRun(this.db, run);
      this.runs.delete(id);
      run = undefined;
    }
    const state = run ?? newRunState(id, join(this.runsDir, id));
    const writer = new RunWriter(this.db);
    let warned = 0;
    const startLine = state.cursor.line;
    const apply = (batch: LogBatch): void => {
      for (const p of batch.problems) {
        state.skippedLines++;
        if (report.problems.length < MAX_PROBLEMS_PER_SYNC) report.problems.push({ runId: id, file, line: p.line, reason: p.reason });
        if (warned++ < MAX_WARNINGS_PER_RUN) this.options.log.warn(`${file}:${p.line}: ${p.reason}; line skipped.`);
      }
      applyBatch(state, batch);
      if (state.pendingPoints >= FLUSH_POINTS) writer.flushSeries(state, () => this.nextSeriesId++);
    };
    try {
      let applied = 0;
      let result;
      try {
        result = reader
          ? await reader.read(plan.jobIndex, async (batch) => {
            if (this.closing) throw new IndexClosingError();
            applied++;
            apply(batch);
            if (performance.now() - this.lastYield > 30) await this.yieldTurn();
          })
          : readLogBatches(plan.job, (batch) => { applied++; apply(batch); }, builder);
      } catch (err) {
        // Deleted between the listing and the read (the log cannot vanish once open): the run is gone.
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || applied > 0) throw err;
        if (removed) { this.edits.delete(id); report.removed.push(id); }
        return 'vanished';
      }
      if (warned > MAX_WARNINGS_PER_RUN) this.options.log.warn(`${file}: ${warned - MAX_WARNINGS_PER_RUN} more lines skipped (not listed).`);
      state.cursor.offset = result.offset;
      state.cursor.line = result.line;
      state.cursor.size = st.size;
      state.cursor.mtimeMs = st.mtimeMs;
      state.cursor.ino = st.ino;
      if (state.cursor.headLength < HEAD_BYTES && result.offset > state.cursor.headLength) {
        state.cursor.headLength = Math.min(HEAD_BYTES, result.offset);
        state.cursor.headHash = headHash(file, state.cursor.headLength);
      }
      writer.flushSeries(state, () => this.nextSeriesId++);
      writer.writeRun(state);
    } finally {
      writer.close();
    }
    this.runs.set(id, state);
    return plan.reset || state.cursor.line !== startLine;
  }

  /** Reads the run's edits file when it changed; true when the run's overrides changed. */
  private ingestEdits(id: string, report: SyncReport): boolean {
    const file = join(this.runsDir, id, 'edits.jsonl');
    const previous = this.edits.get(id);
    const { changed, edits } = readEditsIfChanged(file, previous);
    if (!changed) return false;
    if (edits) {
      this.edits.set(id, edits);
      for (const p of edits.problems) {
        if (report.problems.length < MAX_PROBLEMS_PER_SYNC) report.problems.push({ runId: id, file, line: p.line, reason: p.reason });
        this.options.log.warn(`${file}:${p.line}: ${p.reason}; line skipped.`);
      }
    } else {
      this.edits.delete(id);
    }
    return true;
  }

  /** Reads pushes appended to pushes.jsonl (the durable record: the database is rebuildable, pushes are not). */
  private ingestPushes(): boolean {
    let bytes: Buffer;
    try {
      bytes = readFileSync(this.pushesPath);
    } catch {
      return false;
    }
    if (bytes.length < this.pushOffset) { this.pushOffset = 0; this.pushes = []; this.db.exec('DELETE FROM pushes'); }
    const end = bytes.lastIndexOf(10) + 1;
    if (end <= this.pushOffset) return false;
    const text = bytes.subarray(this.pushOffset, end).toString('utf8');
    // A savepoint, not BEGIN: a push recorded while a sync waits for the log reader joins the sync's transaction.
    this.db.exec('SAVEPOINT pushes');
    for (const line of text.split('\n')) {
      if (!line) continue;
      try {
        const p = JSON.parse(line) as Partial<PushRecord>;
        if (typeof p.runId !== 'string' || typeof p.artifact !== 'string' || typeof p.registry !== 'string' || typeof p.reference !== 'string' || typeof p.at !== 'number') {
          throw new Error('missing fields');
        }
        const push: PushRecord = { runId: p.runId, artifact: p.artifact, registry: p.registry, reference: p.reference, at: p.at };
        if (typeof p.digest === 'string') push.digest = p.digest;
        if (typeof p.version === 'string') push.version = p.version;
        if (typeof p.user === 'string') push.user = p.user;
        this.pushes.push(push);
        insertPush(this.db, push);
      } catch (err) {
        this.options.log.warn(`${this.pushesPath}: unusable push record skipped (${String(err)}).`);
      }
    }
    this.pushOffset = end;
    this.db.run(`INSERT OR REPLACE INTO log_files (name, byte_offset, line, size, mtime_ms, ino, head_hash, head_length)
      VALUES (?, ?, 0, ?, 0, 0, '', 0)`, [PUSHES_CURSOR, end, bytes.length]);
    this.db.exec('RELEASE pushes');
    return true;
  }

  recordPush(push: PushRecord): void {
    mkdirSync(this.options.trialbookDir, { recursive: true });
    // One write of one line with O_APPEND: concurrent windows cannot interleave within it.
    appendFileSync(this.pushesPath, `${JSON.stringify(push)}\n`);
    if (this.ingestPushes()) this.markDirty();
  }

  private rows(): RunRow[] {
    const now = this.now();
    return [...this.runs.values()].map((r) => applyOverrides(toRunRow(r, now, this.crashAfter), this.edits.get(r.id)?.overrides));
  }

  listRuns(query: RunQuery = {}): RunRow[] {
    let rows = this.rows();
    if (query.experiment !== undefined) rows = rows.filter((r) => r.experiment === query.experiment);
    if (query.filter && query.filter.trim()) {
      const predicate = compileFilter(query.filter);
      rows = rows.filter(predicate);
    }
    rows = sortRuns(rows, query.sort);
    if (query.limit !== undefined && query.limit >= 0) rows = rows.slice(0, query.limit);
    return rows;
  }

  getRun(id: string): RunDetail | undefined {
    const run = this.runs.get(id);
    if (!run) return undefined;
    return applyOverrides(toRunDetail(run, this.now(), this.crashAfter, this.pushes.filter((p) => p.runId === id)), this.edits.get(id)?.overrides);
  }

  runsWithArtifacts(type?: string): string[] {
    const ids: string[] = [];
    for (const run of this.runs.values()) {
      if (run.artifacts.some((a) => type === undefined || a.type === type)) ids.push(run.id);
    }
    // Run ids sort by start time: newest first.
    return ids.sort().reverse();
  }

  experiments(): string[] {
    return [...new Set([...this.runs.values()].map((r) => r.experiment))].sort();
  }

  metricKeys(runIds?: string[]): string[] {
    const keys = new Set<string>();
    const runs = runIds ? runIds.map((id) => this.runs.get(id)).filter((r): r is RunState => r !== undefined) : [...this.runs.values()];
    for (const r of runs) for (const k of r.metrics.keys()) keys.add(k);
    return [...keys].sort();
  }

  series(request: SeriesRequest): SeriesLine[] {
    const lines: SeriesLine[] = [];
    const axis = request.xAxis === 'step' ? 'step' : 'time';
    // One prepared chunk query for every series of this request.
    const stmt = this.db.prepare(SERIES_CHUNKS_SQL);
    try {
      this.collectSeries(request, axis, stmt, lines);
    } finally {
      stmt.free();
    }
    return lines;
  }

  private collectSeries(request: SeriesRequest, axis: 'step' | 'time', stmt: Statement, lines: SeriesLine[]): void {
    const maxPoints = Math.max(1, Math.floor(request.maxPoints));
    for (const runId of request.runIds) {
      const run = this.runs.get(runId);
      if (!run) continue;
      for (const key of request.keys) {
        const m = run.metrics.get(key);
        if (!m || m.seriesId === 0) continue;
        const cacheKey = `${m.seriesId}/${request.xAxis}/${maxPoints}`;
        const version = `${m.chunks}/${m.tailPoints}`;
        const hit = this.lineCache.get(cacheKey);
        if (hit && hit.version === version) {
          this.lineCache.delete(cacheKey);
          this.lineCache.set(cacheKey, hit);
          lines.push({ runId, key, x: hit.line.x.slice(), y: hit.line.y.slice(), totalPoints: hit.line.totalPoints });
          continue;
        }
        const line = this.downsampledLine(run, m, request.xAxis, axis, maxPoints, stmt);
        if (line.x.length > LINE_CACHE_MAX_POINTS) {
          lines.push(line);
          continue;
        }
        this.lineCache.set(cacheKey, { version, line });
        if (this.lineCache.size > LINE_CACHE_ENTRIES) this.lineCache.delete(this.lineCache.keys().next().value as string);
        lines.push({ runId, key, x: line.x.slice(), y: line.y.slice(), totalPoints: line.totalPoints });
      }
    }
  }

  /** Decodes one series into the scratch buffers and downsamples it. */
  private downsampledLine(run: RunState, m: { seriesId: number; chunks: number; tailPoints: number }, xAxis: SeriesRequest['xAxis'],
    axis: 'step' | 'time', maxPoints: number, stmt: Statement): SeriesLine {
    // Full chunks but the last: the size is known without counting (readSeries grows the buffers if not).
    const expected = m.chunks > 0 ? (m.chunks - 1) * CHUNK_POINTS + m.tailPoints : 0;
    if (this.scratch.xs.length < expected) {
      this.scratch.xs = new Float64Array(expected);
      this.scratch.ys = new Float64Array(expected);
    }
    const decoded = readSeries(this.db, m.seriesId, axis, this.engine.blobView, expected, stmt, this.scratch);
    this.scratch.xs = decoded.xs;
    this.scratch.ys = decoded.ys;
    const { xs, ys, n } = decoded;
    let sx: Float64Array = xs;
    let sy: Float64Array = ys;
    if (xAxis === 'relative') {
      if (this.scratch.rel.length < n) this.scratch.rel = new Float64Array(xs.length);
      sx = this.scratch.rel;
      const base = run.startedAt;
      for (let i = 0; i < n; i++) sx[i] = ((xs[i] as number) - base) / 1000;
    }
    let sorted = true;
    for (let i = 1; i < n; i++) if ((sx[i] as number) < (sx[i - 1] as number)) { sorted = false; break; }
    if (!sorted) {
      // A resumed run can log a step again; order by x, keeping log order among equal x (stable sort).
      const px = sx;
      const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (px[a] as number) - (px[b] as number) || a - b);
      sx = Float64Array.from(order, (i) => px[i] as number);
      sy = Float64Array.from(order, (i) => ys[i] as number);
    }
    const d = downsampleMinMax(sx, sy, n, maxPoints);
    return { runId: run.id, key: '', x: d.x, y: d.y, totalPoints: n };
  }

  compareParams(runIds: string[], onlyDifferent: boolean): ParamComparison {
    const now = this.now();
    const rows = runIds.map((id) => this.runs.get(id)).filter((r): r is RunState => r !== undefined).map((r) => toRunRow(r, now, this.crashAfter));
    return compareParamValues(rows, onlyDifferent);
  }

  cellLinks(notebookPath: string): CellLink[] {
    const wanted = resolve(notebookPath);
    const out: CellLink[] = [];
    for (const run of this.runs.values()) {
      for (const c of run.cells.values()) if (c.notebook === notebookPath || (c.notebook !== '' && resolve(c.notebook) === wanted)) out.push({ ...c, latest: { ...c.latest } });
    }
    return out.sort((a, b) => (a.exec ?? -1) - (b.exec ?? -1) || (a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0));
  }

  rebuild(onProgress?: (done: number, total: number) => void): Promise<SyncReport> {
    return this.serial(async () => {
      const report = await this.syncNow(onProgress, true);
      this.markDirty();
      if (this.isWriter && !this.frozen) await this.saveNow();
      return report;
    });
  }

  save(): Promise<void> {
    return this.serial(() => this.saveNow());
  }

  private async saveNow(): Promise<void> {
    if (!this.isWriter || this.frozen || !this.dirty) return;
    if (this.saveTimer) { clearTimeout(this.saveTimer); this.saveTimer = undefined; }
    this.dirty = false;
    try {
      const bytes = this.db.export();
      await writeFileAtomic(this.dbPath, bytes);
      this.loadedFrom = this.identity();
    } catch (err) {
      this.dirty = true;
      throw err;
    }
  }

  close(): Promise<void> {
    // A sync in progress stops at its next run or batch (its work is dropped: the logs are read again next time).
    this.closing = true;
    return this.serial(async () => {
      if (this.closed) return;
      try {
        await this.saveNow();
      } finally {
        this.closed = true;
        if (this.saveTimer) clearTimeout(this.saveTimer);
        this.lock.release();
        this.db.close();
      }
    });
  }
}

/** Opens the index of a workspace's `.trialbook` folder. Call `sync()` to ingest the logs. */
export async function openRunIndex(options: OpenIndexOptions): Promise<RunIndex> {
  const engine = await loadSqlJs(options.wasmPath);
  const index = new WorkspaceIndex(engine, options);
  index.open();
  return index;
}

