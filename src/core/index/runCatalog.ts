// The runs the index holds in memory (metadata and metric summaries, not points) with the user's edits over them,
// and every question about runs that needs no points: lists, details, experiments, metric names, params, cells.
import { resolve } from 'node:path';
import type { Database } from 'sql.js';
import { compileFilter } from '../filterLanguage';
import type { CellLink, DatasetGroup, ParamComparison, PushRecord, RunDetail, RunQuery, RunRow } from '../model';
import { applyOverrides, type EditsFile } from '../runEditsReader';
import { compareParamValues, sortRuns } from '../runQueries';
import { toRunDetail, toRunRow, type RunState } from '../runState';
import { loadRunsInSteps } from '../store';
import type { Steps } from '../steps';
import { datasetGroups, type RunWithInputs } from './datasetCatalog';

export interface CatalogOptions {
  crashAfterSeconds: number;
  now: () => number;
  /** The pushes recorded for a run (the push ledger's). */
  pushesOf(runId: string): PushRecord[];
}

export class RunCatalog {
  /** Keyed by run id (a Map: ids are folder names, never looked up on a plain object). */
  runs = new Map<string, RunState>();
  /**
   * Runs listed from the first and last lines of their logs while a sync has not read them yet (runStarts.ts):
   * shown with their start and end but no metrics until the ingest replaces them.
   */
  readonly previews = new Map<string, RunState>();
  /** User edits per run (runs/<id>/edits.jsonl), applied over the run's own events when rows are read. */
  readonly edits = new Map<string, EditsFile>();
  private nextSeriesId = 1;

  constructor(private readonly options: CatalogOptions) {}

  /** Statuses are derived when rows are read, so the next query already uses the new threshold (a setting changed). */
  setCrashAfterSeconds(seconds: number): void {
    this.options.crashAfterSeconds = seconds;
  }

  /** Loads the runs of a database nothing else uses yet, in steps (see store.loadRunsInSteps); the runs are replaced at the end. */
  *loadInSteps(db: Database): Steps<void> {
    const loaded = yield* loadRunsInSteps(db);
    this.runs = loaded.runs;
    this.nextSeriesId = loaded.nextSeriesId;
  }

  /** Forgets every run (edits stay: they are files, read again only when they change). */
  clear(): void {
    this.runs = new Map();
    this.previews.clear();
    this.nextSeriesId = 1;
  }

  readonly allocateSeriesId = (): number => this.nextSeriesId++;

  /** Every run a query sees: the ingested ones, then those only listed so far. */
  private listed(): RunState[] {
    const all = [...this.runs.values()];
    for (const [id, preview] of this.previews) if (!this.runs.has(id)) all.push(preview);
    return all;
  }

  private find(id: string): RunState | undefined {
    return this.runs.get(id) ?? this.previews.get(id);
  }

  /** Runs listed but whose logs the current sync has not read yet (their metrics are still to come). */
  pendingCount(): number {
    let n = 0;
    for (const id of this.previews.keys()) if (!this.runs.has(id)) n++;
    return n;
  }

  isPending(id: string): boolean {
    return !this.runs.has(id) && this.previews.has(id);
  }

  private rows(): RunRow[] {
    const now = this.options.now();
    const crashAfter = this.options.crashAfterSeconds;
    return this.listed().map((r) => applyOverrides(toRunRow(r, now, crashAfter), this.edits.get(r.id)?.overrides));
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
    const run = this.find(id);
    if (!run) return undefined;
    const detail = toRunDetail(run, this.options.now(), this.options.crashAfterSeconds, this.options.pushesOf(id));
    return applyOverrides(detail, this.edits.get(id)?.overrides);
  }

  runsWithArtifacts(type?: string): string[] {
    const ids: string[] = [];
    for (const run of this.listed()) {
      if (run.artifacts.some((a) => type === undefined || a.type === type)) ids.push(run.id);
    }
    // Run ids sort by start time: newest first.
    return ids.sort().reverse();
  }

  /** Every dataset the runs used: name → versions → runs (and their models). */
  datasets(): DatasetGroup[] {
    const used: RunWithInputs[] = [];
    for (const run of this.listed()) {
      if (run.inputs.length === 0) continue;
      const name = this.edits.get(run.id)?.overrides.name ?? run.name;
      used.push({ id: run.id, name, experiment: run.experiment, startedAt: run.startedAt, inputs: run.inputs,
        models: run.artifacts.filter((a) => a.type === 'model').map((a) => a.name) });
    }
    return datasetGroups(used);
  }

  experiments(): string[] {
    return [...new Set(this.listed().map((r) => r.experiment))].sort();
  }

  metricKeys(runIds?: string[]): string[] {
    const keys = new Set<string>();
    const runs = runIds ? runIds.map((id) => this.runs.get(id)).filter((r): r is RunState => r !== undefined) : [...this.runs.values()];
    for (const r of runs) for (const k of r.metrics.keys()) keys.add(k);
    return [...keys].sort();
  }

  compareParams(runIds: string[], onlyDifferent: boolean): ParamComparison {
    const now = this.options.now();
    const rows = runIds.map((id) => this.find(id)).filter((r): r is RunState => r !== undefined)
      .map((r) => toRunRow(r, now, this.options.crashAfterSeconds));
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
}
