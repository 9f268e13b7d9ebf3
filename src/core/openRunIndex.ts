// The workspace index: a small facade over the modules that do its jobs (src/core/index/):
//   databaseFile  the file on disk: writer lock, loading and recovery, room to grow, debounced atomic saves
//   ingest        a sync: run folders and their logs into the database and memory (runFolders lists them)
//   runCatalog    the runs in memory with their edits, and the queries that need no points
//   seriesReader  metric series from the database's chunks, downsampled and cached
//   pushLedger    pushes.jsonl, the durable record of pushes
// The facade runs one sync, save or close at a time, and repairs a damaged database wherever the damage shows.
import { join } from 'node:path';
import { errorMessage } from '../shared/errorMessage';
import { DamagedDatabaseError, isDamage } from './index/damage';
import { DatabaseFile } from './index/databaseFile';
import { ImportedColumns, type ImportedAppend } from './index/importedColumns';
import { Ingest, type SyncProgress } from './index/ingest';
import { PushLedger } from './index/pushLedger';
import { RunCatalog } from './index/runCatalog';
import { encodeRunList, readRunList, runListLister, type RunLister } from './index/runList';
import { SeriesReader } from './index/seriesReader';
import type {
  CellLink, DatasetGroup, ParamComparison, PushRecord, RunDetail, RunQuery, RunRow, SeriesLine, SeriesRequest, SyncReport, EnvelopeRequest, TypedSeriesLine,
} from './model';
import type { OpenIndexOptions, RunIndex } from './runIndex';
import { loadSqlJs, type SqlEngine } from './sqlEngine';
import type { Slicer } from './slices';
import type { Steps } from './steps';
import type { Database } from 'sql.js';

export { IndexClosingError } from './index/ingest';
export type { RunLister } from './index/runList';
export { DamagedDatabaseError } from './index/damage';

class WorkspaceIndex implements RunIndex {
  private readonly file: DatabaseFile;
  private readonly catalog: RunCatalog;
  private readonly ledger: PushLedger;
  private readonly seriesReader: SeriesReader;
  private readonly ingest: Ingest;
  private readonly imported: ImportedColumns;
  /** Runs that took imported columns since the last sync: that sync reports them as changed. */
  private readonly handed = new Set<string>();
  private chain: Promise<unknown> = Promise.resolve();
  private closing = false;
  private closed = false;
  private opened = false;
  private notice: string | undefined;
  /** A notice raised after opening, for the next sync's report. */
  private unreported: string | undefined;
  private readonly warned = new Set<string>();
  /** The notice of a damaged database waiting for its rebuild (the next sync), and how many were found so far. */
  private damage: string | undefined;
  private damageCount = 0;

  constructor(engine: SqlEngine, private readonly options: OpenIndexOptions) {
    const { trialbookDir, log } = options;
    const now = options.now ?? Date.now;
    this.ledger = new PushLedger(trialbookDir, log);
    this.catalog = new RunCatalog({ crashAfterSeconds: options.crashAfterSeconds ?? 30, now, pushesOf: (id) => this.ledger.forRun(id) });
    this.file = new DatabaseFile(engine.sql, {
      load: (db) => this.loadInSteps(db),
      clear: () => { this.catalog.clear(); this.ledger.clear(); this.seriesReader.clear(); },
      runList: () => encodeRunList(this.catalog.runs.values(), this.catalog.edits),
    }, {
      trialbookDir, readOnly: options.readOnly ?? false, saveDelayMs: options.saveDelayMs ?? 2000, now, log,
      notify: (text, warn) => this.tell(text, warn),
      saveDue: () => { this.save().catch((err: unknown) => log.error(`Trialbook: ${errorMessage(err)}`)); },
      ...(options.beforeLoad ? { beforeLoad: options.beforeLoad } : {}),
    });
    this.seriesReader = new SeriesReader(engine, () => this.file.db, () => this.catalog.runs);
    this.ingest = new Ingest(this.file, this.catalog, this.ledger, {
      runsDir: join(trialbookDir, 'runs'), log, readerWorker: options.readerWorker, isClosing: () => this.closing || this.closed,
      // Beside this module, as compiled (out/src/core) and as bundled (dist).
      defaultWorkerPath: join(__dirname, 'logReaderWorker.js'),
      ...(options.beforeRun ? { beforeRun: options.beforeRun } : {}),
    });
    this.imported = new ImportedColumns(this.file, this.catalog, join(trialbookDir, 'runs'));
  }

  /** What the index keeps in memory, from a database just read (in steps: see DatabaseContents.load). */
  private *loadInSteps(db: Database): Steps<void> {
    yield* this.catalog.loadInSteps(db);
    this.ledger.load(db);
    this.seriesReader.clear();
  }

  /** Opening: take the lock if allowed, load the database (or recover). */
  async open(): Promise<void> {
    await this.file.open();
    this.opened = true;
  }

  setCrashAfterSeconds(seconds: number): void {
    this.catalog.setCrashAfterSeconds(seconds);
  }

  get isWriter(): boolean {
    return this.file.isWriter;
  }

  get readOnlyReason(): string | undefined {
    return this.file.readOnlyReason;
  }

  get openNotice(): string | undefined {
    return this.notice;
  }

  /** Notices while opening become `openNotice`; later ones go with the next sync's report. Each is logged once. */
  private tell(text: string, warn: boolean): void {
    if (this.opened) this.unreported = text;
    else this.notice = text;
    if (warn && !this.warned.has(text)) {
      this.warned.add(text);
      this.options.log.warn(`Trialbook: ${text}`);
    }
  }

  /** Damage found in a query or a write: the file is set aside and the next sync rebuilds the index from the logs. */
  private damaged(err: unknown): string {
    if (this.damage === undefined) {
      this.damage = this.file.setAside(errorMessage(err));
      this.damageCount++;
      this.tell(this.damage, true);
    }
    return this.damage;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  sync(onProgress?: SyncProgress): Promise<SyncReport> {
    return this.serial(() => this.syncNow(onProgress, false));
  }

  pendingRuns(): number {
    return this.catalog.pendingCount();
  }

  isPending(runId: string): boolean {
    return this.catalog.isPending(runId);
  }

  /** One sync; `fresh` starts from an empty database (a rebuild), as does a sync after damage was found. */
  private async syncNow(onProgress: SyncProgress | undefined, fresh: boolean): Promise<SyncReport> {
    if (this.closed) throw new Error('the index is closed');
    let rebuild = fresh || this.damage !== undefined;
    let repairs = this.damageCount;
    let report: SyncReport | undefined;
    for (let attempt = 0; !report; attempt++) {
      try {
        report = await this.ingest.sync(onProgress, rebuild);
      } catch (err) {
        if (!isDamage(err) || attempt > 0) throw err;
        this.damaged(err);
        rebuild = true;
        repairs = this.damageCount;
      }
    }
    // Rebuilt from the logs: the damage is gone, unless more was found (by a query) while this sync ran.
    if (rebuild && this.damage !== undefined && this.damageCount === repairs) {
      this.damage = undefined;
      this.file.resumeSaves();
      this.file.markDirty();
    }
    if (this.handed.size > 0) {
      const listed = new Set(report.changed);
      for (const id of this.handed) if (!listed.has(id) && this.catalog.runs.has(id)) report.changed.push(id);
      this.handed.clear();
    }
    if (this.unreported !== undefined) {
      report.notice = this.unreported;
      this.unreported = undefined;
    }
    return report;
  }

  ingestImported(append: ImportedAppend): Promise<boolean> {
    return this.serial(async () => {
      if (this.closing || this.closed || this.damage !== undefined) return false;
      try {
        // As a sync starts: take over a lock that became free (the folder was just created). A reader leaves the
        // lines to its syncs (it loads what the writer saves).
        if (!this.file.isWriter) this.file.followWriter();
        if (!this.file.isWriter) return false;
        const applied = this.imported.apply(append);
        if (applied) this.handed.add(append.runId);
        return applied;
      } catch (err) {
        // The lines are in the log: a rebuild (after damage) or the next sync reads them.
        if (!isDamage(err)) throw err;
        this.damaged(err);
        return false;
      }
    });
  }

  recordPush(push: PushRecord): void {
    this.ledger.append(push);
    try {
      if (this.ledger.ingest(this.file.db)) this.file.markDirty();
    } catch (err) {
      // The push is safe in pushes.jsonl: the rebuild reads it again.
      if (!isDamage(err)) throw err;
      this.damaged(err);
    }
  }

  listRuns(query?: RunQuery): RunRow[] {
    return this.catalog.listRuns(query);
  }

  getRun(id: string): RunDetail | undefined {
    return this.catalog.getRun(id);
  }

  datasets(): DatasetGroup[] {
    return this.catalog.datasets();
  }

  runsWithArtifacts(type?: string): string[] {
    return this.catalog.runsWithArtifacts(type);
  }

  experiments(): string[] {
    return this.catalog.experiments();
  }

  metricKeys(runIds?: string[]): string[] {
    return this.catalog.metricKeys(runIds);
  }

  compareParams(runIds: string[], onlyDifferent: boolean): ParamComparison {
    return this.catalog.compareParams(runIds, onlyDifferent);
  }

  cellLinks(notebookPath: string): CellLink[] {
    return this.catalog.cellLinks(notebookPath);
  }

  series(request: SeriesRequest): SeriesLine[] {
    try {
      return this.seriesReader.series(request);
    } catch (err) {
      if (!isDamage(err)) throw err;
      throw new DamagedDatabaseError(this.damaged(err));
    }
  }

  seriesEnvelopes(request: EnvelopeRequest): TypedSeriesLine[] {
    try {
      return this.seriesReader.envelopes(request);
    } catch (err) {
      if (!isDamage(err)) throw err;
      throw new DamagedDatabaseError(this.damaged(err));
    }
  }

  rebuild(onProgress?: SyncProgress): Promise<SyncReport> {
    return this.serial(async () => {
      const report = await this.syncNow(onProgress, true);
      this.file.markDirty();
      await this.file.save();
      return report;
    });
  }

  save(): Promise<void> {
    return this.serial(() => this.file.save());
  }

  close(): Promise<void> {
    // A sync in progress stops at its next run or batch (its work is dropped: the logs are read again next time).
    this.closing = true;
    return this.serial(async () => {
      if (this.closed) return;
      try {
        await this.file.save();
      } finally {
        this.closed = true;
        this.imported.close();
        this.file.close();
      }
    });
  }
}

/** Opens the index of a workspace's `.trialbook` folder. Call `sync()` to ingest the logs. */
export async function openRunIndex(options: OpenIndexOptions): Promise<RunIndex> {
  const engine = await loadSqlJs(options.wasmPath);
  const index = new WorkspaceIndex(engine, options);
  await index.open();
  return index;
}

/**
 * The runs as the database beside them last saved them, read from its run list (index/runList.ts) in slices of
 * `slicer`'s length, for listing while the index itself loads; or why there is none usable (the index answers then).
 */
export async function openRunList(trialbookDir: string, crashAfterSeconds: number, now?: () => number, slicer?: Slicer)
  : Promise<{ lister: RunLister; runs: number } | { problem: string }> {
  const read = await readRunList(trialbookDir, slicer);
  if ('problem' in read) return read;
  return { lister: runListLister(read, crashAfterSeconds, now), runs: read.runs.size };
}
