// Browsing one MLflow tracking server: lists its experiments and runs page by page into the mirror (each page is
// written to .trialbook/runs as soon as it arrives, so the first runs show while the rest stream in), fetches metric
// histories for the runs opened or compared, and remembers when the server was last listed
// (.trialbook/remote/<server>.json) so cached runs say how stale they are when the server cannot be reached.
// Memory stays bounded by one page (RUNS_PAGE runs) plus the histories asked for: pages are not kept.
//
// One operation at a time (a listing page, a history fetch): the mirror appends to run logs, and two passes over
// one run at once could write its start twice. A history fetch asked for during a listing runs between two pages.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage } from '../../shared/errorMessage';
import type { Logger } from '../model';
import { RegistryError } from '../registry/errors';
import { MissingEndpointError } from '../sync/syncApi';
import { forgetDeletedImports, ImportLedger } from '../sources/importLedger';
import { mirrorRunId, mirrorSource, SOURCE_FILE } from '../sources/sourceMirror';
import { isRecord } from '../sources/sourceFiles';
import { toServerFilter } from './remoteFilter';
import { MlflowServerReader, RUNS_PAGE, type MlflowCall, type MlflowTextCall } from './serverReader';

/** Runs written per mirror operation (a page of 1,000 is written in ten). */
const WRITE_SLICE = 100;

export interface ServerCache {
  server: string;
  /** When a listing last completed (epoch ms); absent when it never did. */
  listedAt?: number;
  experiments: number;
  runs: number;
}

export interface BrowseStatus extends ServerCache {
  state: 'idle' | 'listing' | 'error';
  /** What went wrong and what to do (state 'error'). */
  error?: string;
  /** Runs mirrored in the listing under way (state 'listing'). */
  listed: number;
  /** Milliseconds from the start of the last listing to its first page written. */
  firstPageMs?: number;
  /** Cached runs removed by the last full listing: deleted on the server (or their experiment was). */
  removed?: number;
  /** The runs/search filter the last listing sent ('' for none). */
  serverFilter?: string;
  /** The cache file. */
  cacheFile: string;
}

export interface PageReport {
  /** Run folders whose log grew. */
  changed: string[];
  runs: number;
}

export interface BrowseOptions {
  pageSize?: number;
  /**
   * A Runs view filter: only the runs that can match it are listed (its translatable part as the runs/search
   * filter, its experiment conditions choosing the experiments). Such a listing caches what it finds but neither
   * counts as the server's listing nor removes runs it does not list.
   */
  filter?: string;
  onPage?: (page: PageReport) => void;
  now?: () => number;
}

/** The cache file of a server under .trialbook. */
export function cacheFileOf(trialbookDir: string, server: string): string {
  return join(trialbookDir, 'remote', `${createHash('sha1').update(server).digest('hex').slice(0, 12)}.json`);
}

export function readCache(file: string, server: string): ServerCache {
  try {
    const v: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (isRecord(v) && v.server === server) {
      const out: ServerCache = { server, experiments: Number(v.experiments) || 0, runs: Number(v.runs) || 0 };
      if (typeof v.listedAt === 'number') out.listedAt = v.listedAt;
      return out;
    }
  } catch { /* none yet, or unreadable: never listed */ }
  return { server, experiments: 0, runs: 0 };
}

function writeCache(file: string, cache: ServerCache): void {
  mkdirSync(join(file, '..'), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(cache));
  renameSync(tmp, file);
}

/** An error of a browse call as what happened and what to do; `credentialsHint` names the way to fix a login. */
export function describeBrowseError(err: unknown, server: string, credentialsHint: string): string {
  if (err instanceof MissingEndpointError) {
    return `MLflow server ${server} has no ${err.endpoint} endpoint (HTTP 404). Check that the address is the tracking server itself (e.g. http://host:5000, with any path prefix it is served under); if it is, it runs an MLflow too old to browse here (experiments/search came with MLflow 1.28): upgrade it.`;
  }
  if (err instanceof RegistryError) {
    if (err.code === 'auth') return `MLflow server ${server} rejected the login (HTTP 401). ${credentialsHint} Runs listed before stay available from the cache.`;
    if (err.code === 'denied') return `MLflow server ${server} denied access (HTTP 403). Ask its administrators for read permission on the experiments. Runs listed before stay available from the cache.`;
    if (err.code === 'unreachable') return `${err.message.replace(/ \(the sync stops here.*\)$/, '').replace(/; blobs already stored are not sent again\./, '.')} Runs listed before stay available from the cache.`;
    if (err.status === 404) return `MLflow server ${server} answered HTTP 404: ${err.message} Check that the address is the tracking server itself (e.g. http://host:5000), including any path prefix.`;
    return err.message.replace(/ \(the sync stops here.*\)$/, '');
  }
  return `MLflow server ${server}: ${errorMessage(err)}`;
}

export class RemoteBrowser {
  readonly reader: MlflowServerReader;
  readonly cacheFile: string;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly told = new Set<string>();
  private current: BrowseStatus;

  constructor(readonly server: string, call: MlflowCall, private readonly trialbookDir: string, private readonly log: Logger,
    private readonly credentialsHint = 'Store a valid login for this server and refresh.', callText?: MlflowTextCall) {
    this.reader = new MlflowServerReader(server, call, this.runsDir, callText);
    this.cacheFile = cacheFileOf(trialbookDir, server);
    this.current = { ...readCache(this.cacheFile, server), state: 'idle', listed: 0, cacheFile: this.cacheFile };
  }

  get runsDir(): string {
    return join(this.trialbookDir, 'runs');
  }

  get status(): BrowseStatus {
    return { ...this.current };
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.chain.then(work, work);
    this.chain = next.catch(() => undefined);
    return next;
  }

  /**
   * Lists every experiment and run of the server into the mirror, a page at a time (each page written as it
   * arrives and reported to `onPage`). Never throws: a failure is the status's error, and what was listed stays.
   */
  async refresh(options: BrowseOptions = {}): Promise<BrowseStatus> {
    const now = options.now ?? Date.now;
    const started = now();
    this.current = { ...this.current, state: 'listing', listed: 0 };
    delete this.current.error;
    delete this.current.firstPageMs;
    delete this.current.removed;
    const narrowed = options.filter !== undefined && options.filter.trim() !== '';
    const translated = toServerFilter(narrowed ? options.filter : undefined);
    this.current.serverFilter = translated.filter;
    let runs = 0;
    /** Mirror folders of every run the server listed (a full listing removes the other cached runs). */
    const seen = new Set<string>();
    // One ledger for the whole listing, its additions appended slice by slice (a slice's lines, never the whole
    // ledger). Runs written before a crash are noted on the next listing (their folders exist).
    const ledger = new ImportLedger(this.runsDir);
    try {
      const experiments = await this.exclusive(() => this.reader.experiments());
      for (const experiment of experiments) {
        if (translated.experiment && !translated.experiment(experiment.name)) continue;
        for await (const page of this.reader.runPages(experiment, options.pageSize ?? RUNS_PAGE, translated.filter)) {
          // A page is written in slices, each one operation (a history fetch may run between two) and reported as
          // written: the first runs show while the rest of the page is still being written.
          const all = page.listing.runs;
          for (let at = 0; at < all.length; at += WRITE_SLICE) {
            for (const r of all.slice(at, at + WRITE_SLICE)) seen.add(mirrorRunId('mlflow-server', this.server, r.sourceId));
            const listing = { runs: all.slice(at, at + WRITE_SLICE), problems: at === 0 ? page.listing.problems : [] };
            const report = await this.exclusive(async (): Promise<PageReport> => {
              const mirrored = await mirrorSource(this.reader, this.runsDir, this.log, { listing, told: this.told, ledger });
              ledger.save();
              return { changed: mirrored.changed, runs: mirrored.runs };
            });
            runs += report.runs;
            this.current.listed = runs;
            this.current.firstPageMs ??= now() - started;
            options.onPage?.(report);
          }
        }
      }
      ledger.save();
      if (narrowed) {
        this.current = { ...this.current, state: 'idle', listed: runs };
        return this.status;
      }
      const removed = await this.exclusive(() => this.removeUnlisted(seen));
      if (removed.length > 0) options.onPage?.({ changed: removed, runs: 0 });
      this.current = { ...this.current, state: 'idle', listedAt: now(), experiments: experiments.length, runs, removed: removed.length };
      writeCache(this.cacheFile, { server: this.server, listedAt: now(), experiments: experiments.length, runs });
    } catch (err) {
      ledger.save();
      this.current = { ...this.current, state: 'error', error: describeBrowseError(err, this.server, this.credentialsHint) };
    }
    return this.status;
  }

  /**
   * Removes the cached runs of this server that a complete listing did not list: deleted on the server (runs/search
   * lists ACTIVE_ONLY), in a deleted experiment, or purged. They are forgotten by the import ledger too (a user's
   * deletion is remembered there, a server's is not), so a run restored on the server is listed and cached again.
   */
  private async removeUnlisted(seen: ReadonlySet<string>): Promise<string[]> {
    let names: string[];
    try {
      // Off the thread: a folder of 20,000 runs takes a while to list.
      names = await readdir(this.runsDir);
    } catch {
      return [];
    }
    const removed: string[] = [];
    for (const id of names) {
      await this.reader.slicer.pause();
      if (!id.startsWith('mlflowsrv-') || seen.has(id) || this.sourceIdOf(id) === undefined) continue;
      try {
        rmSync(join(this.runsDir, id), { recursive: true, force: true });
        removed.push(id);
      } catch (err) {
        this.log.warn(`Trialbook: ${id} (deleted on ${this.server}) could not be removed from the cache: ${errorMessage(err)}`);
      }
    }
    if (removed.length > 0) forgetDeletedImports(this.trialbookDir, removed);
    return removed;
  }

  /** The source run id of a mirrored run of this server, or undefined when the run is not one. */
  sourceIdOf(runId: string): string | undefined {
    if (!runId.startsWith('mlflowsrv-')) return undefined;
    try {
      const v: unknown = JSON.parse(readFileSync(join(this.runsDir, runId, SOURCE_FILE), 'utf8'));
      if (isRecord(v) && v.kind === 'mlflow-server' && v.root === this.server && typeof v.sourceId === 'string' && mirrorRunId('mlflow-server', this.server, v.sourceId) === runId) return v.sourceId;
    } catch { /* not mirrored (yet) */ }
    return undefined;
  }

  /**
   * Fetches the metric histories of these runs (those of this server; others are ignored) into their logs: all
   * points the first time, what is new after that. Answers the run folders whose log grew; throws what went wrong.
   */
  fetchHistories(runIds: readonly string[]): Promise<string[]> {
    const refs = runIds.flatMap((id) => {
      const sourceId = this.sourceIdOf(id);
      return sourceId === undefined ? [] : [{ sourceId, location: `${this.server}#${sourceId}` }];
    });
    if (refs.length === 0) return Promise.resolve([]);
    for (const r of refs) this.reader.want(r.sourceId);
    return this.exclusive(async () => {
      this.reader.lastError = undefined;
      const mirrored = await mirrorSource(this.reader, this.runsDir, this.log, { listing: { runs: refs, problems: [] }, told: this.told });
      const failed = mirrored.problems.find((p) => p.reason.startsWith('cannot import this run'));
      if (failed && mirrored.changed.length === 0) {
        throw new Error(this.reader.lastError !== undefined ? describeBrowseError(this.reader.lastError, this.server, this.credentialsHint) : failed.reason);
      }
      return mirrored.changed;
    });
  }

  close(): void {
    this.reader.close();
  }
}
