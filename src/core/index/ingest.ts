// Ingest: one sync brings the database and the in-memory runs in step with the logs. It lists the run folders,
// reads what was appended to each log since the last sync (on a worker thread when there is a lot), applies it
// run by run, reads changed edits files, drops runs whose folder is gone and reads new push records.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage } from '../../shared/errorMessage';
import { BatchBuilder, readLogBatches, type LogBatch, type LogReadJob } from '../logBatches';
import { LogReaderThread, ReaderThreadError } from '../logReaderThread';
import { headHash } from '../logTail';
import type { Logger, SyncReport } from '../model';
import { readEditsIfChanged } from '../runEditsReader';
import type { OpenIndexOptions } from '../runIndex';
import { applyBatch, newRunState, type RunState } from '../runState';
import { deleteRun, refreshExperiments, RunWriter } from '../store';
import { isDamage } from './damage';
import type { DatabaseFile, FileIdentity } from './databaseFile';
import { describeFileError, errorCode } from './fileProblems';
import type { PushLedger } from './pushLedger';
import type { RunCatalog } from './runCatalog';
import { listRunLogs } from './runFolders';
import { readRunStart } from './runStarts';

/**
 * A sync's progress: logs done of the total, and the runs changed so far (the report's list as it grows). Called
 * once with done = 0 as soon as every run can be listed (new runs from their start events), then after each log.
 */
export type SyncProgress = (done: number, total: number, changed: readonly string[]) => void;

/** Points buffered per run before they are packed into chunks, to bound memory on huge logs. */
const FLUSH_POINTS = 1_000_000;
const MAX_PROBLEMS_PER_SYNC = 10_000;
/** Unusable lines of one file written to the log per sync; the rest are counted in one line. */
const MAX_WARNINGS_PER_RUN = 20;
/** Below this many unread log bytes in one sync, starting the reader thread costs more than it saves. */
const WORKER_MIN_BYTES = 8 * 1024 * 1024;

/** A sync stopped because the index is being closed. */
export class IndexClosingError extends Error {
  constructor() {
    super('the index is closing; the sync stopped and will resume from the logs next time');
  }
}

/** One run's log to read in a sync: from where, and whether the run is read again from the start. */
interface IngestPlan { id: string; file: string; st: FileIdentity; reset: boolean; job: LogReadJob; jobIndex: number }

export interface IngestOptions {
  runsDir: string;
  log: Logger;
  readerWorker: OpenIndexOptions['readerWorker'];
  /** The worker script when `readerWorker` names none (logReaderWorker.js beside the module that opened the index). */
  defaultWorkerPath: string;
  /** True once the index is closing or closed: a sync stops at its next run or batch. */
  isClosing(): boolean;
  /** Awaited before each run's log is read (tests hold the ingest here; see OpenIndexOptions.beforeRun). */
  beforeRun?: OpenIndexOptions['beforeRun'];
}

export class Ingest {
  private readerBroken = false;
  private batchOpen = false;
  private lastYield = 0;
  /** Per file that could not be read, what the log was told: told again only when the cause changes. */
  private readonly told = new Map<string, string>();
  /** Files with a problem in the current sync. */
  private unreadable = new Set<string>();

  constructor(private readonly file: DatabaseFile, private readonly catalog: RunCatalog, private readonly ledger: PushLedger,
    private readonly options: IngestOptions) {}

  /** One sync; `fresh` starts from an empty database (a rebuild). A failed reader thread is retried inline. */
  async sync(onProgress: SyncProgress | undefined, fresh: boolean): Promise<SyncReport> {
    try {
      return await this.syncOnce(onProgress, fresh);
    } catch (err) {
      if (!(err instanceof ReaderThreadError)) throw err;
      this.readerBroken = true;
      this.options.log.warn(`Trialbook: ${err.message}; reading the logs on the main thread from now on.`);
      return this.syncOnce(onProgress, fresh);
    }
  }

  private async syncOnce(onProgress: SyncProgress | undefined, fresh: boolean): Promise<SyncReport> {
    if (fresh) this.file.fresh();
    const report: SyncReport = { changed: [], removed: [], problems: [] };
    this.file.followWriter();
    this.unreadable = new Set();
    const logs = await listRunLogs(this.options.runsDir);
    const present = new Set<string>();
    const plans = new Map<string, IngestPlan>();
    const skipped = new Set<string>();
    let unreadBytes = 0;
    for (const log of logs) {
      present.add(log.id);
      if ('problem' in log) {
        this.tell(report, log.id, log.file, log.problem);
        skipped.add(log.id);
        continue;
      }
      const plan = this.planIngest(log.id, log.file, log.identity, plans.size, report);
      if (plan === 'vanished') present.delete(log.id);
      else if (plan === 'unreadable') skipped.add(log.id);
      else if (plan) { plans.set(log.id, plan); unreadBytes += log.identity.size - plan.job.offset; }
    }
    await this.listNewRuns(plans);
    onProgress?.(0, logs.length, report.changed);
    if (!this.batchOpen) this.file.makeRoom(unreadBytes);
    const reader = this.startReader([...plans.values()], unreadBytes);
    if (plans.size > 0) report.reader = reader ? 'worker' : 'inline';
    const builder = new BatchBuilder();
    let done = 0;
    this.lastYield = performance.now();
    try {
      for (const { id } of logs) {
        // Ingest of one log is synchronous when read inline; give the event loop (the extension host's UI work) a
        // turn regularly. Runs between two turns share one transaction (far fewer page writes than one per run).
        if (performance.now() - this.lastYield > 30) { this.commitBatch(); await this.yieldTurn(); }
        if (this.options.isClosing()) throw new IndexClosingError();
        const plan = plans.get(id);
        if (plan && this.options.beforeRun) { this.commitBatch(); await this.options.beforeRun(id, done); this.lastYield = performance.now(); }
        const outcome = plan ? await this.ingestRun(plan, reader, builder, report) : skipped.has(id) ? 'unreadable' : false;
        if (outcome === 'vanished') present.delete(id);
        else if (outcome !== 'unreadable' && present.has(id) && (this.ingestEdits(id, report) || outcome)) report.changed.push(id);
        onProgress?.(++done, logs.length, report.changed);
      }
      this.commitBatch();
    } catch (err) {
      // Memory and database no longer agree: go back to the saved state; the next sync reads the logs again.
      // (A damaged database is not loaded again: the caller sets it aside and rebuilds.)
      if (this.batchOpen) {
        this.batchOpen = false;
        try { this.file.db.exec('ROLLBACK'); } catch { /* replaced below or by the caller */ }
      }
      if (!isDamage(err)) this.file.loadFromDisk(false);
      throw err;
    } finally {
      this.catalog.previews.clear();
      await reader?.close();
    }
    this.removeGone(present, report);
    if (this.ledger.ingest(this.file.db)) this.file.markDirty();
    if (report.changed.length > 0 || report.removed.length > 0) {
      this.file.db.exec('BEGIN');
      refreshExperiments(this.file.db);
      this.file.db.exec('COMMIT');
      this.file.markDirty();
    }
    for (const file of this.told.keys()) if (!this.unreadable.has(file)) this.told.delete(file);
    return report;
  }

  /** Runs new to the index are listed from their start events at once; their logs are read one by one after. */
  private async listNewRuns(plans: ReadonlyMap<string, IngestPlan>): Promise<void> {
    this.lastYield = performance.now();
    for (const plan of plans.values()) {
      // Two small reads per log, a thousand logs: the extension host gets its turns meanwhile.
      if (performance.now() - this.lastYield > 30) await this.yieldTurn();
      if (this.catalog.runs.has(plan.id)) continue;
      const preview = readRunStart(plan.id, join(this.options.runsDir, plan.id), plan.file, plan.st.size);
      if (preview) this.catalog.previews.set(plan.id, preview);
    }
  }

  /** Runs whose folder or log is gone since the last sync. */
  private removeGone(present: ReadonlySet<string>, report: SyncReport): void {
    const gone = [...this.catalog.runs.values()].filter((run) => !present.has(run.id));
    if (gone.length === 0) return;
    const db = this.file.db;
    db.exec('BEGIN');
    for (const run of gone) {
      deleteRun(db, run);
      this.catalog.runs.delete(run.id);
      this.catalog.edits.delete(run.id);
      report.removed.push(run.id);
    }
    db.exec('COMMIT');
  }

  /** Reports a file of a run that cannot be read, with its path and cause; logged once while the cause stays. */
  private tell(report: SyncReport, runId: string, file: string, reason: string, what: 'log' | 'edits' = 'log'): void {
    this.unreadable.add(file);
    if (report.problems.length < MAX_PROBLEMS_PER_SYNC) report.problems.push({ runId, file, line: 0, reason });
    if (this.told.get(file) === reason) return;
    this.told.set(file, reason);
    const kept = what === 'edits' ? 'the edits read before (if any) stay'
      : this.catalog.runs.has(runId) ? 'the index keeps what it read of this run before' : 'the run is left out';
    this.options.log.warn(`Trialbook: run ${runId}: ${reason}; ${kept} until it can be read.`);
  }

  private beginBatch(): void {
    if (!this.batchOpen) { this.file.db.exec('BEGIN'); this.batchOpen = true; }
  }

  private commitBatch(): void {
    if (this.batchOpen) { this.file.db.exec('COMMIT'); this.batchOpen = false; }
  }

  private async yieldTurn(): Promise<void> {
    await new Promise((r) => setImmediate(r));
    this.lastYield = performance.now();
  }

  /** What to read of one run's log: nothing when it is unchanged since the last sync. */
  private planIngest(id: string, file: string, st: FileIdentity, jobIndex: number, report: SyncReport): IngestPlan | undefined | 'vanished' | 'unreadable' {
    const run = this.catalog.runs.get(id);
    const c = run?.cursor;
    if (run && c && c.size === st.size && c.mtimeMs === st.mtimeMs && c.ino === st.ino) return undefined;
    let reset = !run || !c || c.ino !== st.ino || st.size < c.offset;
    if (!reset && c && c.headLength > 0) {
      // The same file grown, or another one of at least the same size written in its place?
      let head: string;
      try {
        head = headHash(file, c.headLength);
      } catch (err) {
        if (errorCode(err) === 'ENOENT') return 'vanished';
        this.tell(report, id, file, describeFileError(err, file, 'read').cause);
        return 'unreadable';
      }
      if (head !== c.headHash) reset = true;
    }
    const job = reset || !c ? { file, offset: 0, line: 0, headLength: 0 } : { file, offset: c.offset, line: c.line, headLength: c.headLength };
    return { id, file, st, reset, job, jobIndex };
  }

  /** A worker thread reads and parses the logs when there is enough to read to pay for starting it. */
  private startReader(plans: IngestPlan[], unreadBytes: number): LogReaderThread | undefined {
    const choice = this.options.readerWorker;
    if (choice === false) return undefined;
    const workerPath = choice?.path ?? this.options.defaultWorkerPath;
    const minBytes = choice?.minBytes ?? WORKER_MIN_BYTES;
    if (this.readerBroken || plans.length === 0 || unreadBytes < minBytes || !existsSync(workerPath)) return undefined;
    try {
      return new LogReaderThread(workerPath, plans.map((p) => p.job));
    } catch (err) {
      this.readerBroken = true;
      this.options.log.warn(`Trialbook: cannot start the log reader thread (${errorMessage(err)}); reading logs on the main thread.`);
      return undefined;
    }
  }

  /**
   * Ingests what is new in one run's log (inside the sync's open batch transaction): whether the run changed;
   * 'vanished' when its log was deleted before it could be opened (a run still indexed is then left to be
   * removed); 'unreadable' when it could not be opened (reported; the run keeps what was indexed).
   */
  private async ingestRun(plan: IngestPlan, reader: LogReaderThread | undefined, builder: BatchBuilder, report: SyncReport): Promise<boolean | 'vanished' | 'unreadable'> {
    const { id, file, st } = plan;
    const db = this.file.db;
    const old = this.catalog.runs.get(id);
    this.beginBatch();
    // A run read again from the start replaces the indexed one only once its log is open and read.
    const state: RunState = plan.reset || !old ? newRunState(id, join(this.options.runsDir, id)) : old;
    let replaced = !(plan.reset && old);
    const replaceOld = (): void => {
      if (replaced || !old) return;
      deleteRun(db, old);
      this.catalog.runs.delete(id);
      replaced = true;
    };
    const writer = new RunWriter(db);
    let warned = 0;
    const startLine = state.cursor.line;
    const apply = (batch: LogBatch): void => {
      replaceOld();
      for (const p of batch.problems) {
        state.skippedLines++;
        if (report.problems.length < MAX_PROBLEMS_PER_SYNC) report.problems.push({ runId: id, file, line: p.line, reason: p.reason });
        if (warned++ < MAX_WARNINGS_PER_RUN) this.options.log.warn(`${file}:${p.line}: ${p.reason}; line skipped.`);
      }
      applyBatch(state, batch);
      if (state.pendingPoints >= FLUSH_POINTS) writer.flushSeries(state, this.catalog.allocateSeriesId);
    };
    try {
      let applied = 0;
      let result;
      try {
        result = reader
          ? await reader.read(plan.jobIndex, async (batch) => {
            if (this.options.isClosing()) throw new IndexClosingError();
            applied++;
            apply(batch);
            if (performance.now() - this.lastYield > 30) await this.yieldTurn();
          })
          : readLogBatches(plan.job, (batch) => { applied++; apply(batch); }, builder);
      } catch (err) {
        if (applied > 0 || err instanceof ReaderThreadError || err instanceof IndexClosingError) throw err;
        // Deleted between the listing and the read (the log cannot vanish once open): the run is gone.
        if (errorCode(err) === 'ENOENT') return 'vanished';
        // Cannot be opened (permissions, …): nothing of the run changed.
        this.tell(report, id, file, describeFileError(err, file, 'read').cause);
        return 'unreadable';
      }
      replaceOld();
      if (warned > MAX_WARNINGS_PER_RUN) this.options.log.warn(`${file}: ${warned - MAX_WARNINGS_PER_RUN} more lines skipped (not listed).`);
      state.cursor.offset = result.offset;
      state.cursor.line = result.line;
      state.cursor.size = st.size;
      state.cursor.mtimeMs = st.mtimeMs;
      state.cursor.ino = st.ino;
      // Hashed through the descriptor the lines were read from: the folder may be deleted by now.
      if (result.head) {
        state.cursor.headLength = result.head.length;
        state.cursor.headHash = result.head.hash;
      }
      writer.flushSeries(state, this.catalog.allocateSeriesId);
      writer.writeRun(state);
    } finally {
      writer.close();
    }
    this.catalog.runs.set(id, state);
    return plan.reset || state.cursor.line !== startLine;
  }

  /** Reads the run's edits file when it changed; true when the run's overrides changed. */
  private ingestEdits(id: string, report: SyncReport): boolean {
    const file = join(this.options.runsDir, id, 'edits.jsonl');
    const { changed, edits, problem } = readEditsIfChanged(file, this.catalog.edits.get(id));
    if (problem !== undefined) {
      this.tell(report, id, file, problem, 'edits');
      return false;
    }
    if (!changed) return false;
    if (!edits) {
      this.catalog.edits.delete(id);
      return true;
    }
    this.catalog.edits.set(id, edits);
    let warned = 0;
    for (const p of edits.problems) {
      if (report.problems.length < MAX_PROBLEMS_PER_SYNC) report.problems.push({ runId: id, file, line: p.line, reason: p.reason });
      if (p.line === 0) this.options.log.warn(`${file}: ${p.reason}.`);
      else if (warned++ < MAX_WARNINGS_PER_RUN) this.options.log.warn(`${file}:${p.line}: ${p.reason}; line skipped.`);
    }
    const listed = Math.min(warned, MAX_WARNINGS_PER_RUN);
    if (edits.skippedLines > listed) this.options.log.warn(`${file}: ${edits.skippedLines - listed} more lines skipped (not listed).`);
    return true;
  }
}
