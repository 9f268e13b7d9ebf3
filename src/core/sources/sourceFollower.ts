// Follows the configured sources: each pass reads what every source gained since the last one (by byte offset for
// append-only files) into its runs' logs, which the index then tails like its own. The editor runs a pass every
// half second; the CLI runs one. Listing a source's runs (a walk of a whole logdir) happens only now and then;
// known runs are checked every pass.
import { join, resolve } from 'node:path';
import { errorMessage } from '../../shared/errorMessage';
import type { ImportedSink } from '../index/importedColumns';
import type { Logger } from '../model';
import { describeProblem, mirrorSource, type MirrorProblem, type MirrorReport } from './sourceMirror';
import { openSourceReader, type ReaderEnvironment, type SourceConfig } from './sourceKinds';
import { SOURCE_KIND_NAMES } from './sourceModel';
import type { RunListing, SourceReader } from './sourceReader';
import { sourceRegisteredModels, type SourceRegisteredModel } from './sourceRegistry';

/** A source's runs are listed again after this long (new runs appear within it; known runs grow every pass). */
const RELIST_MS = 5_000;

export interface SourceStatus {
  path: string;
  kind?: string;
  /** Runs the source holds. */
  runs: number;
  /** Set when the source cannot be read at all. */
  error?: string;
  /** The problems found so far (each once), newest last, at most MAX_KEPT. */
  problems: MirrorProblem[];
}

export interface PassReport {
  /** Run folders whose log grew. */
  changed: string[];
  bytes: number;
  sources: SourceStatus[];
}

const MAX_KEPT = 1_000;

interface Followed {
  config: SourceConfig;
  reader?: SourceReader;
  error?: string;
  listing?: RunListing;
  listedAt: number;
  status: SourceStatus;
  told: Set<string>;
}

export class SourceFollower {
  private followed = new Map<string, Followed>();
  private running: Promise<PassReport> | undefined;
  private sink: ImportedSink | undefined;

  constructor(private readonly runsDir: string, private readonly log: Logger, private readonly env: ReaderEnvironment = {},
    private readonly now: () => number = Date.now) {}

  /** The sources to follow from now on (paths resolved against `base`). Readers of dropped sources are closed. */
  setSources(configs: readonly SourceConfig[], base: string): void {
    const next = new Map<string, Followed>();
    for (const c of configs) {
      const path = resolve(base, c.path);
      const key = `${c.kind ?? ''}\u0000${path}`;
      const old = this.followed.get(key);
      if (old) { next.set(key, old); continue; }
      const config: SourceConfig = c.kind ? { path, kind: c.kind } : { path };
      next.set(key, { config, listedAt: 0, status: { path, runs: 0, problems: [] }, told: new Set() });
    }
    for (const [key, f] of this.followed) if (!next.has(key)) f.reader?.close();
    this.followed = next;
  }

  /**
   * The index to hand each run's appended lines to as columns (index/importedColumns.ts), or none: the index then
   * reads the logs at its next sync, as it always can.
   */
  setSink(sink: ImportedSink | undefined): void {
    this.sink = sink;
  }

  get sources(): SourceStatus[] {
    return [...this.followed.values()].map((f) => f.status);
  }

  /** One pass over every source; a pass asked for while one runs gets that one's report. */
  pass(): Promise<PassReport> {
    if (!this.running) this.running = this.passOnce().finally(() => { this.running = undefined; });
    return this.running;
  }

  private async passOnce(): Promise<PassReport> {
    const report: PassReport = { changed: [], bytes: 0, sources: [] };
    for (const f of this.followed.values()) {
      if (!f.reader) {
        const opened = openSourceReader(f.config, this.env);
        if ('problem' in opened) {
          if (f.error !== opened.problem) this.log.warn(`Trialbook: source ${f.config.path}: ${opened.problem}.`);
          f.error = opened.problem;
          f.status.error = opened.problem;
          report.sources.push(f.status);
          continue;
        }
        f.reader = opened;
        delete f.error;
        delete f.status.error;
        f.status.kind = SOURCE_KIND_NAMES[opened.kind];
      }
      let mirrored: MirrorReport;
      try {
        if (!f.listing || this.now() - f.listedAt >= RELIST_MS) { f.listing = await f.reader.listRuns(); f.listedAt = this.now(); }
        mirrored = await mirrorSource(f.reader, this.runsDir, this.log, { listing: f.listing, told: f.told, ...(this.sink ? { sink: this.sink } : {}) });
        f.listing = { runs: f.listing.runs, problems: [] }; // listing problems are reported with the listing that found them
      } catch (err) {
        const message = `cannot read it: ${errorMessage(err)}`;
        if (f.status.error !== message) this.log.warn(`Trialbook: source ${f.config.path}: ${message}.`);
        f.status.error = message;
        report.sources.push(f.status);
        continue;
      }
      delete f.status.error;
      f.status.runs = mirrored.runs;
      for (const p of mirrored.problems) {
        const text = describeProblem(p);
        if (f.status.problems.some((q) => describeProblem(q) === text)) continue;
        f.status.problems.push(p);
        if (f.status.problems.length > MAX_KEPT) f.status.problems.shift();
      }
      report.changed.push(...mirrored.changed);
      report.bytes += mirrored.bytes;
      report.sources.push(f.status);
    }
    return report;
  }

  /** Registered models of the sources read so far (MLflow stores), for the Models view; problems are logged once. */
  async registeredModels(): Promise<SourceRegisteredModel[]> {
    const out: SourceRegisteredModel[] = [];
    for (const f of this.followed.values()) {
      if (!f.reader) continue;
      const problems: MirrorProblem[] = [];
      out.push(...await sourceRegisteredModels(f.reader, problems));
      for (const p of problems) {
        const text = `Trialbook: ${SOURCE_KIND_NAMES[f.reader.kind]} ${f.reader.root}: ${describeProblem(p)}.`;
        if (!f.told.has(text)) { f.told.add(text); this.log.warn(text); }
      }
    }
    return out;
  }

  close(): void {
    for (const f of this.followed.values()) f.reader?.close();
    this.followed.clear();
  }
}

/** .trialbook/runs of a workspace's .trialbook folder. */
export function runsDirOf(trialbookDir: string): string {
  return join(trialbookDir, 'runs');
}
