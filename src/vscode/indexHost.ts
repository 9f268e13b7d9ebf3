import * as vscode from 'vscode';
import * as path from 'node:path';
import { openRunIndex, openRunList, type RunLister } from '../core/openRunIndex';
import type { Logger, RunStatus, SyncReport } from '../core/model';
import type { OpenIndexOptions, RunIndex } from '../core/runIndex';
import { loadSqlJs } from '../core/sqlEngine';
import { formatCount } from '../shared/format';
import { errorMessage } from '../shared/errorMessage';
import { inertText } from '../shared/untrustedText';
import { ViewId } from './commandIds';

export interface IndexHostOptions {
  trialbookDir: string;
  wasmPath: string;
  log: Logger;
  crashAfterSeconds: number;
  pollIntervalSeconds: number;
  /** Passed to the index (OpenIndexOptions.beforeRun): tests hold its ingest there. */
  beforeRun?: OpenIndexOptions['beforeRun'];
  /** Passed to the index (OpenIndexOptions.beforeLoad): tests hold the database's load there. */
  beforeLoad?: OpenIndexOptions['beforeLoad'];
}

/** A long sync of runs listed but not read yet: logs read so far of all, and runs still without their metrics. */
export interface IndexingProgress {
  done: number;
  total: number;
  pending: number;
}

/** The poll never runs more often than this, whatever the setting says. */
const MIN_POLL_MS = 500;
/** While a sync reads logs of listed runs, views are told of the runs filled in at most this often. */
const FILL_INTERVAL_MS = 400;

/**
 * Owns the workspace's RunIndex: opens it lazily (never on the activation path), keeps it in step with
 * the logs through a file-system watcher plus a slow poll (file events are not delivered on every file
 * system), and tells listeners what changed.
 */
export class IndexHost implements vscode.Disposable {
  private opening: Promise<RunIndex> | undefined;
  private index: RunIndex | undefined;
  /** What the Runs view lists from: the run list beside the database while the index loads, then the index. */
  private listing: Promise<RunLister> | undefined;
  private resolveListing: ((lister: RunLister) => void) | undefined;
  /** Set once the index lists every run (then it answers `lister()`). */
  private indexListed = false;
  private syncing: Promise<void> | undefined;
  private syncAgain = false;
  private debounce: NodeJS.Timeout | undefined;
  private poll: NodeJS.Timeout | undefined;
  private pollMs: number;
  private crashAfterSeconds: number;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changeEmitter = new vscode.EventEmitter<SyncReport>();
  /**
   * Fires after each sync that changed something, and on every poll while runs are active (ages, crash detection);
   * during a long sync of listed runs, also every FILL_INTERVAL_MS with the runs filled in since.
   */
  readonly onDidChange = this.changeEmitter.event;
  private readonly progressEmitter = new vscode.EventEmitter<IndexingProgress | undefined>();
  /** Fires when indexing of listed runs starts, advances (throttled) and ends (undefined). */
  readonly onDidChangeProgress = this.progressEmitter.event;
  /** Set while a sync reads the logs of runs listed from their start events only. */
  progress: IndexingProgress | undefined;
  /** Starts true so the first sync looks (runs loaded from the database may be running, or have crashed since). */
  private anyRunning = true;
  /** How long opening the index took (sql.js and the database file), once it has. */
  openMs: number | undefined;
  /** When the first sync ended (epoch ms): every log read. */
  indexedAt: number | undefined;
  /** When something first asked for the index (epoch ms): opening starts then. */
  openAskedAt: number | undefined;
  /** Poll ticks so far (the test API reports them). */
  polls = 0;
  private disposed = false;

  constructor(private readonly options: IndexHostOptions) {
    this.pollMs = pollPeriod(options.pollIntervalSeconds);
    this.crashAfterSeconds = options.crashAfterSeconds;
    const pattern = new vscode.RelativePattern(vscode.Uri.file(path.dirname(options.trialbookDir)), '.trialbook/runs/**');
    const watcher = vscode.workspace.createFileSystemWatcher(pattern);
    const onEvent = (): void => this.scheduleSync(100);
    this.disposables.push(watcher, watcher.onDidChange(onEvent), watcher.onDidCreate(onEvent), watcher.onDidDelete(onEvent), this.changeEmitter,
      this.progressEmitter);
  }

  get trialbookDir(): string {
    return this.options.trialbookDir;
  }

  /** The poll's period once the index is open (the test API reports it). */
  get pollIntervalMs(): number | undefined {
    return this.poll ? this.pollMs : undefined;
  }

  /**
   * The index, opened on first use. It resolves once every run can be listed: at once from the database when it
   * exists, and new runs from their start events; their logs are read after (see `progress`, `onDidChange`).
   */
  get(): Promise<RunIndex> {
    if (!this.opening) {
      this.openAskedAt = Date.now();
      this.listing = new Promise<RunLister>((resolve) => { this.resolveListing = resolve; });
      this.opening = this.open();
    }
    return this.opening;
  }

  /**
   * What can list the runs soonest: the run list the database's last save left beside it (read in milliseconds,
   * while the database loads into sql.js), else the index once it lists every run. When the index takes over from
   * the run list, `onDidChange` fires so that views list again from it.
   */
  lister(): Promise<RunLister> {
    const index = this.index;
    if (index && this.indexListed) return Promise.resolve(index);
    const opening = this.get();
    return this.listing ?? opening;
  }

  /** The index if it is already open (for cheap, synchronous callers such as tree item lookups). */
  peek(): RunIndex | undefined {
    return this.index;
  }

  /** Ingest changes now; resolves when listeners have been told. */
  async refresh(): Promise<void> {
    await this.get();
    await this.sync();
  }

  async rebuild(onProgress: (done: number, total: number) => void): Promise<SyncReport> {
    const index = await this.get();
    const report = await index.rebuild(onProgress);
    this.changeEmitter.fire(report);
    return report;
  }

  /** Tells listeners that these runs should be shown again although their logs did not change (a setting changed). */
  announce(runIds: readonly string[]): void {
    if (this.disposed || runIds.length === 0) return;
    this.changeEmitter.fire({ changed: [...new Set(runIds)], removed: [], problems: [] });
  }

  /** `trialbook.pollIntervalSeconds` changed: the poll restarts at the new period. */
  setPollInterval(seconds: number): void {
    this.pollMs = pollPeriod(seconds);
    if (this.poll) this.startPoll();
  }

  /** `trialbook.crashAfterSeconds` changed: statuses are derived again, and runs whose status moved are announced. */
  setCrashAfterSeconds(seconds: number): void {
    this.crashAfterSeconds = seconds;
    const index = this.index;
    if (!index) return; // opening reads the value when it is done
    const before = statuses(index);
    index.setCrashAfterSeconds(seconds);
    const after = statuses(index);
    this.anyRunning = [...after.values()].includes('running');
    this.announce([...after.keys()].filter((id) => before.get(id) !== after.get(id)));
  }

  scheduleSync(delayMs: number): void {
    if (this.disposed || !this.index) {
      return;
    }
    if (this.debounce) {
      clearTimeout(this.debounce);
    }
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      void this.sync();
    }, delayMs);
  }

  private startPoll(): void {
    if (this.poll) clearInterval(this.poll);
    this.poll = setInterval(() => {
      this.polls++;
      this.scheduleSync(0);
    }, this.pollMs);
  }

  private async open(): Promise<RunIndex> {
    const started = Date.now();
    const crashAfterSeconds = this.crashAfterSeconds;
    // sql.js compiled on V8's background threads while the run list is read (the index below gets the same engine).
    const engine = loadSqlJs(this.options.wasmPath, true);
    engine.catch(() => undefined);
    const list = await openRunList(this.options.trialbookDir, crashAfterSeconds);
    let fromList = false;
    if ('lister' in list) {
      fromList = true;
      this.resolveListing?.(list.lister);
      this.options.log.info(`Runs listed from the run list (${list.runs} runs) in ${Date.now() - started} ms; the index loads meanwhile.`);
    } else {
      this.options.log.info(`Runs listed once the index has loaded: ${list.problem}.`);
    }
    const index = await openRunIndex({
      trialbookDir: this.options.trialbookDir,
      wasmPath: this.options.wasmPath,
      log: this.options.log,
      crashAfterSeconds,
      ...(this.options.beforeRun ? { beforeRun: this.options.beforeRun } : {}),
      ...(this.options.beforeLoad ? { beforeLoad: this.options.beforeLoad } : {}),
    });
    // The setting may have changed while the index opened.
    if (this.crashAfterSeconds !== crashAfterSeconds) index.setCrashAfterSeconds(this.crashAfterSeconds);
    this.index = index;
    this.openMs = Date.now() - started;
    this.options.log.info(`Index opened in ${this.openMs} ms (${index.isWriter ? 'writer' : 'reader: another window writes the database'})`);
    if (index.openNotice) {
      void vscode.window.showWarningMessage(`Trialbook: ${inertText(index.openNotice)}`);
    }
    // The runs are listed as soon as the first sync has listed them (it stats the logs; new runs come from their
    // start events); the logs are read after, with progress on the Runs view, and views fill in as runs are read.
    let listed!: () => void;
    const ready = new Promise<void>((resolve) => { listed = resolve; });
    const firstSync = vscode.window.withProgress({ location: { viewId: ViewId.runs }, title: 'Indexing runs' }, () => this.sync(listed));
    void Promise.resolve(firstSync).finally(() => {
      this.indexedAt = Date.now();
      listed();
      if (!this.disposed) this.startPoll();
    });
    await ready;
    this.indexListed = true;
    this.resolveListing?.(index);
    this.resolveListing = undefined;
    // Views listed from the run list: the index now answers (with runs new since, and everything read since).
    if (fromList && !this.disposed) this.changeEmitter.fire({ changed: [], removed: [], problems: [] });
    return index;
  }

  /** A sync's progress: runs listed (the first call), then runs filled in, told to views at most every FILL_INTERVAL_MS. */
  private progressOf(index: RunIndex, onListed: (() => void) | undefined): (done: number, total: number, changed: readonly string[]) => void {
    let told = 0;
    let lastFill = Date.now();
    return (done, total, changed) => {
      if (done === 0) onListed?.();
      const pending = index.pendingRuns();
      if (pending === 0 && !this.progress) return;
      const now = Date.now();
      if (done > 0 && now - lastFill < FILL_INTERVAL_MS && pending > 0) return;
      lastFill = now;
      this.progress = pending > 0 ? { done, total, pending } : undefined;
      this.progressEmitter.fire(this.progress);
      if (changed.length > told) {
        this.changeEmitter.fire({ changed: changed.slice(told), removed: [], problems: [] });
        told = changed.length;
      }
    };
  }

  /** Why what the user asked for may be incomplete: some of these runs are listed but their logs not read yet. */
  pendingNotice(runIds: readonly string[]): string | undefined {
    const index = this.index;
    if (!index || !this.progress) return undefined;
    const pending = runIds.filter((id) => index.isPending(id)).length;
    if (pending === 0) return undefined;
    const { done, total } = this.progress;
    return `Trialbook is still indexing (${formatCount(done)} of ${formatCount(total)} logs read): ${pending === runIds.length && pending === 1 ? 'this run\'s'
      : `${formatCount(pending)} of these runs'`} metrics are not read yet and fill in as their logs are read.`;
  }

  /** One sync at a time; a request during a sync runs once more afterwards. `onListed`: when its runs can be listed. */
  private async sync(onListed?: () => void): Promise<void> {
    if (this.syncing) {
      this.syncAgain = true;
      return this.syncing;
    }
    const index = this.index;
    if (!index) {
      return;
    }
    this.syncing = (async () => {
      do {
        this.syncAgain = false;
        try {
          const started = Date.now();
          const report = await index.sync(this.progressOf(index, onListed));
          onListed = undefined;
          if (this.progress) {
            this.progress = undefined;
            this.progressEmitter.fire(undefined);
          }
          // A repair found after opening (e.g. a damaged database set aside and rebuilt): told once, as openNotice is.
          if (report.notice) void vscode.window.showWarningMessage(inertText(`Trialbook: ${report.notice}`));
          if (report.reader === 'worker') {
            this.options.log.info(`Indexed ${report.changed.length} changed runs in ${((Date.now() - started) / 1000).toFixed(1)} s; the logs were read on a worker thread.`);
          }
          const changed = report.changed.length > 0 || report.removed.length > 0;
          const wasRunning = this.anyRunning;
          // Statuses only move when logs change, or with time while runs are running (crash detection):
          // an idle workspace costs one stat per log per poll and nothing more.
          if (changed || wasRunning) this.anyRunning = index.listRuns({ filter: 'status = running' }).length > 0;
          if (changed || this.anyRunning || wasRunning) {
            this.changeEmitter.fire(report);
          }
        } catch (err) {
          if (this.progress) {
            this.progress = undefined;
            this.progressEmitter.fire(undefined);
          }
          if (this.disposed) break; // closing: the sync was stopped on purpose
          this.options.log.error(`Sync failed: ${err instanceof Error && err.stack ? err.stack : errorMessage(err)}`);
        }
      } while (this.syncAgain && !this.disposed);
    })();
    try {
      await this.syncing;
    } finally {
      this.syncing = undefined;
    }
  }

  async close(): Promise<void> {
    this.dispose();
    if (this.opening) {
      const index = await this.opening.catch(() => undefined);
      await index?.close();
    }
  }

  dispose(): void {
    this.disposed = true;
    if (this.debounce) clearTimeout(this.debounce);
    if (this.poll) clearInterval(this.poll);
    for (const d of this.disposables) d.dispose();
    this.disposables.length = 0;
  }
}

function pollPeriod(seconds: number): number {
  return Math.max(MIN_POLL_MS, seconds * 1000);
}

function statuses(index: RunIndex): Map<string, RunStatus> {
  return new Map(index.listRuns({}).map((r) => [r.id, r.status]));
}
